/**
 * An installed sop has no SOP folder of its own: `sop init --examples` and
 * `sop demo` scaffold one from the example SOPs that come with the package,
 * with the schemas beside them so an editor completes and checks the files.
 * Each test runs the built CLI in a new, empty working folder.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { ROOT, sop, SOPS, STACK_TRACE, tempDir } from '../../helpers/cli.js';

const PACKAGED = readdirSync(SOPS)
  .filter((f) => f.endsWith('.yaml'))
  .sort();
const SCHEMAS = ['calendar.schema.json', 'sop.schema.json'];
const published = (name: string) => JSON.parse(readFileSync(join(ROOT, 'schemas', name), 'utf8')) as Record<string, unknown>;
/** A packaged file without its own schema modeline (the repository's points at ../schemas/). */
const bodyOf = (text: string) => (text.startsWith('# yaml-language-server:') ? text.slice(text.indexOf('\n') + 1) : text);

/** The folder holds the packaged examples, each pointing at the schema copied beside it, and the schemas. */
function expectScaffolded(folder: string): void {
  expect(PACKAGED).toEqual(expect.arrayContaining(['calendar.yaml', 'pengecualian-smki.yaml', 'implementasi-security-patch.yaml', 'pengelolaan-akses-pengguna.yaml']));
  expect(readdirSync(folder).sort()).toEqual([...PACKAGED, ...SCHEMAS].sort());
  for (const name of PACKAGED) {
    const text = readFileSync(join(folder, name), 'utf8');
    const schema = name === 'calendar.yaml' ? 'calendar.schema.json' : 'sop.schema.json';
    expect(text.split('\n')[0], name).toBe(`# yaml-language-server: $schema=${schema}`);
    expect(bodyOf(text), name).toBe(bodyOf(readFileSync(join(SOPS, name), 'utf8')));
  }
  for (const name of SCHEMAS) expect(JSON.parse(readFileSync(join(folder, name), 'utf8')), name).toEqual(published(name));
}

/** `sop validate` of the folder: every file valid, and no file.schema-comment warning (each first line points at its copy). */
function expectValid(cwd: string, folder: string): void {
  const r = sop(['validate', folder, '--json'], { cwd });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const out = JSON.parse(r.stdout);
  expect(out).toMatchObject({ valid: true, errors: 0 });
  expect(out.files.map((f: { file: string }) => f.file.split('/').at(-1)).sort()).toEqual(PACKAGED);
  const codes = out.files.flatMap((f: { problems: { code: string }[] }) => f.problems.map((p) => p.code));
  expect(codes).not.toContain('file.schema-comment');
  // And as the default folder of the commands (SOP_DIR), in text.
  const text = sop(['validate'], { cwd, env: { SOP_DIR: folder } });
  expect(text.code).toBe(0);
  expect(text.stdout).toContain(`ok: ${PACKAGED.length} file(s) checked: ${PACKAGED.length} valid, 0 invalid; 0 error(s)`);
}

describe('sop init --examples', () => {
  it('Given an empty working folder, Then it creates the database (its administrator bound to your OS login) and ./sops from the packaged examples, the schemas beside them, publishes them, and the files validate', () => {
    const cwd = tempDir();
    // Run as the test's own OS login: init binds it to the administrator.
    const r = sop(['init', '--admin', 'kepala', '--examples'], { cwd });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`created the database with administrator "kepala", bound to the OS login ${userInfo().username}`);
    expect(r.stdout).toContain('created sops with the example SOPs: ');
    expect(r.stdout).toContain('published implementasi-security-patch, pengecualian-smki, pengelolaan-akses-pengguna and the office calendar');
    expect(existsSync(join(cwd, 'sop.db'))).toBe(true);
    expectScaffolded(join(cwd, 'sops'));
    expectValid(cwd, 'sops');
    expect(JSON.parse(sop(['user', 'list', '--json'], { cwd }).stdout)).toMatchObject([{ name: 'kepala', admin: true, maintainer: true, login: userInfo().username }]);
    // The examples run: an instance of one starts on the new database, by a person bound to their own login.
    expect(sop(['user', 'add', 'budi', '--login', 'budi'], { cwd }).code).toBe(0);
    const started = sop(['start', 'pengecualian-smki', '--json'], { cwd, login: 'budi' });
    expect(started.stderr).toBe('');
    expect(JSON.parse(started.stdout).id).toMatch(/^\d{8}-[a-z2-9]{8}$/);
  });

  it('Given --login naming another OS login, Then the administrator is bound to it and the examples wait for them to publish', () => {
    const cwd = tempDir();
    const r = sop(['init', '--admin', 'kepala', '--login', 'kepala', '--examples'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('created the database with administrator "kepala", bound to the OS login kepala');
    expect(r.stdout).toContain('next: kepala publishes them: sop publish --all');
    expect(r.stdout).not.toContain('published');
    // This login is nobody in the store: it cannot publish (nor do anything that records who did it).
    const mine = sop(['publish', '--all'], { cwd });
    expect(mine.code).toBe(1);
    expect(mine.stderr).toContain('[auth.unknown-login]');
    const theirs = sop(['publish', '--all'], { cwd, login: 'kepala' });
    expect(theirs.code, theirs.stderr).toBe(0);
    expect(theirs.stdout).toContain('published pengecualian-smki revision 1');
  });

  it('Given --sops naming a new folder, Then the examples go there', () => {
    const cwd = tempDir();
    const r = sop(['--sops', 'kantor/sop', 'init', '--admin', 'kepala', '--examples'], { cwd });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('created kantor/sop with the example SOPs');
    expect(existsSync(join(cwd, 'sops'))).toBe(false);
    expectScaffolded(join(cwd, 'kantor', 'sop'));
    expectValid(cwd, 'kantor/sop');
  });

  it('Given an empty SOP folder, Then the examples are copied into it', () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'sops'));
    expect(sop(['init', '--admin', 'kepala', '--examples'], { cwd }).code).toBe(0);
    expectScaffolded(join(cwd, 'sops'));
  });

  it('Given a SOP folder that holds SOP files already, Then it refuses (exit 1): nothing is written, not even the database', () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'sops'));
    const own = "id: izin-kantor\n# the office's own SOP, not to be touched\n";
    writeFileSync(join(cwd, 'sops', 'izin-kantor.yaml'), own);
    const r = sop(['init', '--admin', 'kepala', '--examples'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('[file.exists]');
    expect(r.stderr).toContain('holds SOP files already');
    expect(r.stderr).not.toMatch(STACK_TRACE);
    expect(readdirSync(cwd).sort()).toEqual(['sops']);
    expect(readdirSync(join(cwd, 'sops'))).toEqual(['izin-kantor.yaml']);
    expect(readFileSync(join(cwd, 'sops', 'izin-kantor.yaml'), 'utf8')).toBe(own);
  });

  it('Given --sops naming a file, Then it refuses (exit 1) with what to do, not an internal error, and writes nothing', () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'sops'), 'not a folder\n');
    const r = sop(['init', '--admin', 'kepala', '--examples'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[file.unwritable]');
    expect(r.stderr).not.toContain('internal error');
    expect(readdirSync(cwd)).toEqual(['sops']);
  });
});

describe('sop demo in an empty working folder', () => {
  it('scaffolds ./sops from the examples first, runs the main job to its end, and a second run uses the folder as it is', () => {
    const cwd = tempDir();
    const first = sop(['demo'], { cwd });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const lines = first.stdout.split('\n');
    expect(lines[0]).toBe('created sops with the example SOPs that come with sop');
    expect(lines[1]).toBe('created sop.db with administrator demo-admin');
    expect(first.stdout).toMatch(/Status\s+completed \(selesai\), version 11/);
    expect(first.stdout).toMatch(/choice\s+Disetujui \(disetujui\)/);
    expect(existsSync(join(cwd, 'sop.db'))).toBe(true);
    expectScaffolded(join(cwd, 'sops'));
    expectValid(cwd, 'sops');

    const second = sop(['demo'], { cwd });
    expect(second.code).toBe(0);
    expect(second.stdout).not.toContain('created sops');
    expect(second.stdout).toMatch(/Status\s+completed \(selesai\), version 11/);
    expect(JSON.parse(sop(['list', '--json'], { cwd }).stdout)).toHaveLength(2);
  });

  it('Given an empty ./sops, Then it scaffolds into it and runs to the end', () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'sops'));
    const r = sop(['demo'], { cwd });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('created sops with the example SOPs that come with sop');
    expect(r.stdout).toMatch(/Status\s+completed \(selesai\), version 11/);
    expectScaffolded(join(cwd, 'sops'));
  });
});
