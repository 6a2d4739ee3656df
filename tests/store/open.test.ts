import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION, Store } from '../../dist/engine/store/index.js';
import { SopError } from '../../dist/engine/errors.js';
import { codeOf, dbPath, openStore, tempDir } from './helpers.js';
import { AS_NOBODY, ROOT_USER, unprivileged } from '../helpers/unprivileged.js';

function caught(fn: () => unknown): SopError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SopError);
    return e as SopError;
  }
  throw new Error('expected an error');
}

describe('opening the store', () => {
  it('migrates an empty file to the current schema', () => {
    const store = openStore();
    expect(store.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    const tables = (store.db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`).all() as { name: string }[])
      .map((r) => r.name)
      .filter((n) => !n.startsWith('sqlite_'));
    expect(tables).toEqual(['blobs', 'definitions', 'instances', 'log', 'requests', 'source_cache', 'user_roles', 'users']);
    expect(store.isEmpty()).toBe(true);
  });

  it('sets WAL, synchronous=FULL, foreign keys and a busy timeout at every open', () => {
    const file = dbPath();
    openStore(file).close();
    // A plain reopen would come back at synchronous NORMAL in WAL mode.
    const plain = new Database(file);
    expect(plain.pragma('journal_mode', { simple: true })).toBe('wal');
    plain.close();

    const store = openStore(file);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('synchronous', { simple: true })).toBe(2);
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(store.db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(store.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
  });

  it('refuses a store written by a newer schema, and leaves it alone', () => {
    const file = dbPath();
    openStore(file).close();
    const raw = new Database(file);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    const e = caught(() => Store.open(file));
    expect(e.code).toBe('store.newer-schema');
    expect(e.message).toContain(file);
    expect(e.message).toContain(`version ${SCHEMA_VERSION + 1}`);
    expect(e.hint).toMatch(/upgrade sop/);
    const again = new Database(file);
    expect(again.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION + 1);
    again.close();
  });

  it('refuses a file that is not SQLite, without touching it', () => {
    const file = path.join(tempDir(), 'notes.txt');
    const text = 'Catatan rapat: ini bukan basis data.\n'.repeat(50);
    fs.writeFileSync(file, text);
    const e = caught(() => Store.open(file));
    expect(e.code).toBe('store.not-a-database');
    expect(e.message).toContain(file);
    expect(fs.readFileSync(file, 'utf8')).toBe(text);
  });

  it('refuses an SQLite database of another program', () => {
    const file = dbPath();
    const raw = new Database(file);
    raw.exec('CREATE TABLE customers (id INTEGER PRIMARY KEY)');
    raw.close();
    expect(codeOf(() => Store.open(file))).toBe('store.not-a-database');
  });

  it('reports a missing directory with the path and what to do', () => {
    const file = path.join(tempDir(), 'no', 'such', 'dir', 'sop.db');
    const e = caught(() => Store.open(file));
    expect(e.code).toBe('store.open-failed');
    expect(e.message).toContain(file);
    expect(e.hint).toMatch(/does not exist; create it/);
  });

  it('reports a path that is a directory', () => {
    const e = caught(() => Store.open(tempDir()));
    expect(e.code).toBe('store.open-failed');
  });

  it('with mustExist, does not create a missing store', () => {
    const file = dbPath();
    expect(codeOf(() => Store.open(file, { mustExist: true }))).toBe('store.not-found');
    expect(fs.existsSync(file)).toBe(false);
  });

  it.skipIf(!unprivileged.ok)('reports a read-only store as unwritable (as root, checked as the unprivileged user nobody)', () => {
    const dir = tempDir();
    const file = path.join(dir, 'sop.db');
    openStore(file).close();
    fs.chmodSync(file, 0o444);
    fs.chmodSync(dir, 0o555);
    try {
      if (!ROOT_USER) {
        expect(codeOf(() => Store.open(file).putBlob('x'))).toBe('store.unwritable');
        return;
      }
      // Root ignores permissions: open and write as nobody, in a process of its own.
      const storeUrl = pathToFileURL(path.resolve(import.meta.dirname, '../../dist/engine/store/index.js')).href;
      const code = `import { Store } from ${JSON.stringify(storeUrl)};
        try { Store.open(${JSON.stringify(file)}).putBlob('x'); console.log('written'); } catch (e) { console.log(e.code); }`;
      const r = spawnSync(AS_NOBODY[0]!, [...AS_NOBODY.slice(1), process.execPath, '--input-type=module', '-e', code], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout.trim()).toBe('store.unwritable');
    } finally {
      fs.chmodSync(dir, 0o755);
      fs.chmodSync(file, 0o644);
    }
  });

  it('keeps the log append-only', () => {
    const store = openStore();
    store.putBlob('x');
    store.initAdmin('ani', { user: 'ani', osUser: 'ani' });
    expect(() => store.db.prepare('UPDATE log SET payload = ?').run('{}')).toThrow(/append-only/);
    expect(() => store.db.prepare('DELETE FROM log').run()).toThrow(/append-only/);
    expect(store.logSince(0)).toHaveLength(1);
  });
});
