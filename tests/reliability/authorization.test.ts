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
 *   administrator (and from OS logins bound to nobody, and by people naming
 *   someone else with --as), on themselves, on others and on the
 *   administrator; and `sop init` on a database that is not empty: refusals
 *   only, nothing written.
 *
 * Each person runs the CLI as their own OS login (bound to them by
 * createPeople), stood in for in-process by asOsLogin.
 *
 * Through the CLI's own entry point in-process (`run` of cli/program.ts).
 * A step with a sensitive output (a password the CLI reads from standard
 * input, which an in-process run cannot be given) is tried through the
 * engine, with the password given as the CLI gives it (`askSecrets`), and
 * its failure printed as the CLI prints it (cli/report-error.ts); the same
 * step through the built binary, the password on standard input:
 * tests/e2e/reliability/authorization.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OutputInput } from '../../engine/index.js';
import { run } from '../../cli/program.js';
import { reportError } from '../../cli/report-error.js';
import { SOPS, tempDir } from '../helpers/cli.js';
import { asOsLogin } from '../helpers/os-login.js';
import { openOffice } from '../helpers/engine.js';
import { SEED_WALKS, ADMIN, outputValue, secretValue } from '../runtime/walk-helpers.js';
import { PEOPLE, createPeople, expectRecordedRefusal, expectRefused, holds, snapshot as snapshotOf, type Outcome } from './authorization-helpers.js';

let dir: string;
let db: string;

const stats = { stepAttempts: 0, secretAttempts: 0, steps: 0, cancelAttempts: 0, peopleAttempts: 0, initAttempts: 0 };

/** `sop args` in-process, run by the OS login `login` (bound to the user of that name: see createPeople). */
async function cli(args: string[], login = ADMIN): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  const code = await asOsLogin(login, () => run([...args, '--db', db, '--sops', SOPS], { out: (t) => (stdout += t), err: (t) => (stderr += t), width: 80 }));
  return { code, stdout, stderr };
}

/**
 * `sop advance` of a step with sensitive outputs, as the CLI runs it, but with `secret` given where the
 * CLI reads standard input: through the engine, acting as `user`, its failure printed as the CLI prints it.
 */
async function advanceWithSecret(user: string, id: string, request: { step: string; choice?: string; outputs: OutputInput[] }, secret: string): Promise<Outcome & { asked: boolean }> {
  let stderr = '';
  let asked = false;
  const office = await openOffice(db, { create: false });
  try {
    await office.as(user).instances.advance(id, {
      ...request,
      askSecrets: (specs) => {
        asked = true;
        return new Map(specs.map((o) => [o.id, secret]));
      },
    });
    return { code: 0, stdout: '', stderr, asked };
  } catch (e) {
    const code = reportError({ out: () => {}, err: (t) => (stderr += t), width: 80 }, e);
    return { code, stdout: '', stderr, asked };
  } finally {
    await office.close();
  }
}

const snapshot = () => snapshotOf(db);

beforeAll(async () => {
  dir = tempDir('sop-authz-');
  db = join(dir, 'sop.db');
  await createPeople(db);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  console.log(
    `authorization: ${stats.stepAttempts} step attempts (${stats.secretAttempts} with a password, through the engine) on ${stats.steps} steps, ${stats.cancelAttempts} cancels, ${stats.peopleAttempts} user and role changes, ${stats.initAttempts} inits: all refused`,
  );
});

describe('Given every path of every seed SOP', () => {
  for (const walk of SEED_WALKS) {
    for (const [pathIndex, path] of walk.paths.entries()) {
      it(`${walk.sop}, path ${pathIndex + 1} (${path.name}): at every step, everyone who does not hold it is refused, and the walk still ends at ${path.end}`, async () => {
        const started = await cli(['start', walk.sop, '--json'], walk.starter);
        expect(started.code, started.stderr).toBe(0);
        const id = JSON.parse(started.stdout).id as string;

        // Cancelling: only the starter or an administrator.
        for (const user of PEOPLE.filter((u) => u !== walk.starter && u !== ADMIN)) {
          const before = snapshot();
          const r = await cli(['cancel', id, '--reason', 'Bukan wewenang saya'], user);
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
          const outputs: OutputInput[] = [];
          for (const o of plans.filter((p) => p.how !== 'stdin')) {
            const value = outputValue(walk.sop, pathIndex, move.step, o.id, visits[move.step]!);
            if (o.how === 'file') {
              const file = join(dir, `${o.id}.txt`);
              writeFileSync(file, value);
              args.push('--output', `${o.id}=@${file}`);
            } else args.push('--output', `${o.id}=${value}`);
            outputs.push({ id: o.id, value });
          }
          const secret = plans.some((p) => p.how === 'stdin') ? secretValue(pathIndex) : undefined;
          const request = { step: move.step, ...(move.choice ? { choice: move.choice.id } : {}), outputs };
          const attempt = async (user: string): Promise<Outcome> => {
            if (secret === undefined) return cli(args, user);
            const r = await advanceWithSecret(user, id, request, secret);
            // The password was given, as the CLI gives what it reads: the refusal must not have kept it.
            expect(r.asked, `${user} was asked for the password`).toBe(true);
            return r;
          };

          const outsiders = PEOPLE.filter((u) => !holds(walk, move.by, u));
          expect(outsiders.length).toBeGreaterThan(0);
          for (const user of outsiders) {
            const before = snapshot();
            const r = await attempt(user);
            const what = `${user} completes step ${move.step} (actor ${move.by}) of ${walk.sop}`;
            expectRefused(r, 'auth.not-actor', what);
            expectRecordedRefusal(before, snapshot(), id, user, move.step, what);
            if (secret !== undefined) {
              expect(r.stderr + JSON.stringify(snapshot()), what).not.toContain(secret);
              stats.secretAttempts++;
            }
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
          const r = await cli(change, user);
          const what = `${user}: sop ${change.join(' ')}`;
          expectRefused(r, 'auth.not-admin', what);
          expect(snapshot(), what).toEqual(before);
          stats.peopleAttempts++;
        }
      }
    }
  });

  it('when people whose OS login is bound to nobody try them, then each is auth.unknown-login and nothing is written', async () => {
    for (const login of STRANGERS) {
      for (const change of [...changes(login), ...changes(ADMIN)]) {
        const before = snapshot();
        const r = await cli(change, login);
        expectRefused(r, 'auth.unknown-login', `${login}: sop ${change.join(' ')}`);
        expect(snapshot()).toEqual(before);
        stats.peopleAttempts++;
      }
    }
  });

  it('when a registered person names someone else (--as), a stranger or the administrator, then each is auth.not-you and nothing is written', async () => {
    for (const user of NOT_ADMINS) {
      for (const named of [...STRANGERS, ADMIN]) {
        for (const change of changes(named)) {
          const before = snapshot();
          const r = await cli([...change, '--as', named], user);
          expectRefused(r, 'auth.not-you', `${user} as ${named}: sop ${change.join(' ')}`);
          expect(snapshot()).toEqual(before);
          stats.peopleAttempts++;
        }
      }
    }
  });

  it('when sop init is run on this database (which is not empty), by anyone, for anyone, then it is store.not-empty and nothing is written', async () => {
    for (const user of [...PEOPLE, ...STRANGERS]) {
      for (const admin of [user, ADMIN, 'perebut']) {
        const before = snapshot();
        const r = await cli(['init', '--admin', admin], user);
        expectRefused(r, 'store.not-empty', `${user}: sop init --admin ${admin}`);
        expect(snapshot()).toEqual(before);
        stats.initAttempts++;
      }
    }
    const users = JSON.parse((await cli(['user', 'list', '--json'])).stdout) as { name: string; admin: boolean }[];
    expect(users.filter((u) => u.admin).map((u) => u.name)).toEqual([ADMIN]);
  });
});
