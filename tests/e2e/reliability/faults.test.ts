/**
 * "Each of these gets a clear error and exit 1, with nothing half-written:
 * a read-only database file or directory; a full disk; a database of a
 * newer schema version; a file that is not SQLite given as --db; an SOP
 * folder that is missing or unreadable." (What runs no longer reads the SOP
 * folder: there, publishing is what is refused.)
 *
 * Each command runs as the OS login of its person (os-login-preload.cjs).
 * Through the built CLI, as a child process. Permissions mean nothing to
 * root, so when the tests run as root (as in CI) the command runs as the
 * unprivileged user nobody (setpriv); otherwise as the current user. The
 * full disk is a file size limit (ulimit -f: the write fails with EFBIG) and,
 * where this machine lets the test mount one, a 1 MiB tmpfs (ENOSPC).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SCHEMA_VERSION } from '../../../engine/store/index.js';
import { CLI, OS_LOGIN_PRELOAD, SOPS, STACK_TRACE, type CliResult } from '../../helpers/cli.js';
import { officeWith, openOffice } from '../../helpers/engine.js';
import { AS_NOBODY, NOBODY, ROOT_USER, unprivileged } from '../../helpers/unprivileged.js';

/** As root, permission faults need an unprivileged user to show (tests/helpers/unprivileged.ts). */
const CAN_DROP = unprivileged.ok;
if (!CAN_DROP) console.warn(`faults: the permission cases are skipped: ${unprivileged.why}`);

let base: string;
/** A store built through the engine: an administrator, sari, and one instance of pengecualian-smki at step 1. */
let pristine: string;
let instance: string;

/** A fresh folder (readable by nobody) holding a copy of the pristine store. */
function storeCopy(name: string): { dir: string; db: string } {
  const dir = join(base, name);
  mkdirSync(dir);
  chmodSync(dir, 0o755);
  const db = join(dir, 'sop.db');
  copyFileSync(pristine, db);
  return { dir, db };
}

/**
 * Runs the CLI: `unprivileged` as nobody when the test is root; `limitKb` under `ulimit -f`; `login`, the OS
 * login it stands for (the person bound to it acts: os-login-preload.cjs). Standard input is empty; the
 * environment is cleared of SOP_*.
 */
function cli(args: string[], options: { unprivileged?: boolean; limitKb?: number; cwd?: string; login?: string } = {}): CliResult {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of ['SOP_DIR', 'SOP_DB', 'SOP_USER', 'SOP_DEBUG', 'SOP_TEST_OS_LOGIN']) delete env[name];
  if (options.login !== undefined) {
    env.SOP_TEST_OS_LOGIN = options.login;
    env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} --require ${OS_LOGIN_PRELOAD}`.trim();
  }
  let argv = [process.execPath, CLI, ...args];
  if (options.unprivileged) argv = [...AS_NOBODY, ...argv];
  if (options.limitKb !== undefined) argv = ['sh', '-c', `ulimit -f ${options.limitKb} && exec "$@"`, 'sh', ...argv];
  const r = spawnSync(argv[0]!, argv.slice(1), { cwd: options.cwd ?? base, env, input: '', encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Every row of every table, or the error that reading it gives. */
function rows(db: string): unknown {
  const conn = new Database(db, { readonly: true, fileMustExist: true });
  try {
    const tables = conn.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`).pluck().all() as string[];
    return Object.fromEntries(tables.map((t) => [t, conn.prepare(`SELECT * FROM "${t}"`).all()]));
  } finally {
    conn.close();
  }
}

/** Exit 1, one `sop: ... [code]` line, a hint, nothing on stdout, no stack trace. */
function expectClearError(r: CliResult, code: string, why: RegExp): void {
  expect(r.stderr, r.stderr).not.toMatch(STACK_TRACE);
  expect(r.stderr).not.toContain('internal error');
  expect(r.code, r.stderr).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr.split('\n')[0]).toMatch(new RegExp(`^sop: .+ \\[${code.replace('.', '\\.')}\\]$`));
  expect(r.stderr.split('\n')[0]).toMatch(why);
  expect(r.stderr).toMatch(/^ {2}hint: .+/m);
}

/** Nothing half-written: the tables are as they were, and the store still verifies (through the engine's source). */
async function expectUnchanged(db: string, before: unknown): Promise<void> {
  expect(rows(db)).toEqual(before);
  const office = await openOffice(db, { create: false });
  try {
    const report = await office.engine.audit.verify();
    expect(report.ok, JSON.stringify(report.breaks)).toBe(true);
  } finally {
    await office.close();
  }
}

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'sop-faults-'));
  chmodSync(base, 0o755);
  pristine = join(base, 'pristine.db');
  const office = await officeWith(pristine, { sari: [] });
  try {
    instance = (await office.as('sari').instances.start('pengecualian-smki')).id;
  } finally {
    await office.close();
  }
  // Fold the WAL in, so that a copy of the .db file is the whole store.
  const conn = new Database(pristine);
  conn.pragma('wal_checkpoint(TRUNCATE)');
  conn.close();
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('Given a store whose file is read-only for the person running sop', () => {
  it.skipIf(!CAN_DROP)('when they add a user or complete a step, then it is store.unwritable (exit 1) and nothing is written', async () => {
    const { dir, db } = storeCopy('read-only-file');
    if (ROOT_USER) chownSync(dir, NOBODY, NOBODY);
    if (ROOT_USER) chownSync(db, NOBODY, NOBODY);
    chmodSync(db, 0o444);
    const before = rows(db);
    const bytes = readFileSync(db);
    for (const [login, args] of [
      ['admin', ['user', 'add', 'budi']],
      ['sari', ['advance', instance, '--step', 'pengajuan-permohonan', '--output', 'surat-permohonan=Surat']],
      ['sari', ['start', 'pengecualian-smki']],
    ] as const) {
      const r = cli([...args, '--db', db, '--sops', SOPS], { unprivileged: true, login });
      expectClearError(r, 'store.unwritable', /cannot write to the store .*sop\.db/);
      expect(r.stderr).toMatch(/hint: sop needs write access to .*sop\.db and to its directory/);
    }
    expect(readFileSync(db).equals(bytes)).toBe(true);
    chmodSync(db, 0o644);
    await expectUnchanged(db, before);
  });
});

describe('Given a store in a directory that is read-only for the person running sop', () => {
  it.skipIf(!CAN_DROP)('when they write (or even read: WAL needs its -shm file beside the store), then it is store.unwritable (exit 1) and nothing is written', async () => {
    const { dir, db } = storeCopy('read-only-dir');
    if (ROOT_USER) chownSync(db, NOBODY, NOBODY);
    const before = rows(db);
    // The store alone, without the -wal and -shm files a reader leaves behind (the WAL is empty).
    for (const f of [`${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });
    chmodSync(dir, 0o555);
    const bytes = readFileSync(db);
    for (const [login, args] of [
      ['admin', ['user', 'add', 'budi']],
      ['sari', ['cancel', instance, '--reason', 'x']],
      ['sari', ['status', instance]],
    ] as const) {
      const r = cli([...args, '--db', db, '--sops', SOPS], { unprivileged: true, login });
      expectClearError(r, 'store.unwritable', /cannot write to the store .*sop\.db/);
    }
    expect(readdirSync(dir)).toEqual(['sop.db']);
    expect(readFileSync(db).equals(bytes)).toBe(true);
    chmodSync(dir, 0o755);
    await expectUnchanged(db, before);
  });
});

describe('Given a full disk', () => {
  /** The 1 MiB output that does not fit. */
  let big: string;
  const tmpfs = join(tmpdir(), `sop-tmpfs-${process.pid}`);
  let mounted = false;
  beforeAll(() => {
    big = join(base, 'lampiran-besar.bin');
    writeFileSync(big, Buffer.alloc(1024 * 1024, 0x5a));
    chmodSync(big, 0o644);
    if (!ROOT_USER) return;
    mkdirSync(tmpfs, { recursive: true });
    mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', tmpfs]).status === 0;
  });
  afterAll(() => {
    if (mounted) spawnSync('umount', [tmpfs]);
    rmSync(tmpfs, { recursive: true, force: true });
  });

  it('when sop runs under a file size limit (ulimit -f) that the write exceeds, then it is a clear store error (exit 1), nothing is written, and the next command works', async () => {
    const { db } = storeCopy('file-size-limit');
    const before = rows(db);
    const limitKb = Math.ceil(statSync(db).size / 1024) + 256;
    const r = cli(['advance', instance, '--step', 'pengajuan-permohonan', '--output', `surat-permohonan=@${big}`, '--db', db, '--sops', SOPS], { limitKb, login: 'sari' });
    expectClearError(r, 'store.io-error', /the store .*sop\.db could not be read or written .*; nothing was written/);
    expect(r.stderr).toMatch(/hint: the disk may be full, over a file size limit \(ulimit -f\)/);
    await expectUnchanged(db, before);
    // Once there is room, the same command goes through.
    const ok = cli(['advance', instance, '--step', 'pengajuan-permohonan', '--output', `surat-permohonan=@${big}`, '--db', db, '--sops', SOPS], { login: 'sari' });
    expect(ok.code, ok.stderr).toBe(0);
  });

  it('when the store is on a 1 MiB tmpfs that the write fills, then it is store.full (exit 1) and nothing is written', async (ctx) => {
    if (!mounted) ctx.skip();
    const db = join(tmpfs, 'sop.db');
    copyFileSync(pristine, db);
    const before = rows(db);
    const r = cli(['advance', instance, '--step', 'pengajuan-permohonan', '--output', `surat-permohonan=@${big}`, '--db', db, '--sops', SOPS], { login: 'sari' });
    expectClearError(r, 'store.full', /the disk holding the store .*sop\.db is full; nothing was written/);
    expect(r.stderr).toMatch(/hint: free some space on that disk/);
    await expectUnchanged(db, before);
  });
});

describe('Given a store written by a newer sop (a schema version above this one)', () => {
  it('when any command opens it, then it is store.newer-schema (exit 1) and the file is not touched', () => {
    const { db } = storeCopy('newer-schema');
    const raw = new Database(db);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    const bytes = readFileSync(db);
    for (const [login, args] of [
      ['admin', ['user', 'add', 'budi']],
      ['sari', ['advance', instance, '--step', 'pengajuan-permohonan', '--output', 'surat-permohonan=x']],
      ['sari', ['list']],
    ] as const) {
      const r = cli([...args, '--db', db, '--sops', SOPS], { login });
      expectClearError(r, 'store.newer-schema', new RegExp(`has schema version ${SCHEMA_VERSION + 1}, but this sop knows only up to version ${SCHEMA_VERSION}`));
      expect(r.stderr).toMatch(/hint: a newer sop has written this store; upgrade sop/);
    }
    expect(readFileSync(db).equals(bytes)).toBe(true);
  });
});

describe('Given a file that is not SQLite given as --db', () => {
  it('when a command (even sop init) is pointed at it, then it is store.not-a-database (exit 1) and the file is not touched', () => {
    const dir = join(base, 'not-sqlite');
    mkdirSync(dir);
    const notes = join(dir, 'catatan.txt');
    const text = 'Notulen rapat Diskominfo: bukan basis data.\n'.repeat(100);
    writeFileSync(notes, text);
    for (const args of [
      ['init', '--admin', 'admin'],
      ['user', 'list'],
      ['start', 'pengecualian-smki'],
    ]) {
      const r = cli([...args, '--db', notes, '--sops', SOPS]);
      expectClearError(r, 'store.not-a-database', /catatan\.txt is not an SQLite database/);
    }
    expect(readFileSync(notes, 'utf8')).toBe(text);
    expect(readdirSync(dir)).toEqual(['catatan.txt']);
  });
});

describe('Given an SOP folder that is missing or unreadable', () => {
  it('when a missing folder is given, then what reads it (publish, catalog, show) is refused (exit 1) naming it, and nothing is written; what runs never reads it', async () => {
    const { db } = storeCopy('sops-missing');
    const before = rows(db);
    const missing = join(base, 'tidak-ada');
    for (const args of [['publish', 'pengecualian-smki'], ['publish', '--all'], ['catalog'], ['show', 'pengecualian-smki']]) {
      const r = cli([...args, '--db', db, '--sops', missing], { login: 'admin' });
      expectClearError(r, 'sops.unreadable', /the SOP folder .*tidak-ada cannot be read: no such file or folder/);
    }
    await expectUnchanged(db, before);
    // Instances start from what was published, and roles are the actors of published SOPs: the folder is not needed.
    const started = cli(['start', 'pengecualian-smki', '--db', db, '--sops', missing], { login: 'sari' });
    expect(started.code, started.stderr).toBe(0);
    const granted = cli(['user', 'grant', 'sari', 'pengelola-tim-teknis', '--db', db, '--sops', missing], { login: 'admin' });
    expect(granted.code, granted.stderr).toBe(0);
  });

  it.skipIf(!CAN_DROP)('when the folder, or the SOP file itself, cannot be read, then publishing is refused (exit 1) and nothing is written', async () => {
    const { dir, db } = storeCopy('sops-unreadable');
    const sops = join(dir, 'sops');
    mkdirSync(sops);
    for (const f of readdirSync(SOPS)) copyFileSync(join(SOPS, f), join(sops, f));
    if (ROOT_USER) {
      for (const f of [dir, db, sops]) chownSync(f, NOBODY, NOBODY);
    }
    const before = rows(db);
    chmodSync(sops, 0o000);
    const folder = cli(['publish', 'pengecualian-smki', '--effective', '2026-01-01', '--db', db, '--sops', sops], { unprivileged: true, login: 'admin' });
    expectClearError(folder, 'sops.unreadable', /the SOP folder .*sops cannot be read/);
    chmodSync(sops, 0o755);
    chmodSync(join(sops, 'pengecualian-smki.yaml'), 0o000);
    const file = cli(['publish', 'pengecualian-smki', '--effective', '2026-01-01', '--db', db, '--sops', sops], { unprivileged: true, login: 'admin' });
    expect(file.stderr).not.toMatch(STACK_TRACE);
    expect(file.code, file.stderr).toBe(1);
    expect(file.stderr).toMatch(/pengecualian-smki\.yaml/);
    expect(file.stderr).toMatch(/\[(file\.unreadable|sop\.invalid)\]/);
    await expectUnchanged(db, before);
    expect(existsSync(`${db}-wal`) ? statSync(`${db}-wal`).size : 0).toBe(0);
  });
});
