/**
 * "No value of a sensitive output appears in the database file, its WAL, or
 * any output of the CLI." And (issue 6): "zero occurrences of the canary in
 * the database file, its WAL, exports, history, reports, stdout and stderr,
 * or the process's argument list."
 *
 * pengelolaan-akses-pengguna step 9 (kirim-akun) sends the account's
 * temporary password, declared `sensitive: true`. A unique canary is given as
 * that password; then every byte the system keeps or prints is searched for it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import { officeWith } from '../../helpers/engine.js';
import { sop, spawnSop as spawnCli, tempDir, SOPS, CLI, OS_LOGIN_PRELOAD, STACK_TRACE } from '../../helpers/cli.js';

let dir: string;
let db: string;
let id: string;

const canary = (label: string) => `CANARY-${label}-${randomBytes(12).toString('hex')}`;
/** What step 9 is completed with: the password is the canary; the username is a control that must be found. */
const PASSWORD = canary('password');
const USERNAME = `USERNAME-${randomBytes(12).toString('hex')}`;

/** `sop args` run by the OS login `login` (each person is bound to a login of their name), `input` on standard input. */
const run = (args: string[], login = 'admin', input?: string) => sop(args, { cwd: dir, env: { SOP_DB: db, SOP_DIR: SOPS }, login, ...(input !== undefined ? { input } : {}) });

/** Runs `sop <args>` by the OS login `login` without waiting for the others. */
const spawnSop = (args: string[], login = 'admin') => spawnCli(args, { cwd: dir, env: { SOP_DB: db, SOP_DIR: SOPS }, login });

/**
 * Runs `sop <args>` with `input` on standard input, but writes it only once the process has started
 * and is waiting for it: then reads the process's argument list and environment from /proc, as
 * another user of the machine could (`ps`), before giving it the password.
 *
 * "Waiting for it" is the process's own signal, not a time: the CLI touches its standard input only
 * to read the password (cli/secret-input.ts), and Node then makes the pipe non-blocking, which
 * /proc/<pid>/fdinfo/0 shows (O_NONBLOCK in its flags). The test looks until it sees that.
 */
async function advanceWatched(args: string[], login: string, input: string): Promise<{ result: ReturnType<typeof run>; seen: { cmdline: string; environ: string } }> {
  const env: Record<string, string | undefined> = { ...process.env, SOP_DB: db, SOP_DIR: SOPS };
  delete env.SOP_USER;
  delete env.SOP_DEBUG;
  // Run by the OS login `login` (stood in for: os-login-preload.cjs).
  env.SOP_TEST_OS_LOGIN = login;
  env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} --require ${OS_LOGIN_PRELOAD}`.trim();
  const child = spawn(process.execPath, [CLI, ...args], { cwd: dir, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  // Waiting on standard input: the process has turned to fd 0 (a pipe) to read the password, its arguments parsed.
  const proc = `/proc/${child.pid}`;
  const O_NONBLOCK = 0o4000;
  const readingInput = () => (parseInt(/^flags:\s*(\d+)/m.exec(readFileSync(`${proc}/fdinfo/0`, 'utf8'))![1]!, 8) & O_NONBLOCK) !== 0;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`sop ${args.join(' ')} ended before reading its input: ${child.exitCode ?? child.signalCode}\n${stderr}`);
    if (readingInput()) break;
    // Looking again in a moment: how long it takes does not matter, only what /proc shows.
    await new Promise((r) => setTimeout(r, 10));
  }
  const seen = { cmdline: readFileSync(`${proc}/cmdline`, 'utf8').replace(/\0/g, ' '), environ: readFileSync(`${proc}/environ`, 'utf8') };
  child.stdin.end(input);
  const code = await closed;
  return { result: { code: code ?? -1, stdout, stderr }, seen };
}

const DB_FILES = () => [db, `${db}-wal`, `${db}-shm`];

/** The bytes of the database, its WAL and its shared memory file, each as it is now. */
function dbBytes(): { file: string; bytes: Buffer }[] {
  return DB_FILES()
    .filter((f) => existsSync(f))
    .map((file) => ({ file, bytes: readFileSync(file) }));
}

/** The files that hold `text`, in UTF-8 or UTF-16 (SQLite can store either). */
function filesHolding(text: string): string[] {
  const forms = [Buffer.from(text, 'utf8'), Buffer.from(text, 'utf16le')];
  return dbBytes()
    .filter(({ bytes }) => forms.some((f) => bytes.includes(f)))
    .map(({ file }) => file);
}

function checkpoint(): void {
  const conn = new Database(db, { fileMustExist: true });
  try {
    conn.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    conn.close();
  }
}

const USERS = { admin: 'admin', kabid: 'kabid.aptika', sysadmin: 'admin.sistem', pengguna: 'calon.pengguna' };

beforeAll(async () => {
  dir = tempDir('sop-secrets-');
  db = join(dir, 'sop.db');
  const office = await officeWith(db, { [USERS.kabid]: ['kepala-bidang-aptika'], [USERS.sysadmin]: ['administrator'], [USERS.pengguna]: [] });
  try {
    // Steps 1 to 8, up to kirim-akun.
    id = (await office.as(USERS.pengguna).instances.start('pengelolaan-akses-pengguna', { title: 'Akun SIMPEG untuk calon.pengguna' })).id;
    const walk: [string, string, { choice?: string; outputs?: { id: string; value: string }[] }][] = [
      [USERS.pengguna, 'usulan-pengguna-baru', {}],
      [USERS.kabid, 'penerimaan-usulan', {}],
      [USERS.kabid, 'verifikasi-persetujuan', { choice: 'disetujui' }],
      [USERS.kabid, 'disposisi-admin', {}],
      [USERS.sysadmin, 'enkripsi-logbook', {}],
      [USERS.sysadmin, 'kirim-logbook-ke-pengguna', { outputs: [{ id: 'file-terenkripsi', value: 'logbook.zip (terenkripsi)' }] }],
      [
        USERS.pengguna,
        'kirim-logbook-ke-administrator',
        {
          outputs: [
            { id: 'file-terenkripsi-terisi', value: 'logbook-terisi.zip' },
            { id: 'file-form-logbook-pengguna', value: 'form logbook' },
          ],
        },
      ],
      [USERS.sysadmin, 'input-data-logbook', {}],
    ];
    for (const [user, step, options] of walk) await office.as(user).instances.advance(id, { step, ...options });
  } finally {
    await office.close();
  }
  checkpoint();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Given an instance of pengelolaan-akses-pengguna at step 9 "kirim-akun", whose password-sementara is sensitive', () => {
  it('the step is where the walk left it, and it asks for the sensitive output', () => {
    const st = JSON.parse(run(['status', id, '--json']).stdout);
    expect(st.current[0]).toMatchObject({
      step: 'kirim-akun',
      outputs: [
        { id: 'username', sensitive: false },
        { id: 'password-sementara', sensitive: true },
      ],
    });
  });

  it('when the password is given on the command line with --output, then it is refused (exit 1) and the value is nowhere: not on stderr, not in the history, not in the files', () => {
    const secret = canary('argument');
    const r = run(['advance', id, '--step', 'kirim-akun', '--output', `username=${USERNAME}`, '--output', `password-sementara=${secret}`], USERS.sysadmin);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(STACK_TRACE);
    expect(r.stderr).toMatch(/output "password-sementara" is sensitive and is never taken from the command line \[output\.sensitive-argument\]/);
    expect(r.stderr).toContain('hint: give it at the prompt, or on standard input');
    expect(r.stdout + r.stderr).not.toContain(secret);
    const h = run(['history', id, '--json']);
    expect(JSON.parse(h.stdout).entries.at(-1)).toMatchObject({ type: 'refused', step: 'kirim-akun' });
    expect(h.stdout).not.toContain(secret);
    expect(filesHolding(secret)).toEqual([]);
    checkpoint();
    expect(filesHolding(secret)).toEqual([]);
  });

  it('when the password is given on the command line as @file, then it is refused the same way and the content is nowhere', () => {
    const secret = canary('file');
    const file = join(dir, 'password.txt');
    writeFileSync(file, `${secret}\n`);
    const r = run(['advance', id, '--step', 'kirim-akun', '--output', `username=${USERNAME}`, '--output', `password-sementara=@${file}`], USERS.sysadmin);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[output.sensitive-argument]');
    expect(r.stdout + r.stderr).not.toContain(secret);
    expect(filesHolding(secret)).toEqual([]);
    rmSync(file);
  });

  it('when someone without the role pipes a password on standard input, then it is refused and that value is nowhere either', () => {
    const secret = canary('wrong-user');
    const r = run(['advance', id, '--step', 'kirim-akun', '--output', `username=${USERNAME}`], USERS.pengguna, `${secret}\n`);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[auth.not-actor]');
    expect(r.stdout + r.stderr).not.toContain(secret);
    expect(filesHolding(secret)).toEqual([]);
  });

  describe('when the administrator completes it with the password on standard input', () => {
    let advanced: ReturnType<typeof run>;
    /**
     * Held open (it reads, never writes) so that the WAL outlives the CLI process: the last connection
     * to close checkpoints the WAL into the database and deletes it. A read-only connection opened
     * while there is no WAL does not count as one, so this one is read-write.
     */
    let holder: Database.Database;

    /** What the running `sop advance` process showed in /proc while it waited for the password on standard input. */
    let seen: { cmdline: string; environ: string };

    beforeAll(async () => {
      holder = new Database(db, { fileMustExist: true });
      holder.prepare('SELECT count(*) FROM log').get();
      const watched = await advanceWatched(['advance', id, '--step', 'kirim-akun', '--output', `username=${USERNAME}`], USERS.sysadmin, `${PASSWORD}\n`);
      advanced = watched.result;
      seen = watched.seen;
    });

    afterAll(() => {
      if (holder.open) holder.close();
    });

    it("then, while it waited for the password, the process's argument list and environment held none of it (the username given beside it is in the arguments: the control)", () => {
      expect(seen.cmdline).toContain(`username=${USERNAME}`);
      expect(seen.cmdline).toContain('advance');
      expect(seen.cmdline).not.toContain(PASSWORD);
      expect(seen.environ).not.toContain(PASSWORD);
    });

    it('then the step is completed (exit 0) and the password is not in what advance printed', () => {
      expect(advanced.code, advanced.stderr).toBe(0);
      expect(advanced.stdout).toContain('completed kirim-akun');
      expect(advanced.stdout + advanced.stderr).not.toContain(PASSWORD);
    });

    it('then, while the WAL still holds the new pages, the password is in none of the .db, .db-wal, .db-shm files, though the username given beside it is', () => {
      expect(existsSync(`${db}-wal`)).toBe(true);
      expect(readFileSync(`${db}-wal`).length).toBeGreaterThan(0);
      // The control: the scan finds what was written by the same command.
      expect(filesHolding(USERNAME).length).toBeGreaterThan(0);
      expect(filesHolding(id).length).toBeGreaterThan(0);
      expect(filesHolding(PASSWORD)).toEqual([]);
      // Nor any long piece of it (a truncated or re-encoded copy).
      expect(filesHolding(PASSWORD.slice(-20))).toEqual([]);
    });

    it('then the history records that it was given, by whom and when, and nothing else about it', () => {
      const h = JSON.parse(run(['history', id, '--json']).stdout);
      const done = h.entries.at(-1);
      expect(done).toMatchObject({ type: 'completed', step: 'kirim-akun', user: USERS.sysadmin });
      expect(done.outputs).toEqual([
        { id: 'username', sha256: expect.any(String), size: USERNAME.length },
        { id: 'password-sementara', given: true },
      ]);
    });

    it('then no read command, with or without --json, prints it; and sop output says the password was given but never stored (exit 1)', async () => {
      const outputIds = ['file-terenkripsi', 'file-terenkripsi-terisi', 'file-form-logbook-pengguna', 'username', 'password-sementara'];
      const reads: [login: string, args: string[]][] = [
        [USERS.admin, ['status', id]],
        [USERS.admin, ['history', id]],
        [USERS.admin, ['tasks', '--all']],
        [USERS.pengguna, ['tasks']],
        [USERS.sysadmin, ['tasks']],
        [USERS.admin, ['tasks', '--overdue', '--all']],
        [USERS.admin, ['list']],
        [USERS.admin, ['list', '--sop', 'pengelolaan-akses-pengguna']],
        [USERS.admin, ['user', 'list']],
        ...outputIds.map((o): [string, string[]] => [USERS.admin, ['output', id, o]]),
      ];
      const commands = reads.flatMap(([login, c]): [string, string[]][] => [
        [login, c],
        [login, [...c, '--json']],
      ]);
      const results = await Promise.all(commands.map(([login, c]) => spawnSop(c, login)));
      for (const r of results) {
        const what = `sop ${r.args.join(' ')}: ${r.code}\n${r.stderr}`;
        expect(r.stdout, what).not.toContain(PASSWORD);
        expect(r.stderr, what).not.toContain(PASSWORD);
        expect(r.stderr, what).not.toMatch(STACK_TRACE);
        const sensitive = r.args[0] === 'output' && r.args[2] === 'password-sementara';
        expect(r.code, what).toBe(sensitive ? 1 : 0);
        if (sensitive) {
          expect(r.stdout).toBe('');
          expect(r.stderr).toMatch(
            new RegExp(`output "password-sementara" is sensitive: it was given by ${USERS.sysadmin.replace('.', '\\.')} at \\d{4}-\\d\\d-\\d\\dT[^ ]+, and its value was never stored \\[output\\.sensitive\\]`),
          );
        }
      }
      // The control: the username given beside it is read back, byte for byte.
      const username = results.find((r) => r.args.join(' ') === `output ${id} username`)!;
      expect(username.stdout).toBe(USERNAME);
      const text = results.find((r) => r.args.join(' ') === `history ${id}`)!;
      expect(text.stdout).toContain('password-sementara: given (sensitive, not stored)');
    });

    it('then export (to a file and to standard output), report in every format, replay, verify, checkpoint and history, with and without --json, print none of it, and the bundle holds none of it', async () => {
      const bundle = join(dir, 'bukti.jsonl');
      const commands = [
        ['export', id, '--out', bundle],
        ['export', '--all'],
        ['export', id, '--json'],
        ['report'],
        ['report', '--format', 'json'],
        ['report', '--format', 'csv'],
        ['report', '--format', 'md'],
        ['report', '--sop', 'pengelolaan-akses-pengguna', '--format', 'table'],
        ['replay', id],
        ['replay', id, '--json'],
        ['verify'],
        ['verify', '--json'],
        ['verify', id, '--json'],
        ['checkpoint', '--json'],
        ['history', id],
        ['history', id, '--json'],
      ];
      const results: Awaited<ReturnType<typeof spawnSop>>[] = [];
      // Two at a time: the machine has two cores.
      for (let i = 0; i < commands.length; i += 2) results.push(...(await Promise.all(commands.slice(i, i + 2).map((c) => spawnSop(c)))));
      for (const r of results) {
        const what = `sop ${r.args.join(' ')}: ${r.code}\n${r.stderr}`;
        expect(r.code, what).toBe(0);
        expect(r.stderr, what).not.toMatch(STACK_TRACE);
        expect(r.stdout + r.stderr, what).not.toContain(PASSWORD);
      }
      const file = readFileSync(bundle, 'utf8');
      // The control: the bundle carries the instance in full, the username's hash among its outputs.
      expect(file).toContain(id);
      expect(file).not.toContain(PASSWORD);
      const all = results.find((r) => r.args.join(' ') === 'export --all')!;
      expect(all.stdout.length).toBeGreaterThan(1000);
      expect(results.find((r) => r.args.join(' ') === 'report --format csv')!.stdout).toContain('pengelolaan-akses-pengguna');
      // The bundle verifies on its own, and saying so prints none of it either.
      const verified = await spawnSop(['verify', '--bundle', bundle, '--json']);
      expect(verified.code, verified.stderr).toBe(0);
      expect(verified.stdout + verified.stderr).not.toContain(PASSWORD);
      // Reading does not write: still none in the files.
      expect(filesHolding(PASSWORD)).toEqual([]);
    });

    it('then after a checkpoint folds the WAL into the database, the password is still in none of the files', () => {
      holder.close();
      checkpoint();
      expect(filesHolding(USERNAME)).toContain(db);
      expect(filesHolding(PASSWORD)).toEqual([]);
    });
  });
});
