/**
 * Refusals, through the CLI as an operator meets them.
 *
 * "Only someone who holds the current step's actor may advance it. A refusal
 * says why, exits 1, and is recorded in the history as a refused attempt."
 * "A refusal leaves the history unchanged apart from the refusal record."
 *
 * Every case compares the SQLite tables before and after (read-only, with
 * better-sqlite3): an instance refusal adds exactly one `log` row, the
 * refusal, and changes nothing else; any other refusal changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Engine, InstanceHistory, StatusView } from '../../../engine/index.js';
import { officeWith, openOffice } from '../../helpers/engine.js';
import { sop, spawnSop as spawnCli, tempDir, SOPS, STACK_TRACE } from '../../helpers/cli.js';

let dir: string;
let db: string;
/** pengecualian-smki started by ani, with pemohon bound to budi. */
let smki: string;
/** pengecualian-smki refused at the decision: completed, outcome ditolak. */
let finished: string;

/** Runs `fn` in-process as `user`, on an engine opened for it and closed after: the CLI processes find the file as they would. */
async function as<T>(user: string, fn: (e: Engine) => Promise<T>): Promise<T> {
  const office = await openOffice(db, { create: false });
  try {
    return await fn(office.as(user));
  } finally {
    await office.close();
  }
}

/** `sop args` on the test store, run by the OS login `login` (each person is bound to a login of their name). */
const run = (login: string, args: string[]) => sop(args, { cwd: dir, env: { SOP_DB: db, SOP_DIR: SOPS }, login });

/** A read command's --json output, run (by the administrator's login) as a child process without waiting for the others. */
async function readJson<T>(args: string[]): Promise<T> {
  const r = await spawnCli(args, { cwd: dir, env: { SOP_DB: db, SOP_DIR: SOPS }, login: 'admin' });
  if (r.code !== 0) throw new Error(`sop ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** The same views in-process (the CLI prints exactly these as JSON). */
const viewsNow = (instance: string): Promise<{ status: StatusView; history: InstanceHistory }> =>
  as('admin', async (e) => JSON.parse(JSON.stringify({ status: await e.instances.status(instance), history: await e.instances.history(instance) })) as { status: StatusView; history: InstanceHistory });

interface Snapshot {
  log: { seq: number; kind: string; instance_id: string | null; version: number | null; at: string; payload: string }[];
  instances: unknown[];
  users: unknown[];
  roles: unknown[];
  definitions: unknown[];
  blobs: unknown[];
}

/** Every row that matters, read through a read-only connection. */
function snapshot(): Snapshot {
  const conn = new Database(db, { readonly: true, fileMustExist: true });
  try {
    const all = (sql: string) => conn.prepare(sql).all();
    return {
      log: all('SELECT seq, kind, instance_id, version, at, payload FROM log ORDER BY seq') as Snapshot['log'],
      instances: all('SELECT * FROM instances ORDER BY id'),
      users: all('SELECT * FROM users ORDER BY name'),
      roles: all('SELECT * FROM user_roles ORDER BY user, role'),
      definitions: all('SELECT hash, sop_id, revision, log_seq FROM definitions ORDER BY hash'),
      blobs: all('SELECT sha256, size FROM blobs ORDER BY sha256'),
    };
  } finally {
    conn.close();
  }
}

interface Expected {
  code: string;
  /** What the message must say (why). */
  why: RegExp;
  /** What the hint line must say. */
  hint?: RegExp;
}

/** Exit 1, one `sop: ... [code]` line saying why, the hint, nothing on stdout, no stack trace. */
function expectRefusalOutput(r: ReturnType<typeof run>, e: Expected): void {
  expect(r.stderr, r.stderr).not.toMatch(STACK_TRACE);
  expect(r.stderr).not.toContain('internal error');
  expect(r.code, r.stderr).toBe(1);
  expect(r.stdout).toBe('');
  const first = r.stderr.split('\n')[0]!;
  expect(first).toMatch(new RegExp(`^sop: .+ \\[${e.code.replace('.', '\\.')}\\]$`));
  expect(first).toMatch(e.why);
  if (e.hint) {
    const hint = r.stderr.split('\n').find((l) => l.startsWith('  hint: '));
    expect(hint, r.stderr).toBeDefined();
    expect(hint).toMatch(e.hint);
  }
}

/** Given the instance, when `args` is run by `login`, then it is refused, recorded once in the history, and nothing else changes. */
async function expectRecordedRefusal(instance: string, login: string, args: string[], e: Expected & { user: string; step: string | null }): Promise<void> {
  const before = snapshot();
  const { status: statusBefore, history: historyBefore } = await viewsNow(instance);

  const r = run(login, args);
  expectRefusalOutput(r, e);

  // The database: the log gained exactly one row, the refusal; every other row and table is as it was.
  const after = snapshot();
  expect(after.log.slice(0, before.log.length)).toEqual(before.log);
  expect(after.log).toHaveLength(before.log.length + 1);
  const row = after.log[before.log.length]!;
  expect(row).toMatchObject({ kind: 'event', instance_id: instance, version: null });
  const payload = JSON.parse(row.payload);
  expect(payload.type).toBe('refused');
  expect(payload.reason.startsWith(`${e.code}: `)).toBe(true);
  expect(payload.by.user).toBe(e.user);
  expect(after.instances).toEqual(before.instances);
  expect(after.users).toEqual(before.users);
  expect(after.roles).toEqual(before.roles);
  expect(after.definitions).toEqual(before.definitions);
  expect(after.blobs).toEqual(before.blobs);

  // What the operator sees: one more history entry, the refusal with its reason; the status unchanged.
  const [history, status] = await Promise.all([readJson<InstanceHistory>(['history', instance, '--json']), readJson<StatusView>(['status', instance, '--json'])]);
  expect(history.entries).toHaveLength(historyBefore.entries.length + 1);
  expect(history.entries.slice(0, -1)).toEqual(historyBefore.entries);
  const refused = history.entries.at(-1);
  expect(refused).toMatchObject({ type: 'refused', user: e.user, step: e.step, outputs: [], timing: null });
  expect(refused?.reason).toMatch(new RegExp(`^${e.code.replace('.', '\\.')}: `));
  expect(refused?.reason).toMatch(e.why);

  const essentials = (s: typeof status) => ({
    version: s.version,
    status: s.status,
    outcome: s.outcome,
    updatedAt: s.updatedAt,
    current: s.current.map((c) => [c.step, c.activatedAt, c.dueAt, c.assignee]),
  });
  expect(essentials(status)).toEqual(essentials(statusBefore));
}

/** Given any state, when `args` is run by `login`, then it is refused and the database has the same rows in every table. */
function expectUnrecordedRefusal(login: string, args: string[], e: Expected): void {
  const before = snapshot();
  const r = run(login, args);
  expectRefusalOutput(r, e);
  expect(snapshot()).toEqual(before);
}

beforeAll(async () => {
  dir = tempDir('sop-refusals-');
  db = join(dir, 'sop.db');
  const office = await officeWith(db, { tekno: ['pengelola-tim-teknis'], kabid: ['kepala-bidang-persandian'], budi: [], ani: [] });
  try {
    const as = (user: string) => office.as(user).instances;
    ({ id: smki } = await as('ani').start('pengecualian-smki', { assign: { pemohon: 'budi' } }));
    ({ id: finished } = await as('ani').start('pengecualian-smki', { assign: { pemohon: 'budi' } }));
    await as('budi').advance(finished, { outputs: [{ id: 'surat-permohonan', value: 'Surat 2' }] });
    await as('tekno').advance(finished, { outputs: [{ id: 'daftar-resiko', value: 'Resiko 2' }] });
    await as('kabid').advance(finished, { choice: 'tidak-setuju' });
  } finally {
    await office.close();
  }
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Given an instance of pengecualian-smki at step 1, done by the Pemohon bound to budi', () => {
  it('when ani (not the bound person) advances it, then it is refused with auth.not-actor naming budi, and recorded', async () => {
    await expectRecordedRefusal(smki, 'ani', ['advance', smki, '--step', 'pengajuan-permohonan', '--output', 'surat-permohonan=Surat'], {
      code: 'auth.not-actor',
      why: /Pemohon, who is "budi" in this instance, not "ani"/,
      hint: /in this instance the step is budi's: budi completes it/,
      user: 'ani',
      step: 'pengajuan-permohonan',
    });
  });

  it('when budi advances it without its output, then it is refused with output.missing naming the output', async () => {
    await expectRecordedRefusal(smki, 'budi', ['advance', smki, '--step', 'pengajuan-permohonan'], {
      code: 'output.missing',
      why: /without its output\(s\): surat-permohonan \(Surat Permohonan\)/,
      hint: /--output "<id>=<text>"/,
      user: 'budi',
      step: 'pengajuan-permohonan',
    });
  });

  it('when budi gives an output the step does not declare, then it is refused with output.unknown listing the real ones', async () => {
    await expectRecordedRefusal(smki, 'budi', ['advance', smki, '--step', 'pengajuan-permohonan', '--output', 'surat-permohonan=Surat', '--output', 'lampiran=x'], {
      code: 'output.unknown',
      why: /step "pengajuan-permohonan" has no output "lampiran"/,
      hint: /its outputs: surat-permohonan/,
      user: 'budi',
      step: 'pengajuan-permohonan',
    });
  });

  it('when budi gives a choice to a step that is not a decision, then it is refused with choice.not-allowed', async () => {
    await expectRecordedRefusal(smki, 'budi', ['advance', smki, '--step', 'pengajuan-permohonan', '--choice', 'setuju', '--output', 'surat-permohonan=Surat'], {
      code: 'choice.not-allowed',
      why: /not a decision/,
      user: 'budi',
      step: 'pengajuan-permohonan',
    });
  });

  it('when budi names another step with --step, then it is refused with step.not-current naming the current one', async () => {
    await expectRecordedRefusal(smki, 'budi', ['advance', smki, '--step', 'analisis-resiko', '--output', 'surat-permohonan=Surat'], {
      code: 'step.not-current',
      why: /the current step is "pengajuan-permohonan"/,
      user: 'budi',
      step: 'pengajuan-permohonan',
    });
  });

  it('and after all those refusals budi can still complete it: the refusals did not move the instance', () => {
    const r = run('budi', ['advance', smki, '--step', 'pengajuan-permohonan', '--output', 'surat-permohonan=Surat Permohonan 1', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const st = JSON.parse(r.stdout);
    expect(st.version).toBe(2);
    expect(st.current[0].step).toBe('analisis-resiko');
  });
});

describe('Given the instance at step 2, done by the role pengelola-tim-teknis', () => {
  it('when kabid (who holds another role) advances it, then it is refused with auth.not-actor naming the missing role', async () => {
    await expectRecordedRefusal(smki, 'kabid', ['advance', smki, '--step', 'analisis-resiko', '--output', 'daftar-resiko=Resiko'], {
      code: 'auth.not-actor',
      why: /done by Pengelola\/Tim Teknis; "kabid" does not hold the role pengelola-tim-teknis/,
      hint: /sop user grant kabid pengelola-tim-teknis/,
      user: 'kabid',
      step: 'analisis-resiko',
    });
  });

  it('when the administrator (who holds no step role) advances it, then it is refused as well: being admin is not holding the actor', async () => {
    await expectRecordedRefusal(smki, 'admin', ['advance', smki, '--step', 'analisis-resiko', '--output', 'daftar-resiko=Resiko'], {
      code: 'auth.not-actor',
      why: /"admin" does not hold the role pengelola-tim-teknis/,
      hint: /sop user grant admin pengelola-tim-teknis/,
      user: 'admin',
      step: 'analisis-resiko',
    });
  });

  it('then tekno completes it', () => {
    const r = run('tekno', ['advance', smki, '--step', 'analisis-resiko', '--output', 'daftar-resiko=Daftar Resiko 1']);
    expect(r.code, r.stderr).toBe(0);
  });
});

describe('Given the instance at the decision "Persetujuan Permohonan Pengecualian"', () => {
  it('when kabid advances it without --choice, then it is refused with choice.required listing the choices', async () => {
    await expectRecordedRefusal(smki, 'kabid', ['advance', smki, '--step', 'persetujuan-permohonan'], {
      code: 'choice.required',
      why: /is a decision: give a choice, one of setuju \("Setuju"\), tidak-setuju \("Tidak Setuju"\)/,
      hint: /--choice <setuju\|tidak-setuju>/,
      user: 'kabid',
      step: 'persetujuan-permohonan',
    });
  });

  it('when kabid gives an unknown choice, then it is refused with choice.unknown, and the history keeps the attempted choice', async () => {
    await expectRecordedRefusal(smki, 'kabid', ['advance', smki, '--step', 'persetujuan-permohonan', '--choice', 'mungkin'], {
      code: 'choice.unknown',
      why: /"mungkin" is not a choice of step "persetujuan-permohonan"/,
      hint: /--choice <setuju\|tidak-setuju>/,
      user: 'kabid',
      step: 'persetujuan-permohonan',
    });
    const h = (await viewsNow(smki)).history;
    expect(h.entries.at(-1)?.choice).toBe('mungkin');
  });

  it('when tekno, neither its starter (ani) nor an administrator, cancels it, then it is refused with auth.not-allowed and recorded', async () => {
    await expectRecordedRefusal(smki, 'tekno', ['cancel', smki, '--reason', 'tidak perlu'], {
      code: 'auth.not-allowed',
      why: /only ani, who started .+, or an administrator may cancel it/,
      hint: /ask them, or an administrator/,
      user: 'tekno',
      step: null,
    });
  });

  it('when someone whose OS login is bound to nobody advances it, with or without --step, then it is refused with auth.unknown-login and nothing is written', () => {
    for (const step of [['--step', 'persetujuan-permohonan'], []]) {
      expectUnrecordedRefusal('tamu', ['advance', smki, ...step, '--choice', 'setuju'], {
        code: 'auth.unknown-login',
        why: /the login "tamu" is bound to no user of .*sop\.db/,
        hint: /an administrator binds your login to you: sop user bind <your name> tamu/,
      });
    }
  });

  it('when budi names kabid (--as kabid) to take the decision, then it is refused with auth.not-you and nothing is written', () => {
    expectUnrecordedRefusal('budi', ['advance', smki, '--step', 'persetujuan-permohonan', '--as', 'kabid', '--choice', 'setuju'], {
      code: 'auth.not-you',
      why: /the login "budi" is budi; acting as "kabid" is refused/,
      hint: /on this machine you are budi; an administrator acts for someone else only as an emergency/,
    });
  });

  it('when an unknown instance is advanced, then it is refused with instance.unknown and nothing is written', () => {
    expectUnrecordedRefusal('kabid', ['advance', '20261120-tidakada', '--choice', 'setuju'], {
      code: 'instance.unknown',
      why: /no instance "20261120-tidakada"/,
      hint: /sop list/,
    });
  });

  it('when an unknown instance is cancelled, then it is refused with instance.unknown and nothing is written', () => {
    expectUnrecordedRefusal('admin', ['cancel', '20261120-tidakada', '--reason', 'x'], {
      code: 'instance.unknown',
      why: /no instance "20261120-tidakada"/,
      hint: /sop list/,
    });
  });
});

describe('Given an instance that has ended (outcome ditolak)', () => {
  it('when it is advanced, then it is refused with instance.finished and recorded', async () => {
    await expectRecordedRefusal(finished, 'kabid', ['advance', finished, '--choice', 'setuju'], {
      code: 'instance.finished',
      why: /is completed \(ditolak\); there is no step to complete/,
      hint: /sop history/,
      user: 'kabid',
      step: null,
    });
  });
});

describe('Given people managed by the administrator', () => {
  const notAdmin = { code: 'auth.not-admin', why: /only an administrator may .+; "tekno" is not one/, hint: /ask an administrator/ };

  it('when a non-administrator adds a user, then it is refused with auth.not-admin and nothing is written', () => {
    expectUnrecordedRefusal('tekno', ['user', 'add', 'zaki', '--role', 'pengelola-tim-teknis'], notAdmin);
  });

  it('when a non-administrator grants a role (even to themself), then it is refused and nothing is written', () => {
    expectUnrecordedRefusal('tekno', ['user', 'grant', 'tekno', 'kepala-bidang-persandian'], notAdmin);
  });

  it('when a non-administrator revokes, sets roles or removes a user, then each is refused and nothing is written', () => {
    expectUnrecordedRefusal('tekno', ['user', 'revoke', 'kabid', 'kepala-bidang-persandian'], notAdmin);
    expectUnrecordedRefusal('tekno', ['user', 'set-roles', 'kabid', 'pengelola-tim-teknis'], notAdmin);
    expectUnrecordedRefusal('tekno', ['user', 'remove', 'kabid'], notAdmin);
  });

  it('when someone whose OS login is bound to nobody adds a user, then it is refused with auth.unknown-login and nothing is written', () => {
    expectUnrecordedRefusal('tamu', ['user', 'add', 'zaki'], { code: 'auth.unknown-login', why: /the login "tamu" is bound to no user/, hint: /sop user bind <your name> tamu/ });
  });

  it('when a non-administrator names the administrator (--as admin) to add a user, then it is refused with auth.not-you and nothing is written', () => {
    expectUnrecordedRefusal('tekno', ['user', 'add', 'zaki', '--as', 'admin'], { code: 'auth.not-you', why: /the login "tekno" is tekno; acting as "admin" is refused/ });
  });

  it('when sop init is run on the database that already holds data, then it is refused with store.not-empty and nothing is written', () => {
    expectUnrecordedRefusal('admin', ['init', '--admin', 'perebut'], {
      code: 'store.not-empty',
      // (The engine's message names no command since the reshaping: it is the same for the CLI and an embedding program.)
      why: /already holds data; init works only on a new store/,
      hint: /use another --db file/,
    });
    // The first administrator is still the only one.
    const users = JSON.parse(run('admin', ['user', 'list', '--json']).stdout);
    expect(users.filter((u: { admin: boolean }) => u.admin).map((u: { name: string }) => u.name)).toEqual(['admin']);
  });
});
