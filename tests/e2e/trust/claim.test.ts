/**
 * `sop user claim`: a store made before logins (migration 004 binds none)
 * or by a program opens with nobody's OS login bound, and in direct file
 * mode nobody can act. Its administrator claims theirs once, from their own
 * login; after that, logins are bound by an administrator only, and a second
 * claim (someone else trying the same door) is refused with nothing
 * written. verify accepts the claim as the first binding.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { sop, tempDir, SOPS } from '../../helpers/cli.js';
import { openOffice } from '../../helpers/engine.js';
import { entriesAfter, everything, headSeq } from '../../trust/snapshot.js';

let dir: string;
let db: string;

beforeAll(async () => {
  dir = tempDir('sop-claim-');
  db = join(dir, 'sop.db');
  const office = await openOffice(db);
  try {
    // As a store migrated from before logins is: people, and no login bound to anyone.
    const admin = office.as('admin');
    await admin.people.init('admin', { login: null });
    await admin.definitions.publish('pengecualian-smki');
    await admin.people.add('sari', {});
    await admin.people.add('kepala', { roles: ['kepala-bidang-persandian'] });
  } finally {
    await office.close();
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (login: string, args: string[]) => sop([...args, '--db', db, '--sops', SOPS], { cwd: dir, login });

describe('Given a store where no OS login is bound to anyone', () => {
  it('when someone runs a command, then it is auth.unknown-login, and the hint says the administrator claims theirs first', () => {
    const r = run('siti', ['tasks']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('(no login is bound to anyone there yet) [auth.unknown-login]');
    expect(r.stderr).toContain('hint: a store made before logins: its administrator claims theirs first, from their own OS login: sop user claim <admin>');
  });

  it('when someone claims a person who is not an administrator, or nobody at all, then it is refused and nothing is written', () => {
    const before = everything(db);
    const notAdmin = run('budi', ['user', 'claim', 'kepala']);
    expect(notAdmin.code).toBe(1);
    expect(notAdmin.stderr).toContain('[auth.not-admin]');
    const nobody = run('budi', ['user', 'claim', 'tidak-ada']);
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toContain('[store.unknown-user]');
    expect(everything(db)).toEqual(before);
  });

  it('when the administrator claims it from their login, then it is bound, recorded as their own change through it, and they can act', () => {
    const seq = headSeq(db);
    const r = run('siti', ['user', 'claim', 'admin']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('admin: login siti\n');
    const [entry, ...more] = entriesAfter(db, seq);
    expect(more).toEqual([]);
    expect(entry!.payload).toMatchObject({ action: 'bind-login', user: 'admin', login: 'siti', by: { user: 'admin', via: 'os-login', osUser: 'siti' } });
    expect(run('siti', ['user', 'bind', 'sari', 'sari']).code).toBe(0);
  });

  it('when anyone claims again, the administrator or someone else, then it is auth.logins-bound and nothing is written', () => {
    const before = everything(db);
    for (const [login, admin] of [
      ['budi', 'admin'],
      ['sari', 'admin'],
      ['siti', 'admin'],
    ] as const) {
      const r = run(login, ['user', 'claim', admin]);
      expect(r.code, `${login}: ${r.stderr}`).toBe(1);
      expect(r.stderr).toMatch(/logins are bound on .+ already .+ \[auth\.logins-bound\]/);
    }
    expect(everything(db)).toEqual(before);
  });

  it('then verify finds nothing wrong: the claim is the first binding, by the administrator, through that login', () => {
    const r = run('siti', ['verify', '--json']);
    expect(r.code, r.stdout).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, breaks: [] });
  });
});
