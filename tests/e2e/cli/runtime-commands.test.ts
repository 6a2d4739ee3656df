/**
 * Every operator command, run once as a user runs it: the built CLI as a
 * child process on a temp database. Each person runs it as their own OS
 * login, bound to them (stood in for by os-login-preload.cjs: { login }).
 */
import { describe, expect, it, beforeAll } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sop, tempDir, SOPS, STACK_TRACE } from '../../helpers/cli.js';

describe('Given a new office database', () => {
  const dir = tempDir();
  const db = join(dir, 'kantor.db');
  /** `sop args` run by the OS login `login` (the administrator's, kepala, unless said). */
  const run = (args: string[], login = 'kepala', input?: string) => sop(['--db', db, '--sops', SOPS, ...args], { login, ...(input === undefined ? {} : { input }) });
  let id = '';

  beforeAll(() => {
    const init = run(['init', '--admin', 'kepala']);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain('created the database with administrator "kepala", bound to the OS login kepala');
    const published = run(['publish', '--all']);
    expect(published.code, published.stderr).toBe(0);
  });

  it('sop init refuses a second time', () => {
    const r = run(['init', '--admin', 'lain']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[store.not-empty]');
  });

  it('sop publish prints what it published', () => {
    // Published already (beforeAll): the same again changes nothing, and says what is in effect.
    const r = run(['publish', 'pengecualian-smki']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^published pengecualian-smki revision 1, in effect from 2025-08-04 \([0-9a-f]{12}\)\n$/);
  });

  it('sop user add / grant / revoke / set-roles / remove / list', () => {
    expect(run(['user', 'add', 'rina', '--login', 'rina', '--role', 'kepala-bidang-persandian']).code).toBe(0);
    expect(run(['user', 'add', 'tono', '--login', 'tono', '--role', 'pengelola-tim-teknis,administrator']).code).toBe(0);
    expect(run(['user', 'add', 'budi', '--login', 'budi']).stdout).toBe('added budi, login budi: no roles\n');
    expect(run(['user', 'add', 'sementara', '--role', 'administrator']).code).toBe(0);
    expect(run(['user', 'grant', 'sementara', 'kepala-bidang-aptika']).stdout).toBe('sementara: administrator, kepala-bidang-aptika\n');
    expect(run(['user', 'revoke', 'sementara', 'administrator']).stdout).toBe('sementara: kepala-bidang-aptika\n');
    expect(run(['user', 'set-roles', 'sementara', 'administrator']).stdout).toBe('sementara: administrator\n');
    expect(run(['user', 'remove', 'sementara']).code).toBe(0);
    const list = JSON.parse(run(['user', 'list', '--json']).stdout);
    expect(list.map((u: { name: string }) => u.name)).toEqual(['budi', 'kepala', 'rina', 'tono']);
    expect(list.find((u: { name: string }) => u.name === 'tono')).toMatchObject({ admin: false, maintainer: false, login: 'tono', roles: ['administrator', 'pengelola-tim-teknis'] });
    expect(list.find((u: { name: string }) => u.name === 'kepala')).toEqual({
      name: 'kepala',
      admin: true,
      maintainer: true,
      login: 'kepala',
      roles: [],
      profile: { fullName: null, nip: null, jabatan: null },
      createdAt: expect.any(String),
    });
    expect(run(['user', 'list']).stdout).toMatch(/^USER\s+RIGHTS\s+LOGIN\s+ROLES$/m);
    expect(run(['user', 'list']).stdout).toMatch(/^kepala\s+admin, maintainer\s+kepala\s+-$/m);
    expect(run(['user', 'list']).stdout).toMatch(/^budi\s+budi\s+-$/m);
  });

  it('sop user bind / unbind / rights / profile', () => {
    expect(run(['user', 'add', 'dewi']).code).toBe(0);
    expect(run(['user', 'bind', 'dewi', 'dewi']).stdout).toBe('dewi: login dewi\n');
    expect(run(['user', 'rights', 'dewi', '--maintainer']).stdout).toBe('dewi: maintainer\n');
    expect(run(['user', 'profile', 'dewi', '--full-name', 'Dewi Lestari, S.T.', '--nip', '198703152010012003'], 'dewi').stdout).toBe('dewi: Dewi Lestari, S.T., NIP 198703152010012003\n');
    expect(JSON.parse(run(['user', 'rights', 'dewi', '--no-maintainer', '--json']).stdout)).toMatchObject({
      name: 'dewi',
      admin: false,
      maintainer: false,
      login: 'dewi',
      profile: { fullName: 'Dewi Lestari, S.T.', nip: '198703152010012003', jabatan: null },
    });
    expect(run(['user', 'unbind', 'dewi']).stdout).toBe('dewi: no login\n');
    const gone = run(['user', 'profile', 'dewi', '--jabatan', 'Pranata Komputer'], 'dewi');
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('[auth.unknown-login]');
    expect(run(['user', 'remove', 'dewi']).code).toBe(0);
  });

  it('sop start prints the new id; --json gives {"id"}', () => {
    const r = run(['start', 'pengecualian-smki', '--title', 'Pengecualian SMKI untuk aplikasi e-Kinerja', '--json'], 'budi');
    expect(r.code).toBe(0);
    id = JSON.parse(r.stdout).id;
    expect(id).toMatch(/^\d{8}-[a-z2-9]{8}$/);
    const plain = run(['start', 'pengecualian-smki'], 'budi');
    expect(plain.stdout).toMatch(/^\d{8}-[a-z2-9]{8}\n$/);
  });

  it('sop status shows the current step, its actor, due time and outputs', () => {
    const s = JSON.parse(run(['status', id, '--json']).stdout);
    expect(s).toMatchObject({ id, sop: 'pengecualian-smki', revision: 1, status: 'active', outcome: null, version: 1, assignments: { pemohon: 'budi' }, newerRevision: null });
    expect(s.current).toHaveLength(1);
    expect(s.current[0]).toMatchObject({ step: 'pengajuan-permohonan', actor: 'pemohon', assignee: 'budi', timeStandard: '10 Menit', choices: [], overdue: false });
    expect(s.current[0].outputs).toEqual([{ id: 'surat-permohonan', name: 'Surat Permohonan', sensitive: false }]);
    expect(new Date(s.current[0].dueAt).getTime()).toBeGreaterThan(new Date(s.current[0].activatedAt).getTime());
    const text = run(['status', id]).stdout;
    expect(text).toContain('Current step 1 Pengajuan Permohonan');
    expect(text).toMatch(/due\s+\d{4}-\d\d-\d\d \d\d:\d\d WITA/);
  });

  it('sop tasks is the inbox of the person asking', () => {
    const mine = JSON.parse(run(['tasks', '--json'], 'budi').stdout);
    expect(mine.map((t: { instance: string }) => t.instance)).toContain(id);
    expect(JSON.parse(run(['tasks', '--json'], 'rina').stdout)).toEqual([]);
    const all = JSON.parse(run(['tasks', '--all', '--json'], 'rina').stdout);
    expect(all.length).toBe(2);
    expect(run(['tasks'], 'budi').stdout).toMatch(/^INSTANCE\s+SOP\s+STEP\s+ACTOR\s+DUE/);
  });

  it('sop advance completes the step with its output, from text and from a file', () => {
    const letter = join(dir, 'surat.txt');
    writeFileSync(letter, 'Surat Permohonan Pengecualian SMKI\n');
    const r = run(['advance', id, '--step', 'pengajuan-permohonan', '--output', `surat-permohonan=@${letter}`, '--note', 'Diajukan lewat surat resmi'], 'budi');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('completed pengajuan-permohonan');
    expect(r.stdout).toContain('next: step 2 Menganalisis Resiko Pengecualian (Pengelola/Tim Teknis)');
    const two = run(['advance', id, '--step', 'analisis-resiko', '--output', 'daftar-resiko=Risiko rendah; sistem terisolasi', '--json'], 'tono');
    expect(two.code).toBe(0);
    expect(JSON.parse(two.stdout).current[0]).toMatchObject({ step: 'persetujuan-permohonan', choices: ['setuju', 'tidak-setuju'] });
  });

  it('a decision takes --choice by id or by label', () => {
    const none = run(['advance', id, '--step', 'persetujuan-permohonan'], 'rina');
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('[choice.required]');
    const r = run(['advance', id, '--step', 'persetujuan-permohonan', '--choice', 'Setuju'], 'rina');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('completed persetujuan-permohonan (setuju)');
  });

  it('sop output reads a stored output back: to stdout, to a file, or as metadata', () => {
    expect(run(['output', id, 'surat-permohonan']).stdout).toBe('Surat Permohonan Pengecualian SMKI\n');
    const to = join(dir, 'kembali.txt');
    expect(run(['output', id, 'surat-permohonan', '--to', to]).code).toBe(0);
    expect(readFileSync(to, 'utf8')).toBe('Surat Permohonan Pengecualian SMKI\n');
    const again = run(['output', id, 'surat-permohonan', '--to', to]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists');
    const meta = JSON.parse(run(['output', id, 'daftar-resiko', '--json']).stdout);
    expect(meta).toMatchObject({ id: 'daftar-resiko', step: 'analisis-resiko', by: 'tono', size: Buffer.byteLength('Risiko rendah; sistem terisolasi') });
    expect(meta.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('sop list filters by SOP and status', () => {
    const all = JSON.parse(run(['list', '--json']).stdout);
    expect(all).toHaveLength(2);
    expect(JSON.parse(run(['list', '--status', 'completed', '--json']).stdout)).toEqual([]);
    expect(JSON.parse(run(['list', '--sop', 'pengecualian-smki', '--status', 'active', '--json']).stdout)).toHaveLength(2);
    expect(run(['list', '--status', 'done']).code).toBe(2);
    expect(run(['list']).stdout).toMatch(/^INSTANCE\s+SOP\s+STATUS/);
  });

  it('sop cancel needs a reason and the starter or an administrator', () => {
    const other = JSON.parse(run(['list', '--json']).stdout).find((i: { id: string }) => i.id !== id).id;
    const refused = run(['cancel', other, '--reason', 'salah input'], 'tono');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('[auth.not-allowed]');
    expect(run(['cancel', other], 'budi').code).toBe(2);
    const r = run(['cancel', other, '--reason', 'Permohonan ganda', '--json'], 'budi');
    expect(JSON.parse(r.stdout)).toEqual({ id: other, status: 'cancelled' });
    expect(JSON.parse(run(['status', other, '--json']).stdout)).toMatchObject({ status: 'cancelled', current: [] });
  });

  it('sop history shows who did what, the choice, the outputs and the refusals', () => {
    const h = JSON.parse(run(['history', id, '--json']).stdout);
    expect(h.entries.map((e: { type: string }) => e.type)).toEqual(['started', 'completed', 'completed', 'refused', 'completed']);
    const decision = h.entries[4];
    expect(decision).toMatchObject({ user: 'rina', role: 'kepala-bidang-persandian', step: 'persetujuan-permohonan', choice: 'setuju', choiceLabel: 'Setuju' });
    expect(decision.timing).toMatchObject({ standard: '10 Menit' });
    expect(h.entries[1]).toMatchObject({ note: 'Diajukan lewat surat resmi', outputs: [{ id: 'surat-permohonan', size: 35 }] });
    expect(h.entries[3].reason).toMatch(/^choice\.required: /);
    // A refused attempt was not made in any role.
    expect(h.entries[3]).toMatchObject({ type: 'refused', user: 'rina', role: null });
    const text = run(['history', id]).stdout;
    expect(text).toMatch(/REFUSED at step 3 Persetujuan\s+Permohonan\s+Pengecualian/);
    expect(text).toMatch(/choice\s+Setuju \(setuju\)/);
  });

  it('an unknown instance is refused with a hint, exit 1', () => {
    for (const cmd of [
      ['status', 'nope'],
      ['advance', 'nope'],
      ['history', 'nope'],
      ['output', 'nope', 'x'],
      ['cancel', 'nope', '--reason', 'x'],
    ]) {
      const r = run(cmd);
      expect(r.code, cmd.join(' ')).toBe(1);
      expect(r.stderr).toContain('[instance.unknown]');
      expect(r.stderr).toContain('hint: see sop list');
      expect(r.stderr).not.toMatch(STACK_TRACE);
    }
  });
});

describe('sop demo', () => {
  it('runs the main job on ./sop.db of the working folder, and again on the same database', () => {
    const cwd = tempDir();
    const first = sop(['demo', '--sops', SOPS], { cwd });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(existsSync(join(cwd, 'sop.db'))).toBe(true);
    expect(first.stdout).toContain('created sop.db with administrator demo-admin');
    expect(first.stdout).toMatch(/Status\s+completed \(selesai\), version 11/);
    expect(first.stdout).toContain('password-sementara: given (sensitive, not stored)');
    expect(first.stdout).toMatch(/choice\s+Disetujui \(disetujui\)/);
    const second = sop(['demo', '--sops', SOPS], { cwd });
    expect(second.code).toBe(0);
    expect(JSON.parse(sop(['list', '--json', '--sops', SOPS], { cwd }).stdout)).toHaveLength(2);
  });

  it("refuses to write into an office's own database", () => {
    const cwd = tempDir();
    expect(sop(['init', '--admin', 'kepala'], { cwd, login: 'kepala' }).code).toBe(0);
    const r = sop(['demo', '--sops', SOPS], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[demo.foreign-database]');
  });
});

describe('every command has --help', () => {
  const top = sop(['--help']).stdout;
  const commands = [...top.matchAll(/^ {2}([a-z-]+)(?:\|[a-z]+)?(?: \[options\]| <|\s)/gm)].map((m) => m[1]!).filter((c) => c !== 'help');

  it('lists the commands of both issues', () => {
    expect(commands).toEqual(expect.arrayContaining(['validate', 'catalog', 'show', 'init', 'user', 'publish', 'start', 'tasks', 'status', 'advance', 'list', 'cancel', 'output', 'history', 'demo']));
  });

  for (const c of [
    'validate',
    'catalog',
    'show',
    'init',
    'user',
    'user add',
    'user list',
    'user grant',
    'user revoke',
    'user set-roles',
    'user remove',
    'user bind',
    'user unbind',
    'user rights',
    'user profile',
    'publish',
    'start',
    'tasks',
    'status',
    'advance',
    'list',
    'cancel',
    'output',
    'history',
    'demo',
  ]) {
    it(`sop ${c} --help`, () => {
      const r = sop([...c.split(' '), '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: sop ${c}`));
    });
  }
});
