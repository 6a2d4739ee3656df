/**
 * What the authorization sweep (tests/reliability/authorization.test.ts, in
 * process) and its part through the built binary with passwords on standard
 * input (tests/e2e/reliability/authorization.test.ts) share: who is in the
 * database, who may complete which step, and how a refusal is checked.
 */
import { expect } from 'vitest';
import Database from 'better-sqlite3';
import { STACK_TRACE } from '../helpers/cli.js';
import { officeWith } from '../helpers/engine.js';
import { ADMIN, SEED_WALKS, type SeedWalk } from '../runtime/walk-helpers.js';

/** Everyone in the database: the casts of the three walks (one user per role, the people of the case), the administrator, and a guest with nothing. */
export const ROLES: Record<string, string[]> = {};
for (const walk of SEED_WALKS) {
  for (const [actor, user] of Object.entries(walk.cast)) {
    const roles = ROLES[user] ?? [];
    ROLES[user] = roles;
    if (!walk.caseActors.includes(actor) && !roles.includes(actor)) roles.push(actor);
  }
}
export const GUEST = 'tamu';
export const PEOPLE = [...Object.keys(ROLES), GUEST, ADMIN].sort();

/** Creates the store `db` with its administrator and everyone of ROLES and GUEST, and closes it. */
export async function createPeople(db: string): Promise<void> {
  const office = await officeWith(db, { ...ROLES, [GUEST]: [] });
  await office.close();
}

/** What a command printed and its exit code (in-process or as a child process). */
export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Snapshot {
  log: { seq: number; kind: string; instance_id: string | null; version: number | null; payload: string }[];
  rest: unknown[];
}

/** Every row that matters, read from the file (the engine that wrote it is closed, or another process). */
export function snapshot(db: string): Snapshot {
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

/** Exit 1, nothing on standard output, the error `code` on the first line of standard error, no stack trace. */
export function expectRefused(r: Outcome, code: string, what: string): void {
  expect(r.stderr, what).not.toMatch(STACK_TRACE);
  expect(r.code, `${what}\n${r.stderr}`).toBe(1);
  expect(r.stdout, what).toBe('');
  expect(r.stderr.split('\n')[0], what).toMatch(new RegExp(`\\[${code.replace('.', '\\.')}\\]$`));
}

/** Refused, and recorded: the log gained one refused entry by `user` (on `step`), and nothing else changed. */
export function expectRecordedRefusal(before: Snapshot, after: Snapshot, instance: string, user: string, step: string | undefined, what: string): void {
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
export function holds(walk: SeedWalk, actor: string, user: string): boolean {
  return walk.caseActors.includes(actor) ? walk.cast[actor] === user : (ROLES[user] ?? []).includes(actor);
}
