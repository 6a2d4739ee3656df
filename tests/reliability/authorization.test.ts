/**
 * "Nobody may act outside their role."
 *
 * - Every step of every seed SOP, on every path (the walks of
 *   tests/runtime/walk-helpers.ts), tried by every person who does not hold
 *   it: a standing role they lack, or a person of the case they are not;
 *   the administrator included. Each attempt is complete (the right choice,
 *   every output), so that only who acts can make it fail. Refusals only:
 *   auth.not-actor, recorded as one refused attempt, nothing else changed.
 *   Then the right person completes the step and the walk goes on.
 * - Cancelling, by everyone who neither started the instance nor is an
 *   administrator: auth.not-allowed.
 * - Every user and role change, by every registered person who is not an
 *   administrator (and by people who are not registered), on themselves, on
 *   others and on the administrator; and `sop init` on a database that is
 *   not empty: refusals only, nothing written.
 *
 * Through the CLI's own entry point in-process (`run` of cli/program.ts),
 * and as a child process where a password is read from standard input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { run } from '../../dist/cli/program.js';
import { Session, initDatabase, addUser } from '../../dist/engine/index.js';
import { CLI, SOPS, STACK_TRACE, tempDir } from '../helpers/cli.js';
import { SEED_WALKS, ADMIN, outputValue, secretValue, type SeedWalk } from '../runtime/walk-helpers.js';

let dir: string;
let db: string;

/** Everyone in the database: the casts of the three walks (one user per role, the people of the case), the administrator, and a guest with nothing. */
const ROLES: Record<string, string[]> = {};
for (const walk of SEED_WALKS) {
  for (const [actor, user] of Object.entries(walk.cast)) {
    ROLES[user] ??= [];
    if (!walk.caseActors.includes(actor) && !ROLES[user]!.includes(actor)) ROLES[user]!.push(actor);
  }
}
const GUEST = 'tamu';
const PEOPLE = [...Object.keys(ROLES), GUEST, ADMIN].sort();

const stats = { stepAttempts: 0, steps: 0, cancelAttempts: 0, peopleAttempts: 0, initAttempts: 0 };

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(args: string[]): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  const code = await run([...args, '--db', db, '--sops', SOPS], { out: (t) => (stdout += t), err: (t) => (stderr += t), width: 80 });
  return { code, stdout, stderr };
}

function cliProcess(args: string[], input: string): Outcome {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of ['SOP_DIR', 'SOP_DB', 'SOP_USER', 'SOP_DEBUG']) delete env[name];
  const r = spawnSync(process.execPath, [CLI, ...args, '--db', db, '--sops', SOPS], { cwd: dir, env, input, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

interface Snapshot {
  log: { seq: number; kind: string; instance_id: string | null; version: number | null; payload: string }[];
  rest: unknown[];
}

function snapshot(): Snapshot {
  const conn = new Database(db, { readonly: true, fileMustExist: true });
  try {
    const all = (sql: string) => conn.prepare(sql).all();
    return {
      log: all('SELECT seq, kind, instance_id, version, payload FROM log ORDER BY seq') as Snapshot['log'],
      rest: [
        all('SELECT * FROM instances ORDER BY id'),
        all('SELECT * FROM users ORDER BY name'),
        all('SELECT * FROM user_roles ORDER BY user, role'),
        all('SELECT sha256 FROM blobs ORDER BY sha256'),
        all('SELECT hash FROM definitions ORDER BY hash'),
      ],
    };
  } finally {
    conn.close();
  }
}

function expectRefused(r: Outcome, code: string, what: string): void {
  expect(r.stderr, what).not.toMatch(STACK_TRACE);
  expect(r.code, `${what}\n${r.stderr}`).toBe(1);
  expect(r.stdout, what).toBe('');
  expect(r.stderr.split('\n')[0], what).toMatch(new RegExp(`\\[${code.replace('.', '\\.')}\\]$`));
}

/** Refused, and recorded: the log gained one refused entry by `user` (on `step`), and nothing else changed. */
function expectRecordedRefusal(before: Snapshot, after: Snapshot, instance: string, user: string, step: string | undefined, what: string): void {
  expect(after.rest, what).toEqual(before.rest);
  expect(after.log.slice(0, before.log.length), what).toEqual(before.log);
  expect(after.log.length, what).toBe(before.log.length + 1);
  const entry = after.log.at(-1)!;
  expect(entry, what).toMatchObject({ kind: 'event', instance_id: instance, version: null });
  const payload = JSON.parse(entry.payload);
  expect(payload, what).toMatchObject({ type: 'refused', by: { user } });
  if (step !== undefined) expect(payload.step, what).toBe(step);
}

/** Whether `user` may complete a step whose actor is `actor` in an instance of `walk` started by its starter. */
function holds(walk: SeedWalk, actor: string, user: string): boolean {
  return walk.caseActors.includes(actor) ? walk.cast[actor] === user : (ROLES[user] ?? []).includes(actor);
}

beforeAll(() => {
  dir = tempDir('sop-authz-');
  db = join(dir, 'sop.db');
  const s = new Session({ db, sops: SOPS, identity: { user: ADMIN, osUser: 'tester' } }, { create: true });
  try {
    initDatabase(s, ADMIN);
    for (const [user, roles] of Object.entries(ROLES)) addUser(s, user, roles, false);
    addUser(s, GUEST, [], false);
  } finally {
    s.close();
  }
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  console.log(`authorization: ${stats.stepAttempts} step attempts on ${stats.steps} steps, ${stats.cancelAttempts} cancels, ${stats.peopleAttempts} user and role changes, ${stats.initAttempts} inits: all refused`);
});

describe('Given every path of every seed SOP', () => {
  for (const walk of SEED_WALKS) {
    for (const [pathIndex, path] of walk.paths.entries()) {
      it(`${walk.sop}, path ${pathIndex + 1} (${path.name}): at every step, everyone who does not hold it is refused, and the walk still ends at ${path.end}`, async () => {
        const started = await cli(['start', walk.sop, '--as', walk.starter, '--json']);
        expect(started.code, started.stderr).toBe(0);
        const id = JSON.parse(started.stdout).id as string;

        // Cancelling: only the starter or an administrator.
        for (const user of PEOPLE.filter((u) => u !== walk.starter && u !== ADMIN)) {
          const before = snapshot();
          const r = await cli(['cancel', id, '--as', user, '--reason', 'Bukan wewenang saya']);
          const what = `${user} cancels ${id}`;
          expectRefused(r, 'auth.not-allowed', what);
          expectRecordedRefusal(before, snapshot(), id, user, undefined, what);
          stats.cancelAttempts++;
        }

        const visits: Record<string, number> = {};
        for (const move of path.moves) {
          visits[move.step] = (visits[move.step] ?? 0) + 1;
          const plans = walk.outputs[move.step] ?? [];
          const args = ['advance', id, '--step', move.step];
          if (move.choice) args.push('--choice', move.choice.id);
          for (const o of plans.filter((p) => p.how !== 'stdin')) {
            const value = outputValue(walk.sop, pathIndex, move.step, o.id, visits[move.step]!);
            if (o.how === 'file') {
              const file = join(dir, `${o.id}.txt`);
              writeFileSync(file, value);
              args.push('--output', `${o.id}=@${file}`);
            } else args.push('--output', `${o.id}=${value}`);
          }
          const secret = plans.some((p) => p.how === 'stdin') ? `${secretValue(pathIndex)}\n` : undefined;
          const attempt = (user: string) => (secret === undefined ? cli([...args, '--as', user]) : Promise.resolve(cliProcess([...args, '--as', user], secret)));

          const outsiders = PEOPLE.filter((u) => !holds(walk, move.by, u));
          expect(outsiders.length).toBeGreaterThan(0);
          for (const user of outsiders) {
            const before = snapshot();
            const r = await attempt(user);
            const what = `${user} completes step ${move.step} (actor ${move.by}) of ${walk.sop}`;
            expectRefused(r, 'auth.not-actor', what);
            expectRecordedRefusal(before, snapshot(), id, user, move.step, what);
            if (secret !== undefined) expect(r.stderr + JSON.stringify(snapshot()), what).not.toContain(secretValue(pathIndex));
            stats.stepAttempts++;
          }
          stats.steps++;

          const done = await attempt(walk.cast[move.by]!);
          expect(done.code, `${walk.cast[move.by]} completes ${move.step}: ${done.stderr}`).toBe(0);
        }
        const status = JSON.parse((await cli(['status', id, '--json'])).stdout);
        expect({ status: status.status, outcome: status.outcome }).toEqual({ status: 'completed', outcome: path.outcome });
      });
    }
  }
});

describe('Given people managed by the administrator', () => {
  const NOT_ADMINS = PEOPLE.filter((u) => u !== ADMIN);
  const STRANGERS = ['orang.asing', 'mantan.pegawai'];

  /** Every user and role change there is, on `target`. */
  const changes = (target: string): string[][] => [
    ['user', 'add', `baru-${target}`],
    ['user', 'add', `baru-${target}`, '--admin'],
    ['user', 'add', `baru-${target}`, '--role', 'kepala-bidang-persandian'],
    ['user', 'grant', target, 'kepala-bidang-persandian'],
    ['user', 'grant', target, 'administrator', 'pengelola-tim-teknis', 'kepala-bidang-aptika'],
    ['user', 'revoke', target, 'pengelola-tim-teknis'],
    ['user', 'set-roles', target, 'kepala-bidang-aptika'],
    ['user', 'remove', target],
  ];

  it('when each person who is not an administrator tries every change on themselves, on another, and on the administrator, then each is auth.not-admin and nothing is written', async () => {
    for (const user of NOT_ADMINS) {
      for (const target of [user, NOT_ADMINS.find((u) => u !== user)!, ADMIN]) {
        for (const change of changes(target)) {
          const before = snapshot();
          const r = await cli([...change, '--as', user]);
          const what = `${user}: sop ${change.join(' ')}`;
          expectRefused(r, 'auth.not-admin', what);
          expect(snapshot(), what).toEqual(before);
          stats.peopleAttempts++;
        }
      }
    }
  });

  it('when people who are not registered try them, then each is auth.unknown-user and nothing is written', async () => {
    for (const user of STRANGERS) {
      for (const change of [...changes(user), ...changes(ADMIN)]) {
        const before = snapshot();
        const r = await cli([...change, '--as', user]);
        expectRefused(r, 'auth.unknown-user', `${user}: sop ${change.join(' ')}`);
        expect(snapshot()).toEqual(before);
        stats.peopleAttempts++;
      }
    }
  });

  it('when sop init is run on this database (which is not empty), by anyone, for anyone, then it is store.not-empty and nothing is written', async () => {
    for (const user of [...PEOPLE, ...STRANGERS]) {
      for (const admin of [user, ADMIN, 'perebut']) {
        const before = snapshot();
        const r = await cli(['init', '--admin', admin, '--as', user]);
        expectRefused(r, 'store.not-empty', `${user}: sop init --admin ${admin}`);
        expect(snapshot()).toEqual(before);
        stats.initAttempts++;
      }
    }
    const users = JSON.parse((await cli(['user', 'list', '--json'])).stdout) as { name: string; admin: boolean }[];
    expect(users.filter((u) => u.admin).map((u) => u.name)).toEqual([ADMIN]);
  });
});
