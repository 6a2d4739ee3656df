/**
 * Each seed SOP driven through every exit of every decision, to each of its
 * ends: along every path from the start to an end that takes each loop at
 * most once, as written out by hand in walk-helpers.ts.
 *
 * - First, the hand-written walks are checked against the SOP files, so
 *   that what the runtime tests drive is what the documents say.
 * - Then each path runs through the built CLI (`node dist/cli/bin.cjs`, a
 *   child process per command) on its own temporary database: every step
 *   completed by the user who plays its pelaksana, with the outputs it
 *   declares, the resulting status checked after each step (as `advance
 *   --json` prints it, and read back by `sop status --json` in a new
 *   process after the start, after each decision and at the end: a
 *   separate status process per step would double the run time), and the
 *   history at the end.
 * - Then the same paths run in-process through the engine API, where the
 *   replay of the recorded events must give the cached state after every
 *   step, and an attempt by someone who does not act for the step is refused
 *   and recorded without moving anything.
 */
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Session,
  addUser,
  advanceInstance,
  deriveState,
  initDatabase,
  instanceHistory,
  instanceStatus,
  isSopError,
  loadSop,
  readOutput,
  replayRecorded,
  startInstance,
  verifyStore,
} from '../../dist/engine/index.js';
import type { HistoryEntry, OutputInput, SopDefinition, StatusView } from '../../dist/engine/index.js';
import { SOPS, STACK_TRACE, tempDir } from '../helpers/cli.js';
import {
  ADMIN,
  SEED_WALKS,
  casePeople,
  outputValue,
  roleHolders,
  secretValue,
  sha256,
  sopAsync,
} from './walk-helpers.js';
import type { Move, SeedWalk, WalkPath } from './walk-helpers.js';

// --- what every walk expects -----------------------------------------------

/** How many times each step has been entered so far, to give each visit its own output values. */
class Visits {
  private readonly counts = new Map<string, number>();
  next(step: string): number {
    const n = (this.counts.get(step) ?? 0) + 1;
    this.counts.set(step, n);
    return n;
  }
}

/** The note recorded with a decision: the choice in the document's words. */
const noteFor = (m: Move): string | null => (m.choice ? `keputusan: ${m.choice.label}` : null);

/** What `status --json` must show as the current step when `m` is next. */
function expectCurrent(walk: SeedWalk, status: StatusView, m: Move): void {
  expect(status.status, `waiting for ${m.step}`).toBe('active');
  expect(status.outcome).toBeNull();
  expect(status.current).toHaveLength(1);
  expect(status.current[0]).toMatchObject({
    step: m.step,
    actor: m.by,
    assignee: walk.caseActors.includes(m.by) ? walk.cast[m.by]! : null,
    choices: m.choice ? expect.arrayContaining([m.choice.id]) : [],
    exits: m.choice ? expect.arrayContaining([expect.objectContaining({ id: m.choice.id, label: m.choice.label })]) : [],
    outputs: (walk.outputs[m.step] ?? []).map((o) => ({ id: o.id, sensitive: o.how === 'stdin' })),
  });
}

/** What `status --json` must show once the path has reached its end. */
function expectEnded(status: StatusView, path: WalkPath, moves: number): void {
  expect(status).toMatchObject({ status: 'completed', outcome: path.outcome, current: [], version: moves + 1 });
}

type Entry = Pick<HistoryEntry, 'type' | 'step' | 'choice' | 'choiceLabel' | 'user' | 'role' | 'note' | 'outputs'>;
const entryOf = (e: HistoryEntry): Entry => ({
  type: e.type,
  step: e.step,
  choice: e.choice,
  choiceLabel: e.choiceLabel,
  user: e.user,
  role: e.role,
  note: e.note,
  outputs: e.outputs,
});

/** The history a path must leave: its start, then exactly its completions in order, with choices, notes and output hashes. */
function expectedHistory(walk: SeedWalk, path: WalkPath, pathIndex: number): Entry[] {
  const visits = new Visits();
  const started: Entry = { type: 'started', step: null, choice: null, choiceLabel: null, user: walk.starter, role: null, note: null, outputs: [] };
  return [
    started,
    ...path.moves.map((m): Entry => {
      const visit = visits.next(m.step);
      return {
        type: 'completed',
        step: m.step,
        choice: m.choice?.id ?? null,
        choiceLabel: m.choice?.label ?? null,
        user: walk.cast[m.by]!,
        role: m.by,
        note: noteFor(m),
        outputs: (walk.outputs[m.step] ?? []).map((o) => {
          if (o.how === 'stdin') return { id: o.id, given: true as const };
          const value = outputValue(walk.sop, pathIndex, m.step, o.id, visit);
          return { id: o.id, sha256: sha256(value), size: Buffer.byteLength(value) };
        }),
      };
    }),
  ];
}

const bySop = SEED_WALKS.map((w) => [w.sop, w] as const);
const pathsOf = (walk: SeedWalk) => walk.paths.map((p, i) => [p.name, p, i] as const);

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
        expect((walk.outputs[step.id] ?? []).map((o) => ({ id: o.id, sensitive: o.how === 'stdin' })), step.id).toEqual(
          step.outputs.map((o) => ({ id: o.id, sensitive: o.sensitive === true })),
        );
      }
      expect(Object.keys(walk.outputs).filter((s) => !def.steps.some((d) => d.id === s))).toEqual([]);
      expect(Object.keys(walk.cast).sort()).toEqual(def.actors.map((a) => a.id).sort());
      expect([...walk.caseActors].sort()).toEqual(def.actors.filter((a) => a.kind === 'case').map((a) => a.id).sort());
      expect(new Set(Object.values(walk.cast)).size).toBe(def.actors.length);
      expect(walk.starter).toBe(walk.caseActors.length ? walk.cast[walk.caseActors[0]!] : walk.cast[def.steps[0]!.actor]);
    });
  });
});

// --- through the built CLI ----------------------------------------------------

describe.concurrent('Seed walks through the built CLI (a child process per command, a temporary database per path)', () => {
  describe.each(bySop)('Given %s, a database with an administrator and one user per role', (_, walk) => {
    const dir = tempDir('sop-walk-');
    const template = join(dir, 'template.db');
    const cli = async (db: string, as: string, args: string[], input?: string) => {
      const r = await sopAsync(['--db', db, '--sops', SOPS, '--as', as, ...args], input === undefined ? {} : { input });
      expect(r.stderr, `sop ${args.join(' ')}`).not.toMatch(STACK_TRACE);
      expect(r.code, `sop --as ${as} ${args.join(' ')}\n${r.stderr}`).toBe(0);
      return r;
    };
    const cliJson = async <T>(db: string, as: string, args: string[], input?: string): Promise<T> => JSON.parse((await cli(db, as, args, input)).stdout) as T;

    // Every path gets a copy of this database: `sop init`, then `sop user add` for each role and each person of the case.
    beforeAll(async () => {
      await cli(template, ADMIN, ['init', '--admin', ADMIN]);
      for (const [user, role] of roleHolders(walk)) await cli(template, ADMIN, ['user', 'add', user, '--role', role]);
      for (const user of casePeople(walk)) await cli(template, ADMIN, ['user', 'add', user]);
    });

    it.for(pathsOf(walk))('when it goes %s, each step done by its pelaksana, then it ends there and the history lists exactly those steps', async ([, path, i], { expect }) => {
      const db = join(dir, `path-${i + 1}.db`);
      copyFileSync(template, db);
      if (existsSync(`${template}-wal`)) copyFileSync(`${template}-wal`, `${db}-wal`);

      // When the person of the case (or the first pelaksana) starts an instance
      const { id } = await cliJson<{ id: string }>(db, walk.starter, ['start', walk.sop, '--json']);
      let status = await cliJson<StatusView>(db, ADMIN, ['status', id, '--json']);
      expect(status).toMatchObject({ id, sop: walk.sop, revision: 1, version: 1, startedBy: walk.starter });
      expect(status.assignments).toEqual(Object.fromEntries(walk.caseActors.map((a) => [a, walk.cast[a]])));
      expectCurrent(walk, status, path.moves[0]!);

      // And each step is completed by the user who plays its pelaksana, with its outputs
      const visits = new Visits();
      for (const [k, m] of path.moves.entries()) {
        const visit = visits.next(m.step);
        const args = ['advance', id, '--step', m.step];
        if (m.choice) args.push('--choice', m.choice.label, '--note', noteFor(m)!);
        const stdin: string[] = [];
        for (const o of walk.outputs[m.step] ?? []) {
          const value = outputValue(walk.sop, i, m.step, o.id, visit);
          if (o.how === 'text') args.push('--output', `${o.id}=${value}`);
          else if (o.how === 'file') {
            const file = join(dir, `path-${i + 1}-${m.step}-${o.id}-${visit}.txt`);
            writeFileSync(file, value);
            args.push('--output', `${o.id}=@${file}`);
          } else stdin.push(secretValue(i));
        }
        // (`advance --json` prints the status the step led to, in the shape of `status --json`.)
        const after = await cliJson<StatusView>(db, walk.cast[m.by]!, [...args, '--json'], stdin.length ? stdin.map((l) => `${l}\n`).join('') : undefined);

        // Then the status shows the next row, who acts for it and what it needs; or the end
        expect(after.version, `after ${m.step}`).toBe(k + 2);
        const next = path.moves[k + 1];
        if (next) expectCurrent(walk, after, next);
        else expectEnded(after, path, path.moves.length);
        // And after a decision, and at the end, `sop status --json` in a new process reads back the same
        if (m.choice || !next) {
          status = await cliJson<StatusView>(db, ADMIN, ['status', id, '--json']);
          expect(status, `status after ${m.step}`).toEqual(after);
        }
      }

      // Then the history has the start and exactly the completions, in order, with the choices
      const historyOut = (await cli(db, ADMIN, ['history', id, '--json'])).stdout;
      const history = JSON.parse(historyOut) as { id: string; sop: string; entries: HistoryEntry[] };
      expect(history).toMatchObject({ id, sop: walk.sop });
      expect(history.entries.map(entryOf)).toEqual(expectedHistory(walk, path, i));

      // And `sop replay` rebuilds it event by event through the pinned definition to the recorded state,
      // and `sop verify` finds the chain and every replay intact
      const replay = await cliJson<{ matches: boolean; final: { status: string; outcome: string }; events: unknown[] }>(db, ADMIN, ['replay', id, '--json']);
      expect(replay).toMatchObject({ matches: true, final: { status: 'completed', outcome: path.outcome } });
      expect(replay.events).toHaveLength(path.moves.length + 1);
      const verified = await cliJson<{ ok: boolean; instances: number; breaks: unknown[] }>(db, ADMIN, ['verify', '--json']);
      expect(verified).toMatchObject({ ok: true, instances: 1, breaks: [] });

      // And a temporary password never reaches the output or the database file
      const secret = secretValue(i);
      expect(historyOut).not.toContain(secret);
      for (const file of [db, `${db}-wal`]) if (existsSync(file)) expect(readFileSync(file).includes(secret), file).toBe(false);
    });
  });
});

// --- in-process, through the engine API ---------------------------------------------

/** Calls fn, which must throw a SopError; returns it. */
function refusal(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (e) {
    if (isSopError(e)) return e;
    throw e;
  }
  throw new Error('expected a refusal, but the call succeeded');
}

describe('Seed walks in-process through the engine API', () => {
  describe.each(bySop)('Given %s, a new database with an administrator and one user per role', (_, walk) => {
    it.each(pathsOf(walk))('when it goes %s, then after every step the replay of the events equals the cached state, and it ends there', (_, path, i) => {
      const db = join(tempDir('sop-walk-engine-'), 'sop.db');
      let now = new Date('2026-01-05T00:00:00Z'); // a Monday, 08:00 WITA
      const clock = () => now;
      const sessions = new Map<string, Session>();
      const as = (user: string): Session => {
        let s = sessions.get(user);
        if (!s) sessions.set(user, (s = new Session({ db, sops: SOPS, identity: { user, osUser: 'test' }, clock })));
        return s;
      };
      try {
        const init = new Session({ db, sops: SOPS, identity: { user: ADMIN, osUser: 'test' }, clock }, { create: true });
        try {
          initDatabase(init, ADMIN);
        } finally {
          init.close();
        }
        for (const [user, role] of roleHolders(walk)) addUser(as(ADMIN), user, [role], false);
        for (const user of casePeople(walk)) addUser(as(ADMIN), user, [], false);

        const inst = startInstance(as(walk.starter), walk.sop);
        const store = as(ADMIN).store;
        const def = store.getDefinition(inst.definitionHash)!;
        expect(def, 'the pinned definition is the SOP file').toEqual(loadSop(SOPS, walk.sop));
        const replayEqualsCache = (when: string) =>
          expect(deriveState(def, store.eventsOf(inst.id)), when).toStrictEqual(store.getInstance(inst.id)!.state);
        replayEqualsCache('after start');
        expect(store.getInstance(inst.id)!.state).toMatchObject({ assignments: Object.fromEntries(walk.caseActors.map((a) => [a, walk.cast[a]])) });

        const visits = new Visits();
        const wrongUsers: string[] = [];
        for (const [k, m] of path.moves.entries()) {
          now = new Date(now.getTime() + 5 * 60_000);
          expectCurrent(walk, instanceStatus(as(ADMIN), inst.id), m);
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
          expect(refusal(() => advanceInstance(as(wrong), inst.id, options)).code, `${wrong} on ${m.step}`).toBe('auth.not-actor');
          expect(store.getInstance(inst.id)!.version).toBe(k + 1);
          replayEqualsCache(`after the refusal on ${m.step}`);

          // When its pelaksana completes it, then the replay still gives the cached state
          const done = advanceInstance(as(walk.cast[m.by]!), inst.id, options);
          expect(done.completed).toBe(m.step);
          expect(done.choice).toBe(m.choice?.id);
          expect(done.instance.version).toBe(k + 2);
          expect(done.instance, 'the instance advance returns is the row it wrote').toEqual(store.getInstance(inst.id));
          replayEqualsCache(`after ${m.step}`);
        }

        // Then the instance has reached the path's end, and the replay of its events equals what was recorded
        expectEnded(instanceStatus(as(ADMIN), inst.id), path, path.moves.length);
        expect(replayRecorded(as(ADMIN), inst.id)).toMatchObject({ matches: true, breaks: [] });
        expect(verifyStore(store)).toMatchObject({ ok: true, breaks: [], instances: 1, events: 1 + 2 * path.moves.length });
        expect(store.getInstance(inst.id)!.state).toMatchObject({ status: 'completed', current: null, end: path.end, outcome: path.outcome });

        // And the history has the start and the completions in order, each refusal where it happened
        const entries = instanceHistory(as(ADMIN), inst.id).entries;
        expect(entries.filter((e) => e.type !== 'refused').map(entryOf)).toEqual(expectedHistory(walk, path, i));
        expect(entries.filter((e) => e.type === 'refused').map((e) => [e.step, e.user, e.reason?.split(':')[0]])).toEqual(
          path.moves.map((m, k) => [m.step, wrongUsers[k], 'auth.not-actor']),
        );
        expect(entries.map((e) => e.type)).toEqual(['started', ...path.moves.flatMap(() => ['refused', 'completed'])]);

        // And the last value of each output reads back; a sensitive one never does
        for (const [step, plans] of Object.entries(walk.outputs)) {
          const last = path.moves.filter((m) => m.step === step).length;
          for (const o of plans) {
            if (last === 0) {
              expect(refusal(() => readOutput(as(ADMIN), inst.id, o.id)).code).toBe('output.not-recorded');
            } else if (o.how === 'stdin') {
              expect(refusal(() => readOutput(as(ADMIN), inst.id, o.id)).code).toBe('output.sensitive');
            } else {
              expect(readOutput(as(ADMIN), inst.id, o.id).content.toString()).toBe(outputValue(walk.sop, i, step, o.id, last));
            }
          }
        }
      } finally {
        for (const s of sessions.values()) s.close();
      }
      const secret = secretValue(i);
      for (const file of [db, `${db}-wal`]) if (existsSync(file)) expect(readFileSync(file).includes(secret), file).toBe(false);
    });
  });
});
