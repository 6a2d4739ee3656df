/**
 * The maintainer's guide, end to end, as a maintainer does it: `sop new`,
 * `sop validate`, the skeleton filled in with a text editor, `sop publish`
 * (how the maintainer's work reaches the office), then an instance of the
 * new SOP run to its end by the people of the office, each as their own OS
 * login. Only the built CLI and a YAML file are used: no code changes.
 */
import { describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sop, tempDir } from '../../helpers/cli.js';

describe('From sop new to a running instance', () => {
  const dir = tempDir('sop-new-');
  const sops = join(dir, 'sops');
  const db = join(dir, 'kantor.db');
  const file = join(sops, 'izin-penelitian.yaml');
  /** `sop args` run by the OS login `login` (the maintainer's, dian, unless said). */
  const run = (args: string[], login = 'dian') => sop(['--sops', sops, '--db', db, ...args], { cwd: dir, login });
  let id = '';

  it('Given an empty SOP folder, When the maintainer runs sop new, Then the skeleton is written and validates with no warning', () => {
    const noFolder = run(['new', 'izin-penelitian']);
    expect(noFolder.code).toBe(1);
    expect(noFolder.stderr).toContain('[sops.unreadable]');
    mkdirSync(sops);
    const made = run(['new', 'izin-penelitian', '--name', 'Pelayanan Izin Penelitian']);
    expect(made.code).toBe(0);
    expect(made.stdout).toContain('wrote sops/izin-penelitian.yaml');
    const checked = run(['validate', '--strict']);
    expect(checked.code).toBe(0);
    expect(checked.stdout).toContain('ok: 1 file(s) checked: 1 valid, 0 invalid; 0 error(s), 0 warning(s)');
  });

  it('When the maintainer fills it in (their office, a third actor, a new row, a loop back for a fix), Then it still validates with no warning', () => {
    let text = readFileSync(file, 'utf8');
    const edits: [string, string][] = [
      ['agency: Pemerintah Kabupaten Contoh', 'agency: Pemerintah Kabupaten Kutai Kartanegara'],
      ['unit: Dinas Contoh', 'unit: Badan Kesatuan Bangsa dan Politik'],
      ['number: B-000/DINAS/000.0/00/0000', 'number: B-101/KESBANGPOL/000.9/11/2026'],
      ['    name: Petugas Layanan\n', '    name: Petugas Layanan\n  - id: kepala-badan\n    name: Kepala Badan\n'],
      // The positive exit now goes to the signature of the head of office, a new row 3.
      ['      - label: Lengkap\n        to: penyelesaian', '      - label: Lengkap\n        to: penandatanganan\n      - label: Perlu Perbaikan\n        to: pengajuan'],
      [
        '  - id: penyelesaian\n    number: 3',
        '  - id: penandatanganan\n    number: 3\n    activity: Penandatanganan surat izin penelitian\n    actor: kepala-badan\n    requirements: [Konsep surat izin]\n    time: 1 Hari\n    outputs: []\n\n  - id: penyelesaian\n    number: 4',
      ],
      ['      - id: surat-hasil\n        name: Surat Hasil\n', '      - id: surat-izin-penelitian\n        name: Surat Izin Penelitian\n'],
    ];
    for (const [from, to] of edits) {
      expect(text).toContain(from);
      text = text.replace(from, to);
    }
    writeFileSync(file, text);
    const checked = run(['validate', '--strict', file]);
    expect(checked.stdout).toContain('0 error(s), 0 warning(s)');
    expect(checked.code).toBe(0);
    const paths = JSON.parse(run(['paths', 'izin-penelitian', '--json']).stdout);
    expect(paths.paths.map((p: { steps: { number: string }[] }) => p.steps.map((s) => s.number).join(','))).toEqual(['1,2', '1,2,1,2', '1,2,3,4', '1,2,1,2,3,4']);
  });

  it('When the office is set up, Then the new SOP can be started only once the maintainer has published it', () => {
    expect(run(['init', '--admin', 'admin'], 'admin').code).toBe(0);
    expect(run(['user', 'add', 'dian', '--login', 'dian', '--maintainer'], 'admin').code).toBe(0);
    expect(run(['user', 'add', 'peneliti', '--login', 'peneliti'], 'admin').code).toBe(0);
    // Not published: nothing to start, and its roles are no roles of the office yet.
    const early = run(['start', 'izin-penelitian'], 'peneliti');
    expect(early.code).toBe(1);
    expect(early.stderr).toContain('[sop.not-published]');
    expect(run(['user', 'add', 'sari', '--login', 'sari', '--role', 'petugas'], 'admin').stderr).toContain('[role.unknown]');
    // Only a maintainer (or an administrator) publishes.
    const notHis = run(['publish', 'izin-penelitian'], 'peneliti');
    expect(notHis.code).toBe(1);
    expect(notHis.stderr).toContain('[auth.not-maintainer]');
    const published = run(['publish', 'izin-penelitian']);
    expect(published.stderr).toBe('');
    expect(published.stdout).toMatch(/^published izin-penelitian revision 1, in effect from \d{4}-\d\d-\d\d \([0-9a-f]{12}\)\n$/);
  });

  it('When the office registers its people and starts an instance, Then each step is done by its actor through to the end', () => {
    expect(run(['user', 'add', 'sari', '--login', 'sari', '--role', 'petugas'], 'admin').code).toBe(0);
    expect(run(['user', 'add', 'kepala', '--login', 'kepala', '--role', 'kepala-badan'], 'admin').code).toBe(0);

    const started = run(['start', 'izin-penelitian', '--title', 'Izin penelitian skripsi', '--json'], 'peneliti');
    expect(started.stderr).toBe('');
    id = JSON.parse(started.stdout).id;

    const steps: [string, string[], string][] = [
      ['peneliti', ['--output', 'surat-permohonan=Permohonan izin penelitian di 3 kecamatan'], 'pengajuan'],
      ['sari', ['--choice', 'Perlu Perbaikan'], 'pemeriksaan'],
      ['peneliti', ['--output', 'surat-permohonan=Permohonan izin penelitian, lampiran proposal'], 'pengajuan'],
      ['sari', ['--choice', 'Lengkap'], 'pemeriksaan'],
      ['kepala', [], 'penandatanganan'],
      ['sari', ['--output', 'surat-izin-penelitian=Surat izin nomor 070/123'], 'penyelesaian'],
    ];
    for (const [who, args, step] of steps) {
      const r = run(['advance', id, '--step', step, ...args], who);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
    const status = JSON.parse(run(['status', id, '--json']).stdout);
    expect(status).toMatchObject({ sop: 'izin-penelitian', sopName: 'Pelayanan Izin Penelitian', status: 'completed', outcome: 'selesai', current: [] });
    expect(run(['output', id, 'surat-izin-penelitian']).stdout).toBe('Surat izin nomor 070/123');
    const history = JSON.parse(run(['history', id, '--json']).stdout);
    expect(history.entries.filter((e: { type: string }) => e.type === 'completed').map((e: { user: string }) => e.user)).toEqual(['peneliti', 'sari', 'peneliti', 'sari', 'kepala', 'sari']);
  });

  it('Then the new SOP renders as its document and draws as a flowchart', () => {
    const html = run(['render', 'izin-penelitian']);
    expect(html.code).toBe(0);
    expect(html.stdout).toContain('Penandatanganan surat izin penelitian');
    expect(run(['graph', 'izin-penelitian']).stdout).toContain('subgraph lane3["Kepala Badan"]');
  });
});
