/**
 * The maintainers' tooling commands run as a user runs them: the built CLI
 * as a child process, on the seed SOPs and on temporary folders.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, sop, tempDir, STACK_TRACE } from '../../helpers/cli.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));

describe('sop graph', () => {
  it('Given a seed, When drawn as Mermaid (the default), Then it prints one subgraph per actor and exits 0', () => {
    const r = sop(['graph', 'pengelolaan-akses-pengguna']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^%% Pengelolaan Akses Pengguna \(B-015\/DISKOMINFO\/000\.8\.3\.3\/04\/2025\)\nflowchart TB\n/);
    expect(r.stdout.match(/^ {2}subgraph /gm)).toHaveLength(3);
    expect(r.stdout).toContain('  s3 -->|"Tidak disetujui"| e2');
  });

  it('Given --format dot --out <file>, Then the file holds DOT that Graphviz draws', () => {
    const out = join(tempDir(), 'smki.dot');
    const r = sop(['graph', 'pengecualian-smki', '--format', 'dot', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('wrote ');
    const svg = spawnSync('dot', ['-Tsvg', out], { encoding: 'utf8' });
    expect(svg.status).toBe(0);
    expect(svg.stdout).toContain('Pengajuan Permohonan');
  });

  it('Given an unknown format, Then it is a usage error (exit 2) naming the choices', () => {
    const r = sop(['graph', 'pengecualian-smki', '--format', 'png']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/mermaid, dot/);
  });

  it('Given an unknown SOP, Then it is refused (exit 1) with the known ids, and no stack trace', () => {
    const r = sop(['graph', 'tidak-ada']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[sop.not-found]');
    expect(r.stderr).toContain('known SOPs: implementasi-security-patch');
    expect(r.stderr).not.toMatch(STACK_TRACE);
  });
});

describe('sop paths', () => {
  it('Given a seed, Then the text lists each path with its end, total, actors and steps, marking the shortest and the longest', () => {
    const r = sop(['paths', 'pengecualian-smki']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Pengecualian Penerapan SMKI \(pengecualian-smki\)\n3 paths from the start to an end; /);
    expect(r.stdout).toMatch(/working day of 450\sworking minutes/);
    expect(r.stdout).toMatch(/^Path 1 -> Permohonan tidak disetujui \(ditolak\) \[shortest\]\n {2}Waktu total: 1 Jam 20 Menit$/m);
    expect(r.stdout).toMatch(/^Path 3 -> Selesai \(selesai\) \[longest, loop\]\n {2}Waktu total: 7 Hari \+ 1 Jam 25 Menit$/m);
    expect(r.stdout).toContain('Loop:        identifikasi-anomali -> implementasi-teknis, walked once');
    expect(r.stdout).toContain('Implementasi Teknis Pengecualian Keamanan Informasi (again)');
    expect(r.stdout).toContain('Kepala Bidang Persandian | 10 Menit | -> Tidak Setuju');
  });

  it('Given --json, Then the same paths are data', () => {
    const r = sop(['paths', 'implementasi-security-patch', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ sop: 'implementasi-security-patch', name: 'Implementasi Security Patch Sistem Elektronik', minutesPerDay: 450 });
    expect(out.paths.map((p: { total: { text: string } }) => p.total.text)).toEqual(['1 Jam 40 Menit', '2 Hari + 3 Jam 30 Menit', '3 Hari + 2 Jam', '5 Hari + 3 Jam 50 Menit']);
    expect(out.paths[0]).toMatchObject({ number: 1, end: { id: 'tidak-perlu', outcome: 'tidak-perlu' }, shortest: true, longest: false, loops: [], untimedSteps: 0 });
    expect(out.paths[0].steps[0]).toEqual({
      id: 'pemantauan-security-patch',
      number: '1',
      activity: 'Melakukan pemantauan/monitoring Security Patch',
      actor: 'administrator',
      actorName: 'Administrator',
      time: { amount: 10, unit: 'minute' },
      timeText: '10 Menit',
      choice: null,
      again: false,
    });
    expect(out.paths[3].loops).toEqual([{ from: 'implementasi-security-patch', to: 'perencanaan-implementasi', label: 'Terjadi Anomali' }]);
    expect(out.paths[3].actors.map((a: { id: string }) => a.id)).toEqual(['administrator', 'pengelola-tim-teknis', 'kepala-bidang-persandian']);
  });

  it('Given an SOP with too many paths, Then it is refused (exit 1) with a hint', () => {
    const dir = tempDir();
    const steps = Array.from({ length: 14 }, (_, i) => {
      const next = i === 13 ? 'selesai' : `k${i + 1}`;
      return `  - { id: k${i}, number: ${i + 1}, activity: Keputusan ${i + 1}, actor: petugas, time: 5 Menit, exits: [{ label: Ya, to: ${next} }, { label: Tidak, to: ${next} }] }`;
    });
    writeFileSync(
      join(dir, 'banyak.yaml'),
      `id: banyak\nrevision: 1\nidentity: { agency: A, unit: U, number: N, name: Banyak, createdOn: 2025-01-01, effectiveOn: 2025-01-01 }\nactors: [{ id: petugas, name: Petugas }]\nsteps:\n${steps.join('\n')}\nends: [{ id: selesai, outcome: selesai }]\n`,
    );
    const r = sop(['--sops', dir, 'paths', 'banyak']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[paths.too-many]');
    expect(r.stderr).toContain('hint: ');
  });
});

describe('sop render', () => {
  it('Given a seed, When rendered (HTML by default) to a file, Then the file is the document, and stdout says where it went', () => {
    const out = join(tempDir(), 'smki.html');
    const r = sop(['render', 'pengecualian-smki', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^wrote .*smki\.html\n$/);
    const html = readFileSync(out, 'utf8');
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('<title>SOP Pengecualian Penerapan SMKI – B-434/DISKOMINFO/000.6/08/2025</title>');
    expect(html).toContain('Identifikasi Anomali');
  });

  it('Given --format md, Then the Markdown goes to stdout', () => {
    const r = sop(['render', 'implementasi-security-patch', '--format', 'md']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^# PEMERINTAH KABUPATEN KUTAI KARTANEGARA\n/);
    // Administrator, Pengelola/Tim Teknis, Kepala Bidang Persandian: the diamond in the middle column.
    expect(r.stdout).toContain('| 6 | Implementasi Security Patch |  | `< >` ↓ Tidak Terjadi →B Terjadi Anomali |  |');
    expect(r.stdout).toContain('| 2 | Membuat perencanaan Implementasi Security Patch | B→ `[ ]` ↓ |  |  |');
  });

  it('Given --out in a folder that does not exist, Then it is refused (exit 1) with what to do', () => {
    const r = sop(['render', 'pengecualian-smki', '--out', join(tempDir(), 'tidak', 'ada.html')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[file.unwritable]');
    expect(r.stderr).toContain('its folder does not exist');
  });
});

describe('sop new', () => {
  it('Given an existing SOP id, Then it refuses to overwrite (exit 1) and leaves the file as it was', () => {
    const dir = tempDir();
    const file = join(dir, 'pengecualian-smki.yaml');
    writeFileSync(file, 'id: pengecualian-smki\n');
    const r = sop(['--sops', dir, 'new', 'pengecualian-smki']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[sop.exists]');
    expect(readFileSync(file, 'utf8')).toBe('id: pengecualian-smki\n');
  });

  it('Given an id that cannot name an SOP file, Then it is refused (exit 1) with an example of a good one, and nothing is written', () => {
    const dir = tempDir();
    for (const bad of ['Izin_Usaha', 'calendar', '../luar']) {
      const r = sop(['--sops', dir, 'new', bad]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('[sop.invalid-id]');
    }
    expect(existsSync(join(dir, 'calendar.yaml'))).toBe(false);
    expect(existsSync(join(dir, '..', 'luar.yaml'))).toBe(false);
  });
});

describe('sop validate shows lint warnings', () => {
  it('Given a folder with an SOP that has a lint finding, Then validate passes (exit 0) and prints the warning at its line:col; --strict fails', () => {
    const dir = tempDir();
    copyFileSync(join(FIXTURES, 'lint', 'lint-unused-actor.yaml'), join(dir, 'lint-unused-actor.yaml'));
    const r = sop(['validate', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/lint-unused-actor\.yaml:21:9 warning lint\.unused-actor actors\[2\]\.id: actor "kepala-dinas"/);
    expect(sop(['validate', '--strict', dir]).code).toBe(1);
    const json = JSON.parse(sop(['validate', '--json', dir]).stdout);
    expect(json.files[0].problems.map((p: { code: string }) => p.code)).toContain('lint.unused-actor');
  });

  it('Given a folder of SOPs whose keterkaitan form a cycle, Then validate warns in each file of the cycle', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'sops'));
    for (const f of ['siklus-a.yaml', 'siklus-b.yaml']) copyFileSync(join(FIXTURES, 'lint', 'related-cycle', f), join(dir, 'sops', f));
    const r = sop(['validate'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('sops/siklus-a.yaml:17:10 warning lint.related-cycle related[1].sop: keterkaitan forms a cycle: siklus-a -> siklus-b -> siklus-a');
    expect(r.stdout).toContain('sops/siklus-b.yaml:17:10 warning lint.related-cycle related[1].sop: keterkaitan forms a cycle: siklus-b -> siklus-a -> siklus-b');
  });
});

describe('sop schema', () => {
  const published = (name: string) => JSON.parse(readFileSync(join(ROOT, 'schemas', name), 'utf8')) as Record<string, unknown>;

  it('Given no option, Then it prints the SOP schema, the one published in schemas/, with $id urn:sop:schemas:sop:1', () => {
    const r = sop(['schema']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.stdout);
    expect(printed.$id).toBe('urn:sop:schemas:sop:1');
    expect(printed).toEqual(published('sop.schema.json'));
  });

  it('Given --for calendar, Then it prints the calendar schema, with $id urn:sop:schemas:calendar:1', () => {
    const r = sop(['schema', '--for', 'calendar']);
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.stdout);
    expect(printed.$id).toBe('urn:sop:schemas:calendar:1');
    expect(printed).toEqual(published('calendar.schema.json'));
  });

  it('Given --id, Then it prints only the $id', () => {
    expect(sop(['schema', '--id'])).toMatchObject({ code: 0, stdout: 'urn:sop:schemas:sop:1\n', stderr: '' });
    expect(sop(['schema', '--for', 'calendar', '--id'])).toMatchObject({ code: 0, stdout: 'urn:sop:schemas:calendar:1\n', stderr: '' });
  });

  it('Given --out <file>, Then the file holds the schema and stdout says where it went', () => {
    const dir = tempDir();
    const out = join(dir, 'sop.schema.json');
    const r = sop(['schema', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^wrote .*sop\.schema\.json\n$/);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(published('sop.schema.json'));
    const calendar = join(dir, 'calendar.schema.json');
    expect(sop(['schema', '--for', 'calendar', '--out', calendar]).code).toBe(0);
    expect(JSON.parse(readFileSync(calendar, 'utf8'))).toEqual(published('calendar.schema.json'));
  });

  it('Given an unknown --for, Then it is a usage error (exit 2) naming the choices; sop schema --help explains the $id', () => {
    const r = sop(['schema', '--for', 'kalender']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/sop, calendar/);
    const help = sop(['schema', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: sop schema \[options\]/);
    expect(help.stdout).toContain('urn:sop:schemas:sop:1');
  });
});

describe('--help', () => {
  it.each(['graph', 'paths', 'render', 'new'])('sop %s --help explains the command and exits 0', (command) => {
    const r = sop([command, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: sop ${command} \\[options\\] <id>`));
  });

  it('sop --help lists the new commands', () => {
    const r = sop(['--help']);
    for (const command of ['graph', 'paths', 'new', 'render', 'schema']) expect(r.stdout).toMatch(new RegExp(`^ {2}${command} `, 'm'));
  });
});
