import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION, Store } from '../../engine/store/index.js';
import { SopError } from '../../engine/errors.js';
import { hintFor } from '../../cli/hints.js';
import { codeOf, dbPath, openStore, tempDir } from './helpers.js';

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
    const tables = (store.db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`).all() as { name: string }[]).map((r) => r.name).filter((n) => !n.startsWith('sqlite_'));
    expect(tables).toEqual(['api_tokens', 'blobs', 'calendars', 'credentials', 'definitions', 'delegations', 'instances', 'log', 'publications', 'requests', 'sessions', 'signing_keys', 'user_roles', 'users']);
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
    expect(e.data).toEqual({ file, version: SCHEMA_VERSION + 1, known: SCHEMA_VERSION });
    expect(hintFor(e)).toMatch(/upgrade sop/);
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
    expect(e.data).toMatchObject({ file, directory: path.dirname(file), missingDirectory: true });
    expect(hintFor(e)).toMatch(/does not exist; create it/);
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

  // A read-only store: tests/e2e/store/open.test.ts (as root, it is checked in a process of the unprivileged user nobody).

  it('keeps the log append-only', () => {
    const store = openStore();
    store.write((tx) => tx.putBlob('x'));
    store.write((tx) => tx.initAdmin('ani', {}, { user: 'ani', via: 'os-login', osUser: 'ani' }));
    expect(() => store.db.prepare('UPDATE log SET payload = ?').run('{}')).toThrow(/append-only/);
    expect(() => store.db.prepare('DELETE FROM log').run()).toThrow(/append-only/);
    expect(store.logSince(0)).toHaveLength(1);
  });
});
