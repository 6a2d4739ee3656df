/**
 * "Existing stores must migrate": a store written before this sop (schema
 * version 1, the history in it as sop 0.x wrote it: definitions stored at
 * the start of an instance, events without `via`), opens with this sop,
 * gains the requests table (002-requests), the trust tables (004-trust:
 * logins, rights, profiles, credentials, sessions, tokens, calendars,
 * publications, delegations, signing keys; the source cache of 003 comes
 * and goes), keeps every entry, and still verifies. Two processes migrating
 * the same file at once: tests/e2e/store/migrations.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SopError } from '../../engine/index.js';
import { Store, SCHEMA_VERSION, type ActorMeta } from '../../engine/store/index.js';
import { migrations } from '../../engine/store/migrations/index.js';
import { loadSop } from '../../engine/definition/load.js';
import { deriveState } from '../../engine/machine/instance-state.js';
import type { SopEvent } from '../../engine/events.js';
import { sha256Hex } from '../../engine/store/sha256.js';
import { run } from '../../cli/program.js';
import { officeWith, openOffice, publishAll } from '../helpers/engine.js';
import { SOPS } from '../helpers/cli.js';
import { asOsLogin } from '../helpers/os-login.js';
import { tempDir, versionOneStore } from './helpers.js';

/** The tables of migration 001, the only ones of a version-1 store. */
const VERSION_ONE_TABLES = ['blobs', 'definitions', 'instances', 'log', 'user_roles', 'users'];

/**
 * A store of schema version 1 with a history as sop 0.x wrote it: its administrator and sari, an instance of
 * pengecualian-smki started by sari (its definition stored then) and its first step completed. Written through the
 * store, then taken back to version 1 (what later migrations added is dropped).
 */
function versionOneHistory(): string {
  const file = join(tempDir(), 'v1.db');
  const def = loadSop(SOPS, 'pengecualian-smki');
  // As sop 0.x recorded who acted: the user and the OS login, no via.
  const by = (user: string, role?: string): ActorMeta => ({ user, ...(role ? { role } : {}), osUser: user });
  const store = Store.open(file);
  try {
    store.write((tx) => tx.initAdmin('admin', {}, by('admin')));
    // Today's init makes the first administrator a maintainer too, which sop 0.x did not know: taken back, as the migration leaves it.
    store.write((tx) => tx.setRights('admin', { admin: true, maintainer: false }, by('admin')));
    store.write((tx) => tx.addUser('sari', {}, by('admin')));
    store.write((tx) => tx.addUser('andi', { roles: ['pengelola-tim-teknis'] }, by('admin')));
    const events: { version: number; event: SopEvent }[] = [];
    store.write((tx) => {
      const definitionHash = tx.putDefinition(def);
      const event: SopEvent = { type: 'started', title: 'Pengecualian server lama', assignments: { pemohon: 'sari' }, by: by('sari') };
      events.push({ version: 1, event });
      tx.createInstance({ id: '20261123-lama0001', definitionHash, title: 'Pengecualian server lama', state: deriveState(def, events), event });
    });
    store.write((tx) => {
      const content = 'Surat permohonan';
      const event: SopEvent = { type: 'completed', step: 'pengajuan-permohonan', outputs: [{ id: 'surat-permohonan', sha256: sha256Hex(content), size: content.length }], by: by('sari', 'pemohon') };
      events.push({ version: 2, event });
      tx.appendEvent('20261123-lama0001', 1, event, deriveState(def, events), {}, [content]);
    });
  } finally {
    store.close();
  }
  const back = new Database(file);
  back.exec(`
    DROP TRIGGER requests_no_update; DROP TRIGGER requests_no_delete; DROP TABLE requests;
    DROP TABLE credentials; DROP TABLE sessions; DROP TABLE api_tokens; DROP TABLE calendars; DROP TABLE publications;
    DROP TABLE delegations; DROP TABLE signing_keys;
    DROP INDEX users_login;
    ALTER TABLE users DROP COLUMN login; ALTER TABLE users DROP COLUMN is_maintainer;
    ALTER TABLE users DROP COLUMN full_name; ALTER TABLE users DROP COLUMN nip; ALTER TABLE users DROP COLUMN jabatan;
  `);
  back.pragma('user_version = 1');
  expect(back.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`).pluck().all()).toEqual(VERSION_ONE_TABLES);
  back.close();
  return file;
}

describe('Given a store of schema version 1', () => {
  it('the current schema is version 4, and 001 is the first of the four migrations', () => {
    expect(SCHEMA_VERSION).toBe(4);
    expect(migrations.map((m) => m.name)).toEqual(['001-initial', '002-requests', '003-source-cache', '004-trust']);
  });

  it('when it is opened, then it is migrated to version 4 in place: the requests and trust tables are added, the source cache is gone, and every entry is kept', async () => {
    const file = versionOneHistory();
    const raw = new Database(file, { readonly: true });
    const before = raw.prepare('SELECT * FROM log ORDER BY seq').all();
    raw.close();
    expect(before).toHaveLength(7);

    const store = Store.open(file);
    try {
      expect(store.db.pragma('user_version', { simple: true })).toBe(4);
      const tables = store.db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`).pluck().all();
      expect(tables).toEqual([
        'api_tokens',
        'blobs',
        'calendars',
        'credentials',
        'definitions',
        'delegations',
        'instances',
        'log',
        'publications',
        'requests',
        'sessions',
        'signing_keys',
        'user_roles',
        'users',
      ]);
      expect(store.db.prepare('SELECT * FROM log ORDER BY seq').all()).toEqual(before);
      // Nobody had a login bound or the maintainer right before: an administrator binds and grants them.
      expect(store.listUsers().map((u) => [u.name, u.isAdmin, u.isMaintainer, u.login])).toEqual([
        ['admin', true, false, null],
        ['andi', false, false, null],
        ['sari', false, false, null],
      ]);
    } finally {
      store.close();
    }
    const reopened = await openOffice(file, { create: false });
    try {
      const report = await reopened.engine.audit.verify();
      expect(report, JSON.stringify(report.breaks)).toMatchObject({ ok: true, breaks: [], instances: 1 });
      // The instance goes on with the definition it started with; a new one needs a publication first.
      const done = await reopened.as('andi').instances.advance('20261123-lama0001', { step: 'analisis-resiko', outputs: [{ id: 'daftar-resiko', value: 'Daftar' }] });
      expect(done.status).toMatchObject({ version: 3, current: [{ step: 'persetujuan-permohonan' }] });
      await expect(reopened.as('sari').instances.start('pengecualian-smki')).rejects.toMatchObject({ code: 'sop.not-published' });
      await publishAll(reopened.as('admin'));
      expect((await reopened.as('sari').instances.status((await reopened.as('sari').instances.start('pengecualian-smki')).id)).revision).toBe(1);
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
      expect(store.request('pertama')).toMatchObject({ command: 'init', logSeq: 1, answer: { ok: { name: 'admin', isAdmin: true, isMaintainer: true, roles: [], createdAt: admin.createdAt } } });
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
    const attempt = { step: 'pengajuan-permohonan', outputs: [{ id: 'surat-permohonan', value: 'Surat' }] };
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
    const args = ['advance', id, '--step', 'pengajuan-permohonan', '--output', 'surat-permohonan=Surat', '--request-id', 'lama', '--db', file, '--sops', SOPS];
    const code = await asOsLogin('eko', () => run(args, { out: (t) => (stdout += t), err: (t) => (stderr += t), width: 80 }));
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
