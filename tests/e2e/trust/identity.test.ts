/**
 * Issue 11: "`--as admin` from any OS login granted roles."
 *
 * Through the built CLI on the store file (direct file mode), each run as an
 * OS login: `--as admin` (or SOP_USER=admin) from a login bound to someone
 * else is `auth.not-you`; from a login bound to nobody, `auth.unknown-login`;
 * `sop user grant` by someone who is not an administrator, `auth.not-admin`.
 * Each exits 1 with a hint, at the time, and writes nothing. The
 * administrator's own grant is recorded with the login it came from.
 * (In-process: tests/trust/identity.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { cliOffice, expectRefused, type CliOffice } from './office.js';

let office: CliOffice;

beforeAll(() => {
  office = cliOffice({ budi: [], rina: ['kepala-bidang-persandian'] }, { prefix: 'sop-identity-' });
});
afterAll(() => rmSync(office.dir, { recursive: true, force: true }));

describe('Given an office whose administrator is bound to the OS login admin, and budi to budi', () => {
  it('when budi runs sop user grant --as admin (or with SOP_USER=admin), then it is auth.not-you and nothing is written', () => {
    const before = office.everything();
    const grant = ['user', 'grant', 'budi', 'kepala-bidang-persandian'];
    const named = office.run('budi', [...grant, '--as', 'admin']);
    expectRefused(named, 'auth.not-you', /the login "budi" is budi; acting as "admin" is refused/);
    expect(named.stderr).toContain('hint: on this machine you are budi; an administrator acts for someone else only as an emergency: --on-behalf-of <user> --emergency-reason "..."');
    expectRefused(office.run('budi', grant, { env: { SOP_USER: 'admin' } }), 'auth.not-you');
    expect(office.everything()).toEqual(before);
  });

  it('when a login bound to nobody runs it, with --as admin or without, then it is auth.unknown-login and nothing is written', () => {
    const before = office.everything();
    for (const args of [
      ['user', 'grant', 'budi', 'kepala-bidang-persandian', '--as', 'admin'],
      ['user', 'grant', 'budi', 'kepala-bidang-persandian'],
      ['user', 'add', 'penyusup', '--admin', '--login', 'mallory'],
      ['start', 'pengecualian-smki'],
    ]) {
      const r = office.run('mallory', args);
      expectRefused(r, 'auth.unknown-login', /the login "mallory" is bound to no user of .*sop\.db/);
      expect(r.stderr).toContain('hint: an administrator binds your login to you: sop user bind <your name> mallory');
    }
    expect(office.everything()).toEqual(before);
  });

  it('when budi, as himself, grants a role, makes himself an administrator or binds a login, then it is auth.not-admin and nothing is written', () => {
    const before = office.everything();
    for (const args of [
      ['user', 'grant', 'budi', 'kepala-bidang-persandian'],
      ['user', 'rights', 'budi', '--admin'],
      ['user', 'bind', 'rina', 'budi2'],
      ['user', 'add', 'teman', '--login', 'teman', '--role', 'kepala-bidang-persandian'],
    ]) {
      const r = office.run('budi', args);
      expectRefused(r, 'auth.not-admin', /"budi" is not one/);
      expect(r.stderr).toContain('hint: ask an administrator');
    }
    expect(office.everything()).toEqual(before);
  });

  it('when the administrator grants the role from their own login, then it is done and recorded with that login', () => {
    const head = office.head();
    const r = office.run('admin', ['user', 'grant', 'budi', 'pengelola-tim-teknis']);
    expect(r.code, r.stderr).toBe(0);
    expect(office.entriesAfter(head).map((e) => e.payload)).toEqual([
      { action: 'add-roles', user: 'budi', roles: ['pengelola-tim-teknis'], by: { user: 'admin', via: 'os-login', osUser: 'admin' }, request: expect.stringMatching(/^[0-9a-f]{32}$/) },
    ]);
  });

  it('when sop init runs again on this store, by anyone, then it is store.not-empty: nobody becomes a first administrator again', () => {
    const before = office.everything();
    expectRefused(office.run('mallory', ['init', '--admin', 'mallory']), 'store.not-empty');
    expectRefused(office.run('budi', ['init', '--admin', 'budi', '--login', 'budi']), 'store.not-empty');
    expect(office.everything()).toEqual(before);
  });
});
