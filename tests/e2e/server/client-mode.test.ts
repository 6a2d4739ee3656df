/**
 * The CLI in client mode: with SOP_SERVER and a token (SOP_TOKEN, or what
 * `sop login` stored), every command talks to the office server instead of
 * opening the store file, as the person the token proves. Its --json is
 * the same as in direct file mode on the same store (read beside the
 * running server, as the OS login bound to the same person), and its
 * refusals the same codes, hints and exit codes.
 */
import { copyFileSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sop, SOPS, STACK_TRACE, tempDir, type CliResult } from '../../helpers/cli.js';
import { openOffice } from '../../helpers/engine.js';
import { clientEnv, officeFile, serve, type OfficeFile, type Served } from './helpers.js';

const SOP = 'pengelolaan-akses-pengguna';
let office: OfficeFile;
let server: Served;

beforeAll(async () => {
  office = await officeFile({ budi: [], siti: ['kepala-bidang-aptika'], adi: ['administrator'], mila: [] });
  server = await serve(office.db);
});
afterAll(async () => {
  await server.stop();
});

/** `sop` as `user` through the server (their API token); `input` on standard input. */
function as(user: string, args: string[], input = ''): CliResult {
  return sop(args, { env: clientEnv(server.url, office.tokens[user], join(office.dir, `config-${user}`)), input, cwd: office.dir });
}
/** `sop` on the store file itself, as the OS login bound to `user` (direct file mode). */
function direct(user: string, args: string[]): CliResult {
  return sop([...args, '--db', office.db, '--sops', SOPS], { login: user, env: { XDG_CONFIG_HOME: join(office.dir, 'config-direct') }, cwd: office.dir });
}
function json<T = Record<string, unknown>>(r: CliResult): T {
  expect(r.stderr).not.toMatch(STACK_TRACE);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as T;
}
const ok = (r: CliResult): CliResult => {
  expect(r.code, r.stderr).toBe(0);
  return r;
};

describe('Given the office server and people with API tokens', () => {
  let id: string;

  it('when budi starts an instance and everyone does their step with the CLI in client mode, then it runs to its end, with files, a password on standard input and a decision', () => {
    id = json<{ id: string }>(as('budi', ['start', SOP, '--title', 'Akun SIMPEG', '--json'])).id;
    expect(id).toMatch(/^\d{8}-[a-z0-9]{8}$/);
    const file = join(office.dir, 'lampiran.bin');
    writeFileSync(file, Buffer.from([0, 255, 1, 254, 10]));
    ok(as('budi', ['advance', id, '--step', 'usulan-pengguna-baru', '--note', 'Usul akun']));
    ok(as('siti', ['advance', id, '--step', 'penerimaan-usulan']));
    const decided = ok(as('siti', ['advance', id, '--step', 'verifikasi-persetujuan', '--choice', 'disetujui']));
    expect(decided.stdout).toContain('completed verifikasi-persetujuan (disetujui)');
    ok(as('siti', ['advance', id, '--step', 'disposisi-admin']));
    ok(as('adi', ['advance', id, '--step', 'enkripsi-logbook']));
    ok(as('adi', ['advance', id, '--step', 'kirim-logbook-ke-pengguna', '--output', `file-terenkripsi=@${file}`]));
    ok(as('budi', ['advance', id, '--step', 'kirim-logbook-ke-administrator', '--output', 'file-terenkripsi-terisi=zip', '--output', 'file-form-logbook-pengguna=form']));
    ok(as('adi', ['advance', id, '--step', 'input-data-logbook']));
    ok(as('adi', ['advance', id, '--step', 'kirim-akun', '--output', 'username=budi'], 'Rahasia-Sekali-9\n'));
    const last = json<{ status: string; outcome: string }>(as('budi', ['advance', id, '--step', 'ubah-password-default', '--json']));
    expect(last.status).toBe('completed');
    expect(as('budi', ['output', id, 'file-terenkripsi']).stdout).toBe(Buffer.from([0, 255, 1, 254, 10]).toString('utf8'));
    const to = join(office.dir, 'keluar.bin');
    ok(as('budi', ['output', id, 'file-terenkripsi', '--to', to]));
    expect(readFileSync(to).equals(Buffer.from([0, 255, 1, 254, 10]))).toBe(true);
  });

  it('then what client mode prints as --json is what direct file mode prints on the same store', () => {
    const same = (args: string[], user = 'budi', without: string[] = []) => {
      const strip = (v: Record<string, unknown>) => Object.fromEntries(Object.entries(v).filter(([k]) => !without.includes(k)));
      const a = json<Record<string, unknown>>(as(user, args));
      const b = json<Record<string, unknown>>(direct(user, args));
      expect(Array.isArray(a) ? a : strip(a)).toEqual(Array.isArray(b) ? b : strip(b));
    };
    same(['status', id, '--json']);
    same(['history', id, '--json']);
    same(['list', '--json']);
    same(['tasks', '--all', '--json'], 'admin');
    same(['user', 'list', '--json']);
    same(['output', id, 'file-terenkripsi', '--json']);
    same(['checkpoint', '--json']);
    same(['replay', id, '--json']);
    same(['verify', '--json'], 'budi', ['ms']);
    same(['verify', id, '--json'], 'budi', ['ms']);
    same(['report', '--json'], 'budi', ['generatedAt']);
    same(['report', '--from', '2020-01-01', '--to', '2099-12-31', '--json'], 'budi', ['generatedAt', 'sops', 'actors', 'open', 'overdue', 'openByAge']);
    same(['token', 'list', '--json']);
  });

  it('then the history says each step was done through the server: via token, from the client address', () => {
    const h = json<{ entries: { type: string; user: string; via: string; client: string | null; osUser: string | null }[] }>(as('budi', ['history', id, '--json']));
    expect(h.entries.every((e) => e.via === 'token' && e.client === '127.0.0.1' && e.osUser === null)).toBe(true);
    expect(as('budi', ['history', id]).stdout).toContain('(API token from 127.0.0.1)');
  });

  it('when the store is exported through the server, then the bundle verifies on its own, offline', () => {
    const bundle = join(office.dir, 'bundle.ndjson');
    const wrote = ok(as('budi', ['export', id, '--out', bundle]));
    expect(wrote.stdout).toContain(`wrote ${bundle}`);
    expect(ok(as('budi', ['verify', '--bundle', bundle])).stdout).toContain('ok: bundle');
    const all = as('admin', ['export', '--all']);
    expect(all.code).toBe(0);
    expect(all.stderr).toContain('exported');
    expect(all.stdout.split('\n')[0]).toContain('"sopBundle":1');
    expect(all.stdout).not.toContain('Rahasia-Sekali-9');
  });

  it('when an administrator manages people in client mode, then each change is made, and budi may make none', () => {
    expect(json(as('admin', ['user', 'add', 'rina', '--role', 'administrator', '--login', 'rina', '--full-name', 'Rina, S.Kom.', '--json']))).toMatchObject({
      name: 'rina',
      login: 'rina',
      roles: ['administrator'],
      profile: { fullName: 'Rina, S.Kom.' },
    });
    expect(json(as('admin', ['user', 'grant', 'rina', 'kepala-bidang-aptika', '--json']))).toMatchObject({ roles: ['administrator', 'kepala-bidang-aptika'] });
    expect(json(as('admin', ['user', 'revoke', 'rina', 'administrator', '--json']))).toMatchObject({ roles: ['kepala-bidang-aptika'] });
    expect(json(as('admin', ['user', 'set-roles', 'rina', 'pengelola-tim-teknis', '--json']))).toMatchObject({ roles: ['pengelola-tim-teknis'] });
    expect(ok(as('admin', ['user', 'unbind', 'rina'])).stdout).toBe('rina: no login\n');
    expect(json(as('admin', ['user', 'bind', 'rina', 'rina2', '--json']))).toMatchObject({ login: 'rina2' });
    expect(json(as('admin', ['user', 'rights', 'rina', '--maintainer', '--json']))).toMatchObject({ maintainer: true, admin: false });
    expect(json(as('budi', ['user', 'profile', 'budi', '--jabatan', 'Staf', '--json']))).toMatchObject({ profile: { jabatan: 'Staf' } });
    expect(ok(as('admin', ['user', 'remove', 'rina'])).stdout).toBe('removed rina\n');
    const refused = as('budi', ['user', 'grant', 'budi', 'administrator']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('[auth.not-admin]');
    expect(refused.stderr).toContain('hint: ask an administrator');
  });

  it('when a maintainer publishes from the SOP folder on their own machine, then the server gets the file\u2019s text; an invalid file is refused with its lines', () => {
    ok(as('admin', ['user', 'rights', 'mila', '--maintainer']));
    const folder = join(tempDir('sop-maintainer-'), 'sops');
    cpSync(SOPS, folder, { recursive: true });
    const file = join(folder, 'pengecualian-smki.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^revision: \d+/m, 'revision: 9'));
    const published = json<{ sop: string; revision: number; by: string }[]>(as('mila', ['publish', file, '--effective', '2026-01-01', '--json']));
    expect(published).toMatchObject([{ sop: 'pengecualian-smki', revision: 9, by: 'mila' }]);
    expect(json<{ kind: string }[]>(as('mila', ['--sops', folder, 'publish', '--calendar', '--json']))).toMatchObject([{ kind: 'calendar' }]);
    const bad = join(tempDir(), 'pengecualian-smki.yaml');
    copyFileSync(file, bad);
    writeFileSync(bad, readFileSync(bad, 'utf8').replace(/^steps:/m, 'stepz:'));
    const refused = as('mila', ['publish', bad]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('[sop.invalid]');
    expect(refused.stderr).toMatch(/pengecualian-smki\.yaml:\d+:\d+/);
    expect(as('budi', ['publish', file]).stderr).toContain('[auth.not-maintainer]');
  });

  it('when an instance is cancelled in client mode, then it is; by someone else it is refused', () => {
    const other = json<{ id: string }>(as('budi', ['start', SOP, '--json'])).id;
    expect(as('siti', ['cancel', other, '--reason', 'bukan saya']).code).toBe(1);
    expect(json(as('budi', ['cancel', other, '--reason', 'Salah usul', '--json']))).toEqual({ id: other, status: 'cancelled' });
  });

  it('when an administrator acts on someone\u2019s behalf in an emergency, then it is done and recorded as such', () => {
    const other = json<{ id: string }>(as('budi', ['start', SOP, '--json'])).id;
    ok(as('admin', ['--on-behalf-of', 'budi', '--emergency-reason', 'Budi sakit, usulan mendesak', 'advance', other, '--step', 'usulan-pengguna-baru']));
    const h = json<{ entries: { type: string; user: string; onBehalfOf: { user: string; reason: string } | null }[] }>(as('budi', ['history', other, '--json']));
    expect(h.entries.find((e) => e.type === 'completed')).toMatchObject({ onBehalfOf: { user: 'budi', reason: 'Budi sakit, usulan mendesak' } });
  });

  it('when --as names someone else than the token\u2019s person, then it is refused as on the file; naming oneself is fine', () => {
    const refused = as('budi', ['--as', 'admin', 'user', 'list']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('[auth.not-you]');
    expect(as('budi', ['--as', 'budi', 'tasks']).code).toBe(0);
  });

  it('when API tokens are made, listed and revoked with the CLI, then a revoked one is refused with its own code and hint', () => {
    const made = json<{ id: string; secret: string }>(as('budi', ['token', 'create', 'skrip harian', '--json']));
    const env = clientEnv(server.url, made.secret, join(office.dir, 'config-script'));
    expect(sop(['tasks', '--json'], { env }).code).toBe(0);
    expect(json<{ id: string }[]>(as('budi', ['token', 'list', '--json'])).map((t) => t.id)).toContain(made.id);
    expect(ok(as('budi', ['token', 'revoke', made.id])).stdout).toContain(`revoked ${made.id}`);
    const refused = sop(['tasks'], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('[auth.token-revoked]');
    expect(refused.stderr).toContain('hint: make another one: sop token create');
    const human = as('budi', ['token', 'create', 'untuk dilihat']);
    expect(human.stdout).toMatch(/^token \S+ \(untuk dilihat\) of budi:\n[A-Za-z0-9_-]{43}\n$/);
    expect(human.stderr).toContain('not shown again');
  });

  it('when an administrator sets a password with sop passwd, then its owner must change it at the first sop login, and sop passwd changes their own', () => {
    expect(ok(as('admin', ['passwd', 'siti'], 'Sementara-123\n')).stdout).toBe('password of siti set; siti changes it at the first login\n');
    const home = join(office.dir, 'home-siti');
    const env = { XDG_CONFIG_HOME: home };
    const first = sop(['login', '--server', server.url, '--user', 'siti'], { env, input: 'Sementara-123\nPunyaSiti-456\n' });
    expect(first.code, first.stderr).toBe(0);
    // Logged in: the stored session is used without SOP_SERVER.
    expect(json<{ name: string }[]>(sop(['user', 'list', '--json'], { env })).length).toBeGreaterThan(3);
    expect(ok(sop(['passwd'], { env, input: 'PunyaSiti-456\nLebihBaru-789\n' })).stdout).toBe('password of siti changed\n');
    const wrongOld = sop(['passwd'], { env, input: 'salah-salah\nLebihBaru-000\n' });
    expect(wrongOld.stderr).toContain('[auth.bad-credentials]');
    expect(ok(sop(['logout'], { env })).stdout).toBe(`logged out of ${server.url}\n`);
    const again = sop(['login', '--server', server.url, '--user', 'siti', '--json'], { env, input: 'LebihBaru-789\n' });
    expect(json(again)).toMatchObject({ user: 'siti', server: server.url });
    const wrong = sop(['login', '--server', server.url, '--user', 'siti'], { env, input: 'salah-salah\n' });
    const nobody = sop(['login', '--server', server.url, '--user', 'tidak-ada'], { env, input: 'salah-salah\n' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toBe(nobody.stderr);
    expect(wrong.stderr).toContain('[auth.bad-credentials]');
  });
});

describe('Given the CLI pointed at a server it cannot use', () => {
  it('when the server is not there, or nobody is logged in, then the command says so with its code and a hint, exit 1, no stack trace', async () => {
    const stopped = await officeFile({});
    const gone = await serve(stopped.db);
    const url = gone.url;
    await gone.stop();
    const r = sop(['start', SOP, '--request-id', 'ulang-1'], { env: clientEnv(url, 'A'.repeat(43), join(stopped.dir, 'cfg')) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[server.unreachable]');
    expect(r.stderr).toContain('--request-id ulang-1');
    expect(r.stderr).not.toMatch(STACK_TRACE);
    const none = sop(['tasks'], { env: clientEnv(server.url, undefined, join(stopped.dir, 'cfg2')) });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('[auth.unauthenticated]');
    expect(none.stderr).toContain(`sop login --server ${server.url}`);
    // Tools that read only the SOP folder work without the server.
    expect(sop(['validate', '--sops', SOPS], { env: clientEnv(url, undefined, join(stopped.dir, 'cfg3')) }).code).toBe(0);
  });

  it('then the store the server wrote verifies', async () => {
    const check = await openOffice(office.db, { create: false });
    expect((await check.engine.audit.verify()).ok).toBe(true);
    await check.close();
  });
});
