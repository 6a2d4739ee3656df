/**
 * "Refuse to write with a SQLite library older than 3.51.3, which has a WAL
 * corruption bug with concurrent writers."
 *
 * The check is a pure function of the version string, asked once per
 * process of the loaded library; a store opened on an older one reads but
 * refuses every write with store.sqlite-too-old, leaving the file as it was.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Store, sqliteVersionOk, MINIMUM_SQLITE } from '../../engine/store/index.js';
import { verifyStore } from '../../engine/audit/verify.js';
import { SopError } from '../../engine/errors.js';
import { hintFor } from '../../cli/hints.js';
import { tempDir as makeTempDir } from '../helpers/cli.js';
import { officeWith } from '../helpers/engine.js';

const dirs: string[] = [];
const tempDir = (prefix: string) => {
  const d = makeTempDir(prefix);
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('sqliteVersionOk, around 3.51.3', () => {
  it.each([
    ['3.51.3', true],
    ['3.51.4', true],
    ['3.52.0', true],
    ['3.53.2', true],
    ['4.0.0', true],
    ['3.51.3.1', true],
    ['3.100.0', true],
    ['3.51.2', false],
    ['3.51.0', false],
    ['3.50.9', false],
    ['3.45.1', false],
    ['2.99.99', false],
    ['3.51', false],
    ['', false],
    ['3.51.x', false],
    ['abc', false],
  ])('%s: %s', (version, ok) => {
    expect(sqliteVersionOk(version)).toBe(ok);
  });

  it('the minimum is 3.51.3, and the library this sop is built with passes', () => {
    expect(MINIMUM_SQLITE).toBe('3.51.3');
    const db = new Database(':memory:');
    const version = db.prepare('SELECT sqlite_version()').pluck().get() as string;
    db.close();
    expect(sqliteVersionOk(version), `the bundled SQLite is ${version}`).toBe(true);
  });
});

describe('Given a store opened on a SQLite library reported as 3.51.2', () => {
  it('then it reads, but every write is refused with store.sqlite-too-old and the file is not changed', async () => {
    const dir = tempDir('sop-old-sqlite-');
    const db = join(dir, 'sop.db');
    await (await officeWith(db, {})).close();
    const checkpoint = new Database(db);
    checkpoint.pragma('wal_checkpoint(TRUNCATE)');
    checkpoint.close();
    const bytes = readFileSync(db);

    const store = Store.open(db, { sqliteVersion: '3.51.2' });
    try {
      expect(store.listUsers().map((u) => u.name)).toEqual(['admin']);
      expect(verifyStore(store).ok).toBe(true);
      let error: unknown;
      try {
        store.write((tx) => tx.addUser('sari', {}, { user: 'admin', osUser: 'tester' }));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(SopError);
      expect((error as SopError).code).toBe('store.sqlite-too-old');
      expect((error as SopError).message).toMatch(/SQLite 3\.51\.2, older than 3\.51\.3, which can corrupt a shared store .*; sop only reads with it/);
      expect((error as SopError).data).toEqual({ version: '3.51.2', minimum: '3.51.3' });
      expect(hintFor(error as SopError)).toMatch(/npm ci/);
      expect(store.readOnly).toBe(true);
      expect(store.listUsers().map((u) => u.name)).toEqual(['admin']);
      // A command run under a request id (as every changing CLI command is) is refused alike.
      let code: string | undefined;
      try {
        store.transact({ id: 'r-1', command: 'user add', argsHash: 'x' }, (tx) => tx.addUser('sari', {}, { user: 'admin', osUser: 'tester' }));
      } catch (e) {
        code = (e as SopError).code;
      }
      expect(code).toBe('store.sqlite-too-old');
      expect(store.request('r-1')).toBeUndefined();
    } finally {
      store.close();
    }
    expect(readFileSync(db).equals(bytes)).toBe(true);
  });

  it('then a store that still needs its migrations is not migrated either', () => {
    const db = join(tempDir('sop-old-sqlite-'), 'fresh.db');
    let code: string | undefined;
    try {
      Store.open(db, { sqliteVersion: '3.40.0' });
    } catch (e) {
      code = (e as SopError).code;
    }
    expect(code).toBe('store.sqlite-too-old');
  });

  it('then with the real library, the same store takes writes', async () => {
    const db = join(tempDir('sop-old-sqlite-'), 'sop.db');
    const office = await officeWith(db, { sari: [] });
    try {
      expect((await office.engine.people.list()).map((u) => u.name)).toEqual(['admin', 'sari']);
    } finally {
      await office.close();
    }
  });
});
