/**
 * Issue 11: "`--as admin` from any OS login granted roles; the recorded OS
 * login ... come[s] from the process."
 *
 * In direct file mode the person is the sop user bound to the OS login
 * (`via: 'os-login'`): naming anyone else is `auth.not-you`, a login bound
 * to nobody is `auth.unknown-login`, and someone who is bound but not an
 * administrator is `auth.not-admin`. Each refused at the time, nothing
 * written. What the person does is recorded with how they proved who they
 * are. Here through the engine with the identity the CLI gives it
 * (cli/identity.ts); through the built CLI, as OS logins:
 * tests/e2e/trust/identity.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Engine, Identity } from '../../engine/index.js';
import { tempDir } from '../helpers/cli.js';
import { officeWith, type TestOffice } from '../helpers/engine.js';
import { entriesAfter, everything, headSeq } from './snapshot.js';

let dir: string;
let db: string;
let office: TestOffice;

/** The engine as the CLI opens it on the store file: the OS login running it, and the user it names (--as), if any. */
const onFile = (osUser: string, named?: string): Engine => office.engine.as({ via: 'os-login', osUser, ...(named === undefined ? {} : { user: named }) } satisfies Identity);

beforeAll(async () => {
  dir = tempDir('sop-identity-');
  db = join(dir, 'sop.db');
  // admin bound to the login admin, budi to budi; rina holds the approving role.
  office = await officeWith(db, { budi: [], rina: ['kepala-bidang-persandian'] });
});
afterAll(async () => {
  await office.close();
  rmSync(dir, { recursive: true, force: true });
});

async function refused(p: Promise<unknown>): Promise<{ code: string; message: string; data: Record<string, unknown> }> {
  try {
    await p;
  } catch (e) {
    return e as { code: string; message: string; data: Record<string, unknown> };
  }
  throw new Error('expected a refusal');
}

describe('Given a store whose administrator is bound to the OS login admin and budi to budi', () => {
  it("when budi's login names the administrator (--as admin) to grant himself the approving role, then it is auth.not-you and nothing is written", async () => {
    const before = everything(db);
    const e = await refused(onFile('budi', 'admin').people.grant('budi', ['kepala-bidang-persandian']));
    expect(e).toMatchObject({ code: 'auth.not-you', data: { login: 'budi', user: 'budi', named: 'admin' } });
    expect(e.message).toBe('the login "budi" is budi; acting as "admin" is refused');
    expect(everything(db)).toEqual(before);
  });

  it('when a login bound to nobody names the administrator, or names nobody, then it is auth.unknown-login and nothing is written', async () => {
    const before = everything(db);
    for (const named of ['admin', undefined]) {
      const e = await refused(onFile('mallory', named).people.grant('budi', ['kepala-bidang-persandian']));
      expect(e).toMatchObject({ code: 'auth.unknown-login', data: { login: 'mallory', named: named ?? null } });
    }
    // Nor can it start, advance or publish anything: every change records who did it.
    expect(await refused(onFile('mallory').instances.start('pengecualian-smki'))).toMatchObject({ code: 'auth.unknown-login' });
    expect(await refused(onFile('mallory').definitions.publish('pengecualian-smki'))).toMatchObject({ code: 'auth.unknown-login' });
    expect(everything(db)).toEqual(before);
  });

  it('when budi, as himself, grants a role, binds a login or gives himself a right, then it is auth.not-admin and nothing is written', async () => {
    const before = everything(db);
    const budi = onFile('budi');
    for (const attempt of [
      () => budi.people.grant('budi', ['kepala-bidang-persandian']),
      () => budi.people.add('teman', { roles: ['kepala-bidang-persandian'], login: 'teman' }),
      () => budi.people.bindLogin('rina', 'budi2'),
      () => budi.people.setRights('budi', { admin: true }),
    ]) {
      expect(await refused(attempt())).toMatchObject({ code: 'auth.not-admin', data: { user: 'budi' } });
    }
    expect(everything(db)).toEqual(before);
  });

  it('when the administrator grants a role from their own login (named or not), then it is done and recorded with how they proved who they are', async () => {
    const seq = headSeq(db);
    await onFile('admin', 'admin').people.grant('rina', ['pengelola-tim-teknis']);
    await onFile('admin').people.revoke('rina', ['pengelola-tim-teknis']);
    expect(entriesAfter(db, seq).map((e) => e.payload.by)).toEqual([
      { user: 'admin', via: 'os-login', osUser: 'admin' },
      { user: 'admin', via: 'os-login', osUser: 'admin' },
    ]);
  });

  it('when budi starts an instance from his login, then the event names him, the login and how (via os-login); a program acting for him says so', async () => {
    const { id } = await onFile('budi').instances.start('pengecualian-smki');
    const viaProgram = await office.as('budi').instances.start('pengecualian-smki');
    const [byLogin] = (await office.engine.instances.history(id)).entries;
    const [byProgram] = (await office.engine.instances.history(viaProgram.id)).entries;
    expect(byLogin).toMatchObject({ type: 'started', user: 'budi', via: 'os-login', osUser: 'budi', client: null, onBehalfOf: null });
    expect(byProgram).toMatchObject({ type: 'started', user: 'budi', via: 'program' });
  });

  it("when budi's login is unbound by the administrator, then budi can no longer act from it", async () => {
    await onFile('admin').people.bindLogin('budi', null);
    expect(await refused(onFile('budi').instances.start('pengecualian-smki'))).toMatchObject({ code: 'auth.unknown-login', data: { login: 'budi' } });
    // A login belongs to one person: binding it to someone else while it is bound is refused.
    await onFile('admin').people.bindLogin('budi', 'budi');
    expect(await refused(onFile('admin').people.bindLogin('rina', 'budi'))).toMatchObject({ code: 'store.login-taken', data: { login: 'budi', user: 'budi' } });
  });
});
