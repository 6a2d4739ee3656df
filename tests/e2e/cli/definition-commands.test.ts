/**
 * The maintainers' commands of the definition layer, run as a user runs
 * them: the built CLI as a child process.
 */
import { describe, expect, it, beforeAll } from 'vitest';
import { writeFileSync, mkdirSync, copyFileSync, readFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { sop, tempDir, SOPS, STACK_TRACE } from '../../helpers/cli.js';
import { hostileCases } from '../../helpers/hostile-files.js';

const SEEDS = ['implementasi-security-patch', 'pengecualian-smki', 'pengelolaan-akses-pengguna'];

describe('sop validate', () => {
  it('Given the seed SOPs, when validated with no arguments, then all are valid (exit 0)', () => {
    const r = sop(['validate']);
    expect(r.code).toBe(0);
    // Three SOPs and the office calendar beside them.
    expect(r.stdout).toContain('ok: 4 file(s) checked: 4 valid, 0 invalid; 0 error(s), 1 warning(s)');
    // The second document prints two rows numbered 6: a warning, not an error.
    expect(r.stdout).toMatch(/^sops\/implementasi-security-patch\.yaml:\d+:\d+ warning step\.duplicate-number /m);
  });

  it('--strict fails on that warning (exit 1)', () => {
    expect(sop(['validate', '--strict']).code).toBe(1);
  });

  it('--json prints the problems as data', () => {
    const r = sop(['validate', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ valid: true, errors: 0, warnings: 1 });
    expect(
      out.files
        .map((f: { id: string }) => f.id)
        .filter(Boolean)
        .sort(),
    ).toEqual(SEEDS);
    expect(out.files.map((f: { file: string }) => f.file)).toContain('sops/calendar.yaml');
    const warning = out.files.flatMap((f: { problems: unknown[] }) => f.problems)[0];
    expect(warning).toMatchObject({ code: 'step.duplicate-number', severity: 'warning', path: 'steps[6].number' });
    expect(warning.line).toBeGreaterThan(0);
  });

  describe('Given an SOP with several mistakes', () => {
    let dir: string;
    beforeAll(() => {
      dir = tempDir();
      const text = readFileSync(join(SOPS, 'pengecualian-smki.yaml'), 'utf8')
        .replace('    actor: pemohon\n', '    actor: pemohn\n')
        .replace('    time: 60 Menit\n', '    time: sejam\n')
        .replace('      - { label: Tidak Setuju, to: ditolak }', '      - { label: Tidak Setuju, to: ditolakk }');
      writeFileSync(join(dir, 'pengecualian-smki.yaml'), text);
    });

    it('reports every problem at once as file:line:col CODE message, and exits 1', () => {
      const r = sop(['validate', dir]);
      expect(r.code).toBe(1);
      const lines = r.stdout.trim().split('\n');
      const codes = lines.filter((l) => /:\d+:\d+ /.test(l)).map((l) => l.split(' ')[1]);
      expect(codes).toEqual(['ref.unknown-actor', 'time.invalid', 'ref.unknown-target']);
      expect(r.stdout).toMatch(/pengecualian-smki\.yaml:\d+:12 ref\.unknown-actor steps\[0\]\.actor: actor "pemohn" is not declared in actors; did you mean "pemohon"\?/);
      expect(r.stdout).toMatch(/did you mean "ditolak"\?/);
      expect(lines.at(-1)).toMatch(/^FAILED: 1 file\(s\) checked: 0 valid, 1 invalid; 3 error\(s\)/);
    });
  });

  it('refuses a path that does not exist (exit 1), naming it', () => {
    const r = sop(['validate', 'no/such/file.yaml']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('no/such/file.yaml file.not-found');
  });

  it('ends a usage error with exit 2', () => {
    const r = sop(['validate', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--bogus'");
  });
});

// How long each takes is measured by the benchmark (npm run bench, 6b), not here: a test's speed is the machine's.
describe('Each hostile input: exit 1, the file named, no stack trace', () => {
  const dir = tempDir('sop-hostile-');
  for (const c of hostileCases()) {
    it(c.name, () => {
      const file = join(dir, `${c.name}.yaml`);
      writeFileSync(file, c.content);
      const r = sop(['validate', file, '--json']);
      expect(r.code).toBe(1);
      expect(r.stderr).not.toMatch(STACK_TRACE);
      expect(r.stdout).not.toMatch(STACK_TRACE);
      const out = JSON.parse(r.stdout);
      const problem = out.files[0].problems.find((p: { severity: string }) => p.severity === 'error');
      expect(problem.file).toContain(`${c.name}.yaml`);
      expect(problem.code).toMatch(c.code);
      // And the text form names the file too.
      const text = sop(['validate', file]);
      expect(text.stdout).toContain(`${c.name}.yaml`);
    });
  }
});

describe('sop catalog', () => {
  it('lists each SOP with its nomor, nama, steps, actors and total time standard', () => {
    const r = sop(['catalog']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('pengecualian-smki  B-434/DISKOMINFO/000.6/08/2025');
    expect(r.stdout).toContain('8 langkah, waktu total 5 Hari + 1 Jam 25 Menit');
    expect(r.stdout).toContain('7 langkah, waktu total 3 Hari + 2 Jam');
    expect(r.stdout).toContain('10 langkah, waktu total 1 Jam 35 Menit');
    expect(r.stdout).toContain('Pelaksana: Kepala Bidang Aptika, Administrator, Pengguna');
  });

  it('--json gives the same as data', () => {
    const r = sop(['catalog', '--json']);
    const out = JSON.parse(r.stdout);
    expect(out.invalid).toEqual([]);
    const smki = out.sops.find((s: { id: string }) => s.id === 'pengecualian-smki');
    expect(smki).toMatchObject({ number: 'B-434/DISKOMINFO/000.6/08/2025', steps: 8, revision: 1, totalTime: { days: 5, minutes: 85 } });
    expect(smki.actors.map((a: { id: string }) => a.id)).toEqual(['pemohon', 'pengelola-tim-teknis', 'kepala-bidang-persandian']);
  });

  it('names an invalid file on stderr and exits 1, still listing the valid ones', () => {
    const dir = tempDir();
    copyFileSync(join(SOPS, 'pengecualian-smki.yaml'), join(dir, 'pengecualian-smki.yaml'));
    writeFileSync(join(dir, 'broken.yaml'), 'id: broken\n');
    const r = sop(['catalog', '--sops', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('pengecualian-smki');
    expect(r.stderr).toMatch(/broken\.yaml is not a valid SOP .* run: sop validate /);
  });
});

describe('--sops and SOP_DIR point every command at another folder', () => {
  const dir = tempDir();
  mkdirSync(join(dir, 'other'));
  copyFileSync(join(SOPS, 'pengelolaan-akses-pengguna.yaml'), join(dir, 'other', 'pengelolaan-akses-pengguna.yaml'));
  copyFileSync(join(SOPS, 'implementasi-security-patch.yaml'), join(dir, 'other', 'implementasi-security-patch.yaml'));

  it('--sops', () => {
    const r = sop(['catalog', '--json', '--sops', join(dir, 'other')]);
    expect(JSON.parse(r.stdout).sops.map((s: { id: string }) => s.id)).toEqual(['implementasi-security-patch', 'pengelolaan-akses-pengguna']);
    expect(sop(['show', 'pengecualian-smki', '--sops', join(dir, 'other')]).code).toBe(1);
  });

  it('a broken calendar beside the SOPs fails validation, located', () => {
    const withCalendar = tempDir();
    copyFileSync(join(SOPS, 'pengecualian-smki.yaml'), join(withCalendar, 'pengecualian-smki.yaml'));
    writeFileSync(join(withCalendar, 'calendar.yaml'), 'timeZone: Asia/Makasar\nworkingHours:\n  monday: ["08:00-16:00"]\n');
    const r = sop(['validate', '--sops', withCalendar]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/calendar\.yaml:1:11 calendar\.time-zone timeZone: unknown time zone "Asia\/Makasar"; did you mean "Asia\/Makassar"\?/);
  });

  it('SOP_DIR', () => {
    const r = sop(['validate', '--json'], { env: { SOP_DIR: join(dir, 'other') } });
    expect(JSON.parse(r.stdout).files).toHaveLength(2);
    expect(sop(['show', 'pengelolaan-akses-pengguna'], { env: { SOP_DIR: join(dir, 'other') } }).code).toBe(0);
  });

  it('a related SOP id that is not in the folder is an error there', () => {
    const lone = tempDir();
    copyFileSync(join(SOPS, 'pengelolaan-akses-pengguna.yaml'), join(lone, 'pengelolaan-akses-pengguna.yaml'));
    const r = sop(['validate', '--sops', lone]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/ref\.unknown-sop related\[2\]\.sop: no SOP with id "implementasi-security-patch"/);
  });

  it('a missing or unreadable SOP folder is a clear error (exit 1)', () => {
    const r = sop(['show', 'x', '--sops', join(dir, 'missing')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the SOP folder .*missing cannot be read: no such file or folder \[sops\.unreadable\]/);
    expect(r.stderr).toContain('hint: ');
    const locked = join(dir, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o000);
    const v = sop(['validate', locked]);
    // root can read anything; the check only bites for ordinary users.
    if (process.getuid?.() !== 0) expect(v.stdout).toContain('file.unreadable');
    chmodSync(locked, 0o755);
  });
});

describe('sop show errors', () => {
  it('an unknown SOP id names the known ones (exit 1)', () => {
    const r = sop(['show', 'pengecualian']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no SOP "pengecualian" in');
    expect(r.stderr).toContain('hint: known SOPs: implementasi-security-patch, pengecualian-smki, pengelolaan-akses-pengguna');
  });

  it('an invalid SOP lists its problems and says how to see them', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'rusak.yaml'), 'id: rusak\nrevision: 0\n');
    const r = sop(['show', 'rusak', '--sops', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/rusak\.yaml is not a valid SOP \[sop\.invalid\]/);
    expect(r.stderr).toMatch(/rusak\.yaml:2:11 schema\.minimum revision: must be 1 or more/);
    expect(r.stderr).not.toMatch(STACK_TRACE);
  });

  it('a bad --width is a usage error (exit 2)', () => {
    expect(sop(['show', 'pengecualian-smki', '--width', 'lebar']).code).toBe(2);
  });
});

describe('help and usage', () => {
  for (const cmd of [[], ['validate'], ['catalog'], ['show']]) {
    it(`sop ${cmd.join(' ')} --help exits 0 and describes the command`, () => {
      const r = sop([...cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Usage: sop/);
    });
  }

  it('no arguments prints help and exits 2', () => {
    const r = sop([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('Usage: sop');
  });

  it('an unknown command suggests the right one (exit 2)', () => {
    const r = sop(['shwo']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Did you mean show?');
  });
});
