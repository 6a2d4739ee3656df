/**
 * "Existing stores must migrate": a store written at schema version 1, with
 * its history in it, opens with this sop, gains the requests table
 * (002-requests) and the source cache (003-source-cache), keeps every
 * entry, and still verifies.
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Store, SCHEMA_VERSION } from '../../dist/engine/store/index.js';
import { migrations } from '../../dist/engine/store/migrations/index.js';
import { Session, initDatabase, addUser, startInstance, advanceInstance, verifyStore, runRequest } from '../../dist/engine/index.js';
import { SOPS, CLI } from '../helpers/cli.js';
import { tempDir } from './helpers.js';

/** A store as sop wrote it at schema version 1: only the first migration, and a history made through the engine. */
function versionOneStore(): string {
  const file = join(tempDir(), 'v1.db');
  const raw = new Database(file);
  raw.pragma('journal_mode = WAL');
  raw.exec(migrations[0]!.sql);
  raw.pragma('user_version = 1');
  raw.close();
  return file;
}

describe('Given a store of schema version 1', () => {
  it('the current schema is version 3, and 001 is the first of the three migrations', () => {
    expect(SCHEMA_VERSION).toBe(3);
    expect(migrations.map((m) => m.name)).toEqual(['001-initial', '002-requests', '003-source-cache']);
  });

  it('when it is opened, then it is migrated to version 3 in place: the requests table and the source cache are added and every entry is kept', () => {
    // The history is written by the engine without request ids, which is all a version-1 sop wrote;
    // then the file is taken back to version 1 (the requests table did not exist).
    const file = join(tempDir(), 'v1.db');
    const as = <T>(user: string, fn: (s: Session) => T) => {
      const s = new Session({ db: file, sops: SOPS, identity: { user, osUser: 'tester' } }, { create: true });
      try {
        return fn(s);
      } finally {
        s.close();
      }
    };
    as('admin', (s) => initDatabase(s, 'admin'));
    as('admin', (s) => addUser(s, 'sari', [], false));
    const id = as('sari', (s) => startInstance(s, 'pengecualian-smki').id);
    as('sari', (s) => advanceInstance(s, id, { outputs: [{ id: 'surat-permohonan', value: 'Surat' }] }));
    const back = new Database(file);
    back.exec('DROP TRIGGER requests_no_update; DROP TRIGGER requests_no_delete; DROP TABLE requests; DROP TABLE source_cache');
    back.pragma('user_version = 1');
    const before = back.prepare('SELECT * FROM log ORDER BY seq').all();
    expect(back.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`).pluck().all()).toEqual(['blobs', 'definitions', 'instances', 'log', 'user_roles', 'users']);
    back.close();

    const store = Store.open(file);
    try {
      expect(store.db.pragma('user_version', { simple: true })).toBe(3);
      expect(store.db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name IN ('requests', 'source_cache') ORDER BY name`).pluck().all()).toEqual(['requests', 'source_cache']);
      expect(store.db.prepare('SELECT * FROM log ORDER BY seq').all()).toEqual(before);
      expect(verifyStore(store).ok).toBe(true);
    } finally {
      store.close();
    }
  });

  it('when two sop processes open it at the same moment, then it is migrated once and both go on', async () => {
    const file = versionOneStore();
    const open = () =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [CLI, 'user', 'list', '--json', '--db', file, '--sops', SOPS], { stdio: ['ignore', 'pipe', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('close', (code) => resolve({ code, stderr }));
      });
    const results = await Promise.all([open(), open()]);
    for (const r of results) expect(r, r.stderr).toMatchObject({ code: 0 });
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('user_version', { simple: true })).toBe(3);
    expect(raw.prepare(`SELECT count(*) AS n FROM sqlite_schema WHERE name IN ('requests', 'source_cache')`).get()).toEqual({ n: 2 });
    raw.close();
  });

  it('when a command with a request id then runs on it, then the request is recorded', () => {
    const file = versionOneStore();
    const s = new Session({ db: file, sops: SOPS, identity: { user: 'admin', osUser: 'tester' } }, { create: true });
    try {
      runRequest(s, { id: 'pertama', command: 'init', args: { admin: 'admin' } }, () => initDatabase(s, 'admin').name);
      expect(s.store.request('pertama')).toMatchObject({ command: 'init', logSeq: 1, answer: { ok: 'admin' } });
    } finally {
      s.close();
    }
  });
});
