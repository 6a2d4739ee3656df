/**
 * Each seed SOP driven through every exit of every decision, to each of its
 * ends: along every path from the start to an end that takes each loop at
 * most once, as written out by hand in walk-helpers.ts.
 *
 * - First, the hand-written walks are checked against the SOP files, so
 *   that what the runtime tests drive is what the documents say.
 * - Then the paths run in-process through the engine API, where the replay
 *   of the recorded events must give the cached state after every step,
 *   and an attempt by someone who does not act for the step is refused and
 *   recorded without moving anything.
 *
 * The same paths through the built CLI, a child process per command:
 * tests/e2e/runtime/seed-walks.test.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isSopError, type OutputInput, type SopDefinition } from '../../engine/index.js';
import { loadSop } from '../../engine/definition/load.js';
import { deriveState } from '../../engine/machine/instance-state.js';
import { Store } from '../../engine/store/index.js';
import { officeWith } from '../helpers/engine.js';
import { SOPS, tempDir } from '../helpers/cli.js';
import { ADMIN, Visits, bySop, casePeople, entryOf, expectCurrent, expectEnded, expectedHistory, noteFor, outputValue, pathsOf, roleHolders, secretValue } from './walk-helpers.js';

// --- the walks against the documents ----------------------------------------

describe('The hand-written walks of the seed SOPs', () => {
  describe.each(bySop)('Given the SOP file of %s in sops/', (_, walk) => {
    const def: SopDefinition = loadSop(SOPS, walk.sop);

    it('then each path moves from row to row as the procedure table leads, by the pelaksana of each row, to its end', () => {
      for (const path of walk.paths) {
        expect(path.moves[0]!.step, path.name).toBe(def.start);
        path.moves.forEach((m, k) => {
          const step = def.steps.find((s) => s.id === m.step);
          expect(step, `${path.name}: ${m.step}`).toBeDefined();
          expect(m.by, `${path.name}: pelaksana of ${m.step}`).toBe(step!.actor);
          const leadsTo = path.moves[k + 1]?.step ?? path.end;
          if (step!.kind === 'decision') {
            const exit = step!.exits.find((x) => x.id === m.choice?.id);
            expect(exit, `${path.name}: ${m.step} needs a choice`).toBeDefined();
            expect(exit).toEqual({ id: m.choice!.id, label: m.choice!.label, to: leadsTo });
          } else {
            expect(m.choice, `${path.name}: ${m.step} is no decision`).toBeUndefined();
            expect(step!.next, `${path.name}: after ${m.step}`).toBe(leadsTo);
          }
        });
        expect(def.ends.find((e) => e.id === path.end)?.outcome, path.name).toBe(path.outcome);
        // Each loop at most once: no step entered more than twice.
        const counts = new Map<string, number>();
        for (const m of path.moves) counts.set(m.step, (counts.get(m.step) ?? 0) + 1);
        expect(Math.max(...counts.values()), path.name).toBeLessThanOrEqual(2);
      }
    });

    it('then together the paths take every exit of every decision and reach every end', () => {
      const taken = new Set(walk.paths.flatMap((p) => p.moves.flatMap((m) => (m.choice ? [`${m.step} → ${m.choice.id}`] : []))));
      const exits = def.steps.flatMap((s) => (s.kind === 'decision' ? s.exits.map((x) => `${s.id} → ${x.id}`) : []));
      expect([...taken].sort()).toEqual(exits.sort());
      expect([...new Set(walk.paths.map((p) => p.end))].sort()).toEqual(def.ends.map((e) => e.id).sort());
      expect(new Set(walk.paths.map((p) => p.moves.map((m) => `${m.step}:${m.choice?.id ?? ''}`).join(' '))).size).toBe(walk.paths.length);
    });

    it('then the walks give each step exactly the outputs it declares, the sensitive ones on standard input, and cast one user per actor', () => {
      for (const step of def.steps) {
        expect(
          (walk.outputs[step.id] ?? []).map((o) => ({ id: o.id, sensitive: o.how === 'stdin' })),
          step.id,
        ).toEqual(step.outputs.map((o) => ({ id: o.id, sensitive: o.sensitive === true })));
      }
      expect(Object.keys(walk.outputs).filter((s) => !def.steps.some((d) => d.id === s))).toEqual([]);
      expect(Object.keys(walk.cast).sort()).toEqual(def.actors.map((a) => a.id).sort());
      expect([...walk.caseActors].sort()).toEqual(
        def.actors
          .filter((a) => a.kind === 'case')
          .map((a) => a.id)
          .sort(),
      );
      expect(new Set(Object.values(walk.cast)).size).toBe(def.actors.length);
      expect(walk.starter).toBe(walk.caseActors.length ? walk.cast[walk.caseActors[0]!] : walk.cast[def.steps[0]!.actor]);
    });
  });
});

// --- in-process, through the engine API ---------------------------------------------

/** Awaits `p`, which must be refused with a SopError; returns it. */
async function refusal(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    if (isSopError(e)) return e;
    throw e;
  }
  throw new Error('expected a refusal, but the call succeeded');
}

describe('Seed walks in-process through the engine API', () => {
  describe.each(bySop)('Given %s, a new database with an administrator and one user per role', (_, walk) => {
    it.each(pathsOf(walk))('when it goes %s, then after every step the replay of the events equals the cached state, and it ends there', async (_, path, i) => {
      const db = join(tempDir('sop-walk-engine-'), 'sop.db');
      let now = new Date('2026-01-05T00:00:00Z'); // a Monday, 08:00 WITA
      const people = Object.fromEntries([...roleHolders(walk).map(([user, role]) => [user, [role]] as const), ...casePeople(walk).map((user) => [user, []] as const)]);
      const office = await officeWith(db, people, { clock: () => now, osUser: 'test' });
      // The store read directly, on a connection of its own: the rows the engine wrote, and their events.
      const store = Store.open(db);
      try {
        const as = (user: string) => office.as(user).instances;
        const { id } = await as(walk.starter).start(walk.sop);
        const def = store.getDefinition(store.getInstance(id)!.definitionHash)!;
        expect(def, 'the pinned definition is the SOP file').toEqual(loadSop(SOPS, walk.sop));
        const replayEqualsCache = (when: string) => expect(deriveState(def, store.eventsOf(id)), when).toStrictEqual(store.getInstance(id)!.state);
        replayEqualsCache('after start');
        expect(store.getInstance(id)!.state).toMatchObject({ assignments: Object.fromEntries(walk.caseActors.map((a) => [a, walk.cast[a]])) });

        const visits = new Visits();
        const wrongUsers: string[] = [];
        for (const [k, m] of path.moves.entries()) {
          now = new Date(now.getTime() + 5 * 60_000);
          expectCurrent(walk, await as(ADMIN).status(id), m);
          const visit = visits.next(m.step);
          const outputs: OutputInput[] = (walk.outputs[m.step] ?? []).map((o) => {
            const value = outputValue(walk.sop, i, m.step, o.id, visit);
            if (o.how === 'text') return { id: o.id, value };
            if (o.how === 'file') return { id: o.id, value: Buffer.from(value) };
            return { id: o.id, value: secretValue(i), protected: true };
          });
          const options = { step: m.step, outputs, ...(m.choice ? { choice: m.choice.id, note: noteFor(m)! } : {}) };

          // Given a user who plays another actor, when they try the step, then it is refused and nothing moves
          const wrong = Object.values(walk.cast).find((u) => u !== walk.cast[m.by])!;
          wrongUsers.push(wrong);
          expect((await refusal(as(wrong).advance(id, options))).code, `${wrong} on ${m.step}`).toBe('auth.not-actor');
          expect(store.getInstance(id)!.version).toBe(k + 1);
          replayEqualsCache(`after the refusal on ${m.step}`);

          // When its pelaksana completes it, then the replay still gives the cached state
          const done = await as(walk.cast[m.by]!).advance(id, options);
          expect(done.completed).toBe(m.step);
          expect(done.choice).toBe(m.choice?.id);
          expect(done.status.version).toBe(k + 2);
          // The status advance answers is that of the row it wrote.
          const row = store.getInstance(id)!;
          expect(done.status, 'the status advance answers is the one read back').toEqual(await as(ADMIN).status(id));
          expect(done.status).toMatchObject({ id: row.id, definitionHash: row.definitionHash, status: row.status, outcome: row.outcome, version: row.version, updatedAt: row.updatedAt });
          replayEqualsCache(`after ${m.step}`);
        }

        // Then the instance has reached the path's end, and the replay of its events equals what was recorded
        const audit = office.as(ADMIN).audit;
        expectEnded(await as(ADMIN).status(id), path, path.moves.length);
        expect(await audit.replay(id)).toMatchObject({ matches: true, breaks: [] });
        expect(await audit.verify()).toMatchObject({ ok: true, breaks: [], instances: 1, events: 1 + 2 * path.moves.length });
        expect(store.getInstance(id)!.state).toMatchObject({ status: 'completed', current: null, end: path.end, outcome: path.outcome });

        // And the history has the start and the completions in order, each refusal where it happened
        const entries = (await as(ADMIN).history(id)).entries;
        expect(entries.filter((e) => e.type !== 'refused').map(entryOf)).toEqual(expectedHistory(walk, path, i));
        expect(entries.filter((e) => e.type === 'refused').map((e) => [e.step, e.user, e.reason?.split(':')[0]])).toEqual(path.moves.map((m, k) => [m.step, wrongUsers[k], 'auth.not-actor']));
        expect(entries.map((e) => e.type)).toEqual(['started', ...path.moves.flatMap(() => ['refused', 'completed'])]);

        // And the last value of each output reads back; a sensitive one never does
        for (const [step, plans] of Object.entries(walk.outputs)) {
          const last = path.moves.filter((m) => m.step === step).length;
          for (const o of plans) {
            if (last === 0) {
              expect((await refusal(as(ADMIN).output(id, o.id))).code).toBe('output.not-recorded');
            } else if (o.how === 'stdin') {
              expect((await refusal(as(ADMIN).output(id, o.id))).code).toBe('output.sensitive');
            } else {
              expect((await as(ADMIN).output(id, o.id)).content.toString()).toBe(outputValue(walk.sop, i, step, o.id, last));
            }
          }
        }
      } finally {
        store.close();
        await office.close();
      }
      const secret = secretValue(i);
      for (const file of [db, `${db}-wal`]) if (existsSync(file)) expect(readFileSync(file).includes(secret), file).toBe(false);
    });
  });
});
