import { describe, expect, it } from 'vitest';
import { admin, codeOf, openStore, sampleDef } from './helpers.js';

describe('users and roles', () => {
  it('initAdmin creates the first administrator, only on an empty store', () => {
    const store = openStore();
    expect(store.isEmpty()).toBe(true);
    const ani = store.write((tx) => tx.initAdmin('ani', { login: 'ani' }, admin));
    // The first administrator is a maintainer too, bound to the login that ran init.
    expect(ani).toMatchObject({ name: 'ani', isAdmin: true, isMaintainer: true, login: 'ani', roles: [], profile: { fullName: null, nip: null, jabatan: null } });
    expect(store.isEmpty()).toBe(false);
    expect(codeOf(() => store.write((tx) => tx.initAdmin('mallory', { login: 'mallory' }, { user: 'mallory', via: 'os-login', osUser: 'mallory' })))).toBe('store.not-empty');
    expect(store.getUser('mallory')).toBeUndefined();
    expect(store.userByLogin('mallory')).toBeUndefined();
    const [entry] = store.logSince(0);
    expect(entry).toMatchObject({ kind: 'user', instanceId: null, version: null });
    expect(JSON.parse(entry!.payload)).toEqual({
      action: 'init-admin',
      user: 'ani',
      admin: true,
      maintainer: true,
      roles: [],
      login: 'ani',
      profile: { fullName: null, nip: null, jabatan: null },
      by: admin,
    });
  });

  it('a store with anything in its log is not empty', () => {
    const store = openStore();
    store.write((tx) => tx.putDefinition(sampleDef()));
    expect(store.isEmpty()).toBe(false);
    expect(codeOf(() => store.write((tx) => tx.initAdmin('ani', { login: 'ani' }, admin)))).toBe('store.not-empty');
  });

  it('adds users and changes roles, logging each change with the resulting roles', () => {
    const store = openStore();
    store.write((tx) => tx.initAdmin('ani', { login: 'ani' }, admin));
    expect(store.write((tx) => tx.addUser('budi', { roles: ['petugas', 'kasubag', 'petugas'] }, admin))).toMatchObject({
      name: 'budi',
      isAdmin: false,
      roles: ['kasubag', 'petugas'],
    });
    expect(codeOf(() => store.write((tx) => tx.addUser('budi', {}, admin)))).toBe('store.user-exists');
    expect(store.write((tx) => tx.addRoles('budi', ['verifikator'], admin)).roles).toEqual(['kasubag', 'petugas', 'verifikator']);
    expect(store.write((tx) => tx.removeRoles('budi', ['kasubag', 'nonexistent'], admin)).roles).toEqual(['petugas', 'verifikator']);
    expect(store.write((tx) => tx.setRoles('budi', ['kepala'], admin)).roles).toEqual(['kepala']);
    // No change, no log entry.
    store.write((tx) => tx.addRoles('budi', ['kepala'], admin));
    store.write((tx) => tx.setRoles('budi', ['kepala'], admin));
    const changes = store.logSince(0).map((e) => JSON.parse(e.payload) as { action: string; roles?: string[] });
    expect(changes.map((c) => [c.action, c.roles])).toEqual([
      ['init-admin', []],
      ['add', ['kasubag', 'petugas']],
      ['add-roles', ['kasubag', 'petugas', 'verifikator']],
      ['remove-roles', ['petugas', 'verifikator']],
      ['set-roles', ['kepala']],
    ]);
    expect(store.listUsers().map((u) => u.name)).toEqual(['ani', 'budi']);
  });

  it('removes users (and their roles) but not the last administrator', () => {
    const store = openStore();
    store.write((tx) => tx.initAdmin('ani', { login: 'ani' }, admin));
    store.write((tx) => tx.addUser('budi', { roles: ['petugas'] }, admin));
    store.write((tx) => tx.removeUser('budi', admin));
    expect(store.getUser('budi')).toBeUndefined();
    expect(store.db.prepare('SELECT count(*) AS n FROM user_roles').get()).toEqual({ n: 0 });
    expect(codeOf(() => store.write((tx) => tx.removeUser('budi', admin)))).toBe('store.unknown-user');
    expect(codeOf(() => store.write((tx) => tx.setRoles('budi', ['x'], admin)))).toBe('store.unknown-user');
    expect(codeOf(() => store.write((tx) => tx.removeUser('ani', admin)))).toBe('store.last-admin');
    store.write((tx) => tx.addUser('citra', { admin: true }, admin));
    store.write((tx) => tx.removeUser('ani', { user: 'citra', via: 'os-login', osUser: 'citra' }));
    expect(store.listUsers().map((u) => [u.name, u.isAdmin])).toEqual([['citra', true]]);
    expect(JSON.parse(store.logSince(0).at(-1)!.payload)).toEqual({
      action: 'remove',
      user: 'ani',
      by: { user: 'citra', via: 'os-login', osUser: 'citra' },
    });
    // A removed person's login is bound to nobody any more.
    expect(store.userByLogin('ani')).toBeUndefined();
  });

  it('a refused change writes nothing', () => {
    const store = openStore();
    store.write((tx) => tx.initAdmin('ani', { login: 'ani' }, admin));
    const before = store.logSince(0).length;
    expect(codeOf(() => store.write((tx) => tx.removeUser('ani', admin)))).toBe('store.last-admin');
    expect(codeOf(() => store.write((tx) => tx.addUser('ani', {}, admin)))).toBe('store.user-exists');
    expect(store.logSince(0)).toHaveLength(before);
  });

  it('binds an OS login to one person at most, and logs each binding; unbinding frees it', () => {
    const store = openStore();
    store.write((tx) => tx.initAdmin('ani', { login: 'ani' }, admin));
    store.write((tx) => tx.addUser('budi', { login: 'budi' }, admin));
    store.write((tx) => tx.addUser('citra', {}, admin));
    expect(store.userByLogin('budi')).toMatchObject({ name: 'budi', login: 'budi' });
    expect(store.getUser('citra')).toMatchObject({ login: null });
    const before = store.logSince(0).length;
    // A login bound to someone already: refused, at add and at bind, nothing written.
    expect(codeOf(() => store.write((tx) => tx.addUser('dewi', { login: 'budi' }, admin)))).toBe('store.login-taken');
    expect(codeOf(() => store.write((tx) => tx.bindLogin('citra', 'budi', admin)))).toBe('store.login-taken');
    expect(store.getUser('dewi')).toBeUndefined();
    expect(store.logSince(0)).toHaveLength(before);
    // Binding the same again: no change, no entry.
    store.write((tx) => tx.bindLogin('budi', 'budi', admin));
    expect(store.logSince(0)).toHaveLength(before);
    store.write((tx) => tx.bindLogin('budi', null, admin));
    store.write((tx) => tx.bindLogin('citra', 'budi', admin));
    expect(store.userByLogin('budi')).toMatchObject({ name: 'citra' });
    expect(store.logSince(before).map((e) => JSON.parse(e.payload) as object)).toEqual([
      { action: 'bind-login', user: 'budi', login: null, by: admin },
      { action: 'bind-login', user: 'citra', login: 'budi', by: admin },
    ]);
  });

  it('sets rights and profiles, logging each change; the last administrator keeps the right', () => {
    const store = openStore();
    store.write((tx) => tx.initAdmin('ani', { login: 'ani' }, admin));
    store.write((tx) => tx.addUser('budi', { profile: { fullName: 'Budi Santoso, S.Kom.' } }, admin));
    expect(store.getUser('budi')).toMatchObject({ isAdmin: false, isMaintainer: false, profile: { fullName: 'Budi Santoso, S.Kom.', nip: null, jabatan: null } });
    expect(store.write((tx) => tx.setRights('budi', { admin: false, maintainer: true }, admin))).toMatchObject({ isAdmin: false, isMaintainer: true });
    expect(codeOf(() => store.write((tx) => tx.setRights('ani', { admin: false, maintainer: true }, admin)))).toBe('store.last-admin');
    expect(store.write((tx) => tx.setProfile('budi', { nip: '198001012005011001' }, admin)).profile).toEqual({ fullName: 'Budi Santoso, S.Kom.', nip: '198001012005011001', jabatan: null });
    const entries = store.logSince(0).map((e) => JSON.parse(e.payload) as { action: string });
    expect(entries.map((e) => e.action)).toEqual(['init-admin', 'add', 'set-rights', 'set-profile']);
    expect(entries[2]).toEqual({ action: 'set-rights', user: 'budi', admin: false, maintainer: true, by: admin });
    expect(entries[3]).toEqual({ action: 'set-profile', user: 'budi', profile: { fullName: 'Budi Santoso, S.Kom.', nip: '198001012005011001', jabatan: null }, by: admin });
  });
});
