/**
 * Issue 11: "One edited row of `source_cache` (no trigger, outside the
 * chain) made every later `sop start` from the official folder use such a
 * definition."
 *
 * Moot now: the source cache is gone (migration 004), and nothing that runs
 * reads the SOP folder. Through the built CLI, each person as their own OS
 * login: an edited SOP file (even of a published SOP, its approver made a
 * person of the case) or calendar changes nothing about what starts or when
 * it falls due; an operator cannot publish it (not a maintainer); the SOP
 * file of a related SOP removed changes nothing either, and publishing from
 * that folder is refused as `validate` would. What reads the store only
 * writes nothing: it answers while another process holds the write lock.
 * (In-process: tests/trust/sop-folder.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sop, tempDir, SOPS, type CliResult } from '../../helpers/cli.js';

let dir: string;
let sops: string;
let db: string;
let id: string;
let published: string;

/** `sop args` on the office's store and SOP folder, run by the OS login `login` (bound to the sop user of that name). */
const run = (login: string, ...args: string[]): CliResult => sop([...args, '--db', db, '--sops', sops], { cwd: dir, login });
const json = <T>(login: string, ...args: string[]): T => {
  const r = run(login, ...args, '--json');
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as T;
};

/** Every row of every table of the store. */
function everything(): Record<string, unknown[]> {
  const d = new Database(db, { readonly: true });
  try {
    const tables = d.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all() as string[];
    return Object.fromEntries(tables.map((t) => [t, d.prepare(`SELECT * FROM "${t}"`).all()]));
  } finally {
    d.close();
  }
}

const original = readFileSync(join(SOPS, 'pengecualian-smki.yaml'), 'utf8');
/** Revision 2, in which the approver (Kepala Bidang Persandian) became a person of the case: whoever starts could approve. */
const forged = original.replace('revision: 1', 'revision: 2').replace('    name: Kepala Bidang Persandian\n', '    name: Kepala Bidang Persandian\n    kind: case\n');

beforeAll(() => {
  expect(forged).toContain('    kind: case\n    description: Pihak');
  expect(forged.split('kind: case').length).toBe(3);
  dir = tempDir('sop-folder-');
  sops = join(dir, 'sops');
  db = join(dir, 'sop.db');
  mkdirSync(sops);
  for (const f of ['pengecualian-smki.yaml', 'calendar.yaml']) copyFileSync(join(SOPS, f), join(sops, f));
  for (const args of [
    ['init', '--admin', 'admin'],
    ['publish', '--all'],
    ['user', 'add', 'sari', '--login', 'sari'],
    ['user', 'add', 'andi', '--login', 'andi', '--role', 'pengelola-tim-teknis'],
  ]) {
    const r = run('admin', ...args);
    expect(r.code, r.stderr).toBe(0);
  }
  ({ id } = json<{ id: string }>('sari', 'start', 'pengecualian-smki'));
  published = json<{ definitionHash: string }>('sari', 'status', id).definitionHash;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Given an instance of a published SOP, and the SOP folder it was published from', () => {
  it('when the SOP file is edited (revision 2, the approver a person of the case), then status notes nothing and sop start still starts revision 1', () => {
    writeFileSync(join(sops, 'pengecualian-smki.yaml'), forged);
    expect(run('admin', 'validate', join(sops, 'pengecualian-smki.yaml')).code).toBe(0);
    expect(json<{ newerRevision: unknown }>('sari', 'status', id).newerRevision).toBeNull();
    const other = json<{ id: string }>('sari', 'start', 'pengecualian-smki').id;
    expect(json('sari', 'status', other)).toMatchObject({ revision: 1, definitionHash: published, assignments: { pemohon: 'sari' } });
  });

  it('when the operator who edited it publishes it, then it is auth.not-maintainer (exit 1) and nothing is written', () => {
    const before = everything();
    const r = run('sari', 'publish', 'pengecualian-smki');
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toMatch(/only a maintainer or an administrator may publish SOPs; "sari" is neither \[auth\.not-maintainer\]$/);
    expect(r.stderr).toContain('hint: an administrator gives the right: sop user rights sari --maintainer');
    expect(everything()).toEqual(before);
  });

  it('when the calendar file is edited (the office starts at 10:00 on Mondays), then due times do not change', () => {
    const due = json<{ current: { dueAt: string }[] }>('sari', 'status', id).current[0]!.dueAt;
    const file = join(sops, 'calendar.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('monday:    ["07:30-12:00", "13:00-16:00"]', 'monday:    ["10:00-12:00", "13:00-16:00"]'));
    expect(json<{ current: { dueAt: string }[] }>('sari', 'status', id).current[0]!.dueAt).toBe(due);
  });

  it('when another process holds the write lock, then status, tasks, list and history answer: reading writes nothing', () => {
    const blocker = new Database(db);
    blocker.prepare('BEGIN IMMEDIATE').run();
    try {
      for (const [login, args] of [
        ['sari', ['status', id]],
        ['andi', ['tasks']],
        ['sari', ['list']],
        ['sari', ['history', id]],
      ] as const) {
        const r = run(login, ...args, '--json');
        expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      }
    } finally {
      blocker.prepare('ROLLBACK').run();
      blocker.close();
    }
  });
});

describe('Given SOP pengelolaan-akses-pengguna, which names implementasi-security-patch as a related SOP', () => {
  it('when both are published and the related SOP file is then removed, then sop start still starts it; publishing from that folder is refused as the file check would, and writes nothing', () => {
    const folder = join(dir, 'related');
    mkdirSync(folder);
    for (const f of ['pengelolaan-akses-pengguna.yaml', 'implementasi-security-patch.yaml']) copyFileSync(join(SOPS, f), join(folder, f));
    const inFolder = (login: string, ...args: string[]) => sop([...args, '--db', db, '--sops', folder], { cwd: dir, login });
    expect(inFolder('admin', 'publish', '--all').code).toBe(0);
    expect(inFolder('sari', 'start', 'pengelolaan-akses-pengguna').code).toBe(0);
    rmSync(join(folder, 'implementasi-security-patch.yaml'));
    expect(inFolder('sari', 'start', 'pengelolaan-akses-pengguna').code).toBe(0);
    rmSync(folder, { recursive: true });
    expect(inFolder('sari', 'start', 'pengelolaan-akses-pengguna').code).toBe(0);
    // The maintainer's side: the file check refuses what no longer holds together.
    mkdirSync(folder);
    copyFileSync(join(SOPS, 'pengelolaan-akses-pengguna.yaml'), join(folder, 'pengelolaan-akses-pengguna.yaml'));
    const before = everything();
    const refused = inFolder('admin', 'publish', 'pengelolaan-akses-pengguna', '--effective', '2026-01-01');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('[sop.invalid]');
    expect(refused.stderr).toContain('ref.unknown-sop');
    expect(everything()).toEqual(before);
  });
});

describe('Given the edited SOP and calendar published by a maintainer', () => {
  it('then new instances start with revision 2 and the running ones keep revision 1 (due times in the new calendar, with a pinned clock: tests/trust/sop-folder.test.ts)', () => {
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Makassar' }).format(new Date());
    const r = run('admin', 'publish', 'pengecualian-smki', '--calendar', '--effective', today);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^published pengecualian-smki revision 2, in effect from ${today} \\([0-9a-f]{12}\\)\\npublished the office calendar \\([0-9a-f]{12}\\)\\n$`));
    expect(json('sari', 'status', id)).toMatchObject({ revision: 1, definitionHash: published, newerRevision: { revision: 2 } });
    const other = json<{ id: string }>('sari', 'start', 'pengecualian-smki').id;
    expect(json('sari', 'status', other)).toMatchObject({ revision: 2, newerRevision: null });
    const verified = json<{ ok: boolean }>('admin', 'verify');
    expect(verified.ok).toBe(true);
  });
});
