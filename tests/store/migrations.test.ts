/**
 * "Existing stores must migrate": a store written at schema version 1, with
 * its history in it, opens with this sop, gains the requests table
 * (002-requests) and the source cache (003-source-cache), keeps every
 * entry, and still verifies. Two processes migrating the same file at once:
 * tests/e2e/store/migrations.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SopError } from '../../engine/index.js';
import { Store, SCHEMA_VERSION } from '../../engine/store/index.js';
import { migrations } from '../../engine/store/migrations/index.js';
import { run } from '../../cli/program.js';
import { officeWith, openOffice } from '../helpers/engine.js';
import { SOPS } from '../helpers/cli.js';
import { tempDir, versionOneStore } from './helpers.js';

describe('Given a store of schema version 1', () => {
  it('the current schema is version 3, and 001 is the first of the three migrations', () => {
    expect(SCHEMA_VERSION).toBe(3);
    expect(migrations.map((m) => m.name)).toEqual(['001-initial', '002-requests', '003-source-cache']);
  });

  it('when it is opened, then it is migrated to version 3 in place: the requests table and the source cache are added and every entry is kept', async () => {
    // The history is written by the engine, then the file is taken back to version 1 (the requests table did not exist).
    // (Today's engine gives every change a request id, which a version-1 sop did not: the log keeps them,
    // their records go with the dropped table, and neither the migration nor verify may mind.)
    const file = join(tempDir(), 'v1.db');
    const office = await officeWith(file, { sari: [] });
    const { id } = await office.as('sari').instances.start('pengecualian-smki');
    await office.as('sari').instances.advance(id, { outputs: [{ id: 'surat-permohonan', value: 'Surat' }] });
    await office.close();
    const back = new Database(file);
    back.exec('DROP TRIGGER requests_no_update; DROP TRIGGER requests_no_delete; DROP TABLE requests; DROP TABLE source_cache');
    back.pragma('user_version = 1');
    const before = back.prepare('SELECT * FROM log ORDER BY seq').all();
    expect(before).toHaveLength(5);
    expect(back.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`).pluck().all()).toEqual(['blobs', 'definitions', 'instances', 'log', 'user_roles', 'users']);
    back.close();

    const store = Store.open(file);
    try {
      expect(store.db.pragma('user_version', { simple: true })).toBe(3);
      expect(store.db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name IN ('requests', 'source_cache') ORDER BY name`).pluck().all()).toEqual(['requests', 'source_cache']);
      expect(store.db.prepare('SELECT * FROM log ORDER BY seq').all()).toEqual(before);
    } finally {
      store.close();
    }
    const reopened = await openOffice(file, { create: false });
    try {
      expect((await reopened.engine.audit.verify()).ok).toBe(true);
    } finally {
      await reopened.close();
    }
  });

  it('when a command with a request id then runs on it, then the request is recorded', async () => {
    const file = versionOneStore();
    const office = await openOffice(file);
    const admin = await office.as('admin').people.init('admin', { requestId: 'pertama' });
    await office.close();
    const store = Store.open(file);
    try {
      expect(store.request('pertama')).toMatchObject({ command: 'init', logSeq: 1, answer: { ok: { name: 'admin', isAdmin: true, roles: [], createdAt: admin.createdAt } } });
    } finally {
      store.close();
    }
  });
});

describe('Given a refusal recorded by sop 0.1, whose answer kept a hint and an exit code', () => {
  /** A store where eko's refused advance (auth.not-actor, recorded in the history) has a record as sop 0.1 wrote it, under request id "lama". */
  async function storeWithOldRecord() {
    const file = join(tempDir(), 'sop.db');
    const office = await officeWith(file, { sari: [], eko: [] });
    const { id } = await office.as('sari').instances.start('pengecualian-smki');
    const attempt = { outputs: [{ id: 'surat-permohonan', value: 'Surat' }] };
    // Today's refusal gives the fingerprint and the log entry the old record points at.
    const refused = await office
      .as('eko')
      .instances.advance(id, { ...attempt, requestId: 'baru' })
      .then(
        () => undefined,
        (e: unknown) => e as SopError,
      );
    expect(refused?.code).toBe('auth.not-actor');
    await office.close();
    const raw = new Database(file);
    const today = raw.prepare(`SELECT * FROM requests WHERE id = 'baru'`).get() as { command: string; args_hash: string; log_seq: number; answer: string; at: string };
    // What today records: no hint, no exit code.
    expect(JSON.parse(today.answer)).toEqual({ error: { code: 'auth.not-actor', message: refused!.message, data: refused!.data } });
    const old = { error: { code: 'auth.not-actor', message: refused!.message, hint: 'a hint as sop 0.1 wrote it', exitCode: 1 } };
    raw.prepare('INSERT INTO requests (id, command, args_hash, log_seq, answer, at) VALUES (?, ?, ?, ?, ?, ?)').run('lama', today.command, today.args_hash, today.log_seq, JSON.stringify(old), today.at);
    const log = raw.prepare('SELECT count(*) FROM log').pluck().get();
    raw.close();
    return { file, id, attempt, message: refused!.message, log };
  }

  it('when the engine retries it, then it throws the recorded refusal again (code and message), without the old hint and exit code, and writes nothing', async () => {
    const { file, id, attempt, message, log } = await storeWithOldRecord();
    const office = await openOffice(file);
    const again = await office
      .as('eko')
      .instances.advance(id, { ...attempt, requestId: 'lama' })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    await office.close();
    expect(again).toBeInstanceOf(SopError);
    expect(again).toMatchObject({ code: 'auth.not-actor', kind: 'forbidden', message, problems: [] });
    expect(Object.keys(again as object)).not.toContain('hint');
    expect(Object.keys(again as object)).not.toContain('exitCode');
    const raw = new Database(file, { readonly: true });
    expect(raw.prepare('SELECT count(*) FROM log').pluck().get()).toBe(log);
    raw.close();
  });

  it('when the CLI retries it, then it prints the recorded message with the hint of today, exits 1, and writes nothing', async () => {
    const { file, id, message, log } = await storeWithOldRecord();
    let stdout = '';
    let stderr = '';
    const args = ['advance', id, '--as', 'eko', '--output', 'surat-permohonan=Surat', '--request-id', 'lama', '--db', file, '--sops', SOPS];
    const code = await run(args, { out: (t) => (stdout += t), err: (t) => (stderr += t), width: 80 });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.split('\n')[0]).toBe(`sop: ${message} [auth.not-actor]`);
    expect(stderr).toMatch(/^ {2}hint: .+$/m);
    expect(stderr).not.toContain('a hint as sop 0.1 wrote it');
    const raw = new Database(file, { readonly: true });
    expect(raw.prepare('SELECT count(*) FROM log').pluck().get()).toBe(log);
    raw.close();
  });
});
