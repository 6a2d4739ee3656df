/**
 * Each seed SOP driven through every exit of every decision, to each of its
 * ends, through the built CLI (`node dist/cli/bin.cjs`, a child process per
 * command): along every path from the start to an end that takes each loop
 * at most once, as written out by hand in tests/runtime/walk-helpers.ts
 * (tests/runtime/seed-walks.test.ts checks those walks against the SOP
 * files, and runs the same paths in-process through the engine API).
 *
 * Each path runs on its own temporary database: every step completed by the
 * user who plays its pelaksana, with the outputs it declares, the resulting
 * status checked after each step (as `advance --json` prints it, and read
 * back by `sop status --json` in a new process after the start, after each
 * decision and at the end: a separate status process per step would double
 * the run time), and the history at the end.
 */
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { HistoryEntry, StatusView } from '../../../engine/index.js';
import { SOPS, STACK_TRACE, spawnSop, tempDir, type CliResult } from '../../helpers/cli.js';
import { ADMIN, Visits, bySop, casePeople, entryOf, expectCurrent, expectEnded, expectedHistory, noteFor, outputValue, pathsOf, roleHolders, secretValue } from '../../runtime/walk-helpers.js';

// --- the CLI, asynchronously ----------------------------------------------

/**
 * At most this many `sop` processes at a time: each is CPU-bound (about
 * 0.3-0.5 s of node start-up and work), and the test machine has two cores.
 */
const MAX_PROCESSES = 2;
let running = 0;
const waiting: (() => void)[] = [];

async function slot(): Promise<() => void> {
  if (running >= MAX_PROCESSES) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  return () => {
    running--;
    waiting.shift()?.();
  };
}

/** `sop(args, {input})` of tests/helpers/cli.ts, as a promise, at most MAX_PROCESSES at a time. */
async function sopAsync(args: string[], options: { cwd?: string; env?: Record<string, string>; input?: string; login?: string } = {}): Promise<CliResult> {
  const release = await slot();
  try {
    return await spawnSop(args, options);
  } finally {
    release();
  }
}

// --- through the built CLI ----------------------------------------------------

describe.concurrent('Seed walks through the built CLI (a child process per command, a temporary database per path)', () => {
  describe.each(bySop)('Given %s, a database with an administrator and one user per role', (_, walk) => {
    const dir = tempDir('sop-walk-');
    const template = join(dir, 'template.db');
    /** `sop args` run by the OS login `as`: each person is bound to a login of their name. */
    const cli = async (db: string, as: string, args: string[], input?: string) => {
      const r = await sopAsync(['--db', db, '--sops', SOPS, ...args], { login: as, ...(input === undefined ? {} : { input }) });
      expect(r.stderr, `sop ${args.join(' ')}`).not.toMatch(STACK_TRACE);
      expect(r.code, `${as}: sop ${args.join(' ')}\n${r.stderr}`).toBe(0);
      return r;
    };
    const cliJson = async <T>(db: string, as: string, args: string[], input?: string): Promise<T> => JSON.parse((await cli(db, as, args, input)).stdout) as T;

    // Every path gets a copy of this database: `sop init`, `sop publish --all`, then `sop user add` for each role and each person of the case.
    beforeAll(async () => {
      await cli(template, ADMIN, ['init', '--admin', ADMIN]);
      await cli(template, ADMIN, ['publish', '--all']);
      for (const [user, role] of roleHolders(walk)) await cli(template, ADMIN, ['user', 'add', user, '--login', user, '--role', role]);
      for (const user of casePeople(walk)) await cli(template, ADMIN, ['user', 'add', user, '--login', user]);
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
