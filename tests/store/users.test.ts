import { describe, expect, it } from 'vitest';
import { admin, codeOf, openStore, sampleDef } from './helpers.js';

describe('users and roles', () => {
  it('initAdmin creates the first administrator, only on an empty store', () => {
    const store = openStore();
    expect(store.isEmpty()).toBe(true);
    const ani = store.write((tx) => tx.initAdmin('ani', admin));
    expect(ani).toMatchObject({ name: 'ani', isAdmin: true, roles: [] });
    expect(store.isEmpty()).toBe(false);
    expect(codeOf(() => store.write((tx) => tx.initAdmin('mallory', { user: 'mallory', osUser: 'mallory' })))).toBe('store.not-empty');
    expect(store.getUser('mallory')).toBeUndefined();
    const [entry] = store.logSince(0);
    expect(entry).toMatchObject({ kind: 'user', instanceId: null, version: null });
    expect(JSON.parse(entry!.payload)).toEqual({ action: 'init-admin', user: 'ani', admin: true, roles: [], by: admin });
  });

  it('a store with anything in its log is not empty', () => {
    const store = openStore();
    store.write((tx) => tx.putDefinition(sampleDef()));
    expect(store.isEmpty()).toBe(false);
    expect(codeOf(() => store.write((tx) => tx.initAdmin('ani', admin)))).toBe('store.not-empty');
  });

  it('adds users and changes roles, logging each change with the resulting roles', () => {
    const store = openStore();
    store.write((tx) => tx.initAdmin('ani', admin));
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
    store.write((tx) => tx.initAdmin('ani', admin));
    store.write((tx) => tx.addUser('budi', { roles: ['petugas'] }, admin));
    store.write((tx) => tx.removeUser('budi', admin));
    expect(store.getUser('budi')).toBeUndefined();
    expect(store.db.prepare('SELECT count(*) AS n FROM user_roles').get()).toEqual({ n: 0 });
    expect(codeOf(() => store.write((tx) => tx.removeUser('budi', admin)))).toBe('store.unknown-user');
    expect(codeOf(() => store.write((tx) => tx.setRoles('budi', ['x'], admin)))).toBe('store.unknown-user');
    expect(codeOf(() => store.write((tx) => tx.removeUser('ani', admin)))).toBe('store.last-admin');
    store.write((tx) => tx.addUser('citra', { admin: true }, admin));
    store.write((tx) => tx.removeUser('ani', { user: 'citra', osUser: 'citra' }));
    expect(store.listUsers().map((u) => [u.name, u.isAdmin])).toEqual([['citra', true]]);
    expect(JSON.parse(store.logSince(0).at(-1)!.payload)).toEqual({
      action: 'remove',
      user: 'ani',
      by: { user: 'citra', osUser: 'citra' },
    });
  });

  it('a refused change writes nothing', () => {
    const store = openStore();
    store.write((tx) => tx.initAdmin('ani', admin));
    const before = store.logSince(0).length;
    expect(codeOf(() => store.write((tx) => tx.removeUser('ani', admin)))).toBe('store.last-admin');
    expect(codeOf(() => store.write((tx) => tx.addUser('ani', {}, admin)))).toBe('store.user-exists');
    expect(store.logSince(0)).toHaveLength(before);
  });
});
