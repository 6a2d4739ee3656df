/**
 * "Fuzz the CLI's arguments: titles, notes and user names with quotes, SQL,
 * control characters and 1 MB strings; --output paths that traverse, point
 * at devices or directories, or do not exist. Pass: never a stack trace,
 * never a hang, never a changed database on a refused command."
 *
 * The bulk runs in-process through the CLI's own entry point (`run` of
 * cli/program.ts, what the binary calls) with fast-check: hostile strings
 * in every slot of the changing commands and of the commands that look an
 * instance up. A sample runs as child processes of the built CLI, where a
 * stack trace or a hang would show as a person sees it (one argument is at
 * most 128 KiB there: Linux's limit). The paths of --output @file, --to
 * and --out are tried one by one.
 *
 * "Refused" and "changed": a refusal of a step is recorded in the history
 * by design (see README, Running SOPs): such a refusal adds exactly one
 * refused entry and nothing else. Every other refusal changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { run } from '../../dist/cli/program.js';
import { Session, initDatabase, addUser, startInstance, readOutput } from '../../dist/engine/index.js';
import { CLI, SOPS, STACK_TRACE, tempDir } from '../helpers/cli.js';

const IN_PROCESS_CASES = 300;
const PROCESS_CASES = 20;
/**
 * A safety net, not a time limit: a case still running after this long is hung (the slowest takes a
 * second or two, ten times that on a loaded machine), and is killed so that it fails on its exit
 * code, naming the command, instead of holding up the run for ever.
 */
const HUNG_AFTER_MS = 10 * 60_000;
const seed = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);

let dir: string;
let db: string;
let engine: Session;
const stats = { inProcess: 0, processes: 0, paths: 0, accepted: 0, refused: 0, recordedRefusals: 0 };

const MB = 1024 * 1024;
const NASTY = [
  "'", '"', '`', "'; DROP TABLE log; --", '" OR 1=1 --', "Robert'); DROP TABLE users;--", "x' UNION SELECT payload FROM log --",
  '\u0000', 'a\u0000b', '\u0007', '\u001b[2J\u001b[31mMERAH', '\r', '\r\n', '\n', '\t', '\u0085', '\u2028', '\ufeff', '\u202e', '\ud800', '😀',
  '%s%n%x', '{{7*7}}', '${PATH}', '$(id)', '`id`', '../../../etc/passwd', '/dev/zero', 'C:\\Windows', '-', '--', '--help', '-V', '--db=/tmp/x',
  'NULL', 'null', 'undefined', '__proto__', 'constructor', 'toString', '', ' ', '   ', 'ñandú', 'Ä°', 'x'.repeat(201), 'é'.repeat(2001),
];
/** Hostile text: the list above, random Unicode and binary, and long runs up to 1 MB. */
const hostile = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('x', 'é', '😀', '\u0000', "'", ' '), fc.integer({ min: 1000, max: MB })).map(([c, n]) => c.repeat(Math.ceil(n / c.length))) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...NASTY), fc.constantFrom(...NASTY)).map(([a, b]) => a + 'Surat' + b) },
);

function as<T>(user: string, fn: (s: Session) => T): T {
  const s = new Session({ db, sops: SOPS, identity: { user, osUser: 'tester' } });
  try {
    return fn(s);
  } finally {
    s.close();
  }
}

/** An instance of pengecualian-smki at step 1 (pengajuan-permohonan, done by sari, output surat-permohonan). */
const freshInstance = () => startInstance(engine, 'pengecualian-smki', { title: 'Uji fuzz' }).id;

interface Snapshot {
  log: { seq: number; kind: string; version: number | null; payload: string }[];
  rest: string;
}

function snapshot(): Snapshot {
  const conn = new Database(db, { readonly: true, fileMustExist: true });
  try {
    const all = (sql: string) => conn.prepare(sql).all();
    return {
      log: all('SELECT seq, kind, version, payload FROM log ORDER BY seq') as Snapshot['log'],
      rest: JSON.stringify([
        all('SELECT * FROM instances ORDER BY id'),
        all('SELECT * FROM users ORDER BY name'),
        all('SELECT * FROM user_roles ORDER BY user, role'),
        all('SELECT sha256, size FROM blobs ORDER BY sha256'),
        all('SELECT hash FROM definitions ORDER BY hash'),
        all('SELECT id, log_seq FROM requests ORDER BY id'),
      ]),
    };
  } finally {
    conn.close();
  }
}

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The pass conditions of every case: exit 0, 1 or 2 (a hung process, killed, has none of them); no
 * stack trace and no internal error; a bounded message; and on a refusal, the database unchanged, or changed by exactly one recorded
 * refused attempt (and its request record).
 */
function expectSafe(args: string[], r: Outcome, before: Snapshot, after: Snapshot): void {
  const what = `sop ${args.map((a) => JSON.stringify(a.length > 80 ? `${a.slice(0, 80)}…(${a.length})` : a)).join(' ')} -> ${r.code}\n${r.stderr.slice(0, 2000)}`;
  expect([0, 1, 2], what).toContain(r.code);
  expect(r.stderr, what).not.toMatch(STACK_TRACE);
  expect(r.stderr, what).not.toContain('internal error');
  // A refusal quotes what it was given only in part, and escaped: a 1 MB title does not come back as a
  // 1 MB message, and control characters given cannot drive the terminal.
  expect(r.stderr.length, what).toBeLessThan(4000);
  // (In-process, commander's own usage lines reach the Io as they are; the binary's stderr escapes them too.)
  const ours = r.stderr.split('\n').filter((l) => !l.startsWith('error:')).join('\n');
  expect(ours, what).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  if (r.code === 0) {
    stats.accepted++;
    return;
  }
  stats.refused++;
  expect(after.rest === before.rest || after.rest.length > 0, what).toBe(true);
  const added = after.log.slice(before.log.length);
  expect(after.log.slice(0, before.log.length), what).toEqual(before.log);
  if (added.length === 0) {
    expect(after.rest, what).toBe(before.rest);
    return;
  }
  // A refused step: one entry, the refusal, and its request record; instances, users, blobs as they were.
  stats.recordedRefusals++;
  expect(added, what).toHaveLength(1);
  expect(JSON.parse(added[0]!.payload).type, what).toBe('refused');
  const [, users, roles, blobs, definitions] = JSON.parse(after.rest) as unknown[];
  const [, usersBefore, rolesBefore, blobsBefore, definitionsBefore] = JSON.parse(before.rest) as unknown[];
  expect([users, roles, blobs, definitions], what).toEqual([usersBefore, rolesBefore, blobsBefore, definitionsBefore]);
  expect((JSON.parse(after.rest) as unknown[][])[0], what).toEqual((JSON.parse(before.rest) as unknown[][])[0]);
}

async function inProcess(args: string[]): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  const code = await run([...args, '--db', db, '--sops', SOPS], { out: (t) => (stdout += t), err: (t) => (stderr += t), width: 80 });
  return { code, stdout, stderr };
}

function asProcess(args: string[], options: { input?: string; cwd?: string } = {}): Promise<Outcome> {
  const env: Record<string, string | undefined> = { ...process.env, SOP_DB: db, SOP_DIR: SOPS };
  delete env.SOP_USER;
  delete env.SOP_DEBUG;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd ?? dir, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    // Never a hang: a case that never ends is killed and fails on its exit code.
    const timer = setTimeout(() => child.kill('SIGKILL'), HUNG_AFTER_MS);
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** The commands with a hostile value in one slot. `inst` is an instance at step 1 made for the case. */
const commands: [name: string, build: (v: string, inst: string) => string[]][] = [
  ['start --title', (v) => ['start', 'pengecualian-smki', '--as', 'sari', '--title', v]],
  ['start --assign', (v) => ['start', 'pengecualian-smki', '--as', 'sari', '--assign', `pemohon=${v}`]],
  ['start <sop>', (v) => ['start', v, '--as', 'sari']],
  ['advance --note', (v, i) => ['advance', i, '--as', 'sari', '--output', 'surat-permohonan=Surat', '--note', v]],
  ['advance --output value', (v, i) => ['advance', i, '--as', 'sari', '--output', `surat-permohonan=${v}`]],
  ['advance --output id', (v, i) => ['advance', i, '--as', 'sari', '--output', `${v}=Surat`]],
  ['advance --output whole', (v, i) => ['advance', i, '--as', 'sari', '--output', v]],
  ['advance --choice', (v, i) => ['advance', i, '--as', 'sari', '--output', 'surat-permohonan=Surat', '--choice', v]],
  ['advance --step', (v, i) => ['advance', i, '--as', 'sari', '--output', 'surat-permohonan=Surat', '--step', v]],
  ['advance --expect-version', (v, i) => ['advance', i, '--as', 'sari', '--output', 'surat-permohonan=Surat', '--expect-version', v]],
  ['advance <instance>', (v) => ['advance', v, '--as', 'sari', '--output', 'surat-permohonan=Surat']],
  ['advance --as', (v, i) => ['advance', i, '--as', v, '--output', 'surat-permohonan=Surat']],
  ['cancel --reason', (v, i) => ['cancel', i, '--as', 'sari', '--reason', v]],
  ['user add <name>', (v) => ['user', 'add', v, '--as', 'admin']],
  ['user add --role', (v) => ['user', 'add', 'calon', '--as', 'admin', '--role', v]],
  ['user grant <role>', (v) => ['user', 'grant', 'sari', v, '--as', 'admin']],
  ['user revoke <name>', (v) => ['user', 'revoke', v, 'administrator', '--as', 'admin']],
  ['user remove <name>', (v) => ['user', 'remove', v, '--as', 'admin']],
  ['init --admin', (v) => ['init', '--admin', v]],
  ['--request-id', (v, i) => ['advance', i, '--as', 'sari', '--output', 'surat-permohonan=Surat', '--request-id', v]],
  ['status <instance>', (v) => ['status', v]],
  ['history <instance>', (v) => ['history', v, '--json']],
  ['output <output-id>', (v, i) => ['output', i, v]],
  ['list --sop', (v) => ['list', '--sop', v]],
  ['replay --until', (v, i) => ['replay', i, '--until', v]],
  ['verify <instance>', (v) => ['verify', v]],
];

beforeAll(() => {
  dir = tempDir('sop-fuzz-cli-');
  db = join(dir, 'sop.db');
  const s = new Session({ db, sops: SOPS, identity: { user: 'admin', osUser: 'tester' } }, { create: true });
  initDatabase(s, 'admin');
  addUser(s, 'sari', [], false);
  addUser(s, 'andi', ['pengelola-tim-teknis'], false);
  s.close();
  engine = new Session({ db, sops: SOPS, identity: { user: 'sari', osUser: 'tester' } });
});

afterAll(() => {
  engine.close();
  rmSync(dir, { recursive: true, force: true });
  console.log(`fuzz-cli: ${stats.inProcess} in-process cases, ${stats.processes} child processes, ${stats.paths} output paths; ${stats.accepted} accepted, ${stats.refused} refused (${stats.recordedRefusals} recorded as refused attempts)`);
});

describe('Given hostile values in every slot of the commands', () => {
  it(`${IN_PROCESS_CASES} cases in-process: never a stack trace, never a hang, exit 0/1/2, and a refused command leaves the database as it was`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: commands.length - 1 }), hostile, async (which, value) => {
        const [, build] = commands[which]!;
        const args = build(value, freshInstance());
        const before = snapshot();
        const r = await inProcess(args);
        expectSafe(args, r, before, snapshot());
        stats.inProcess++;
      }),
      { numRuns: IN_PROCESS_CASES, ...(seed === undefined ? {} : { seed }) },
    );
  });

  it('and what is accepted is stored as given, byte for byte: quotes and SQL are data', async () => {
    for (const title of ["'; DROP TABLE log; --", 'Permohonan "darurat" \\ 100% ${PATH}', 'ñandú 😀 ‮']) {
      const r = await inProcess(['start', 'pengecualian-smki', '--as', 'sari', '--title', title, '--json']);
      expect(r.code, r.stderr).toBe(0);
      const status = await inProcess(['status', JSON.parse(r.stdout).id, '--json']);
      expect(JSON.parse(status.stdout).title).toBe(title);
    }
    const inst = freshInstance();
    const note = "Catatan: ' OR '1'='1; DELETE FROM blobs; -- \"selesai\"";
    const content = "Surat'); DROP TABLE instances; --";
    const r = await inProcess(['advance', inst, '--as', 'sari', '--output', `surat-permohonan=${content}`, '--note', note]);
    expect(r.code, r.stderr).toBe(0);
    expect(readOutput(engine, inst, 'surat-permohonan').content.toString('utf8')).toBe(content);
    const history = JSON.parse((await inProcess(['history', inst, '--json'])).stdout);
    expect(history.entries.at(-1).note).toBe(note);
  });

  it(`${PROCESS_CASES} cases as child processes of the built CLI (up to 128 KiB an argument): the same`, async () => {
    const cases = fc.sample(
      fc.tuple(
        fc.integer({ min: 0, max: commands.length - 1 }),
        fc.oneof(fc.constantFrom(...NASTY.filter((n) => !n.includes('\u0000') && n.length < 100_000)), fc.string({ unit: 'grapheme', maxLength: 30 }).filter((s) => !s.includes('\u0000')), fc.constantFrom('x', 'é', "'").map((c) => c.repeat(60_000))),
      ),
      { numRuns: PROCESS_CASES, ...(seed === undefined ? {} : { seed }) },
    );
    // A NUL cannot be in an argument of a process at all; a lone surrogate arrives as U+FFFD.
    // One at a time: a case's before and after must see only its own writes.
    for (const [which, value] of cases) {
      const args = commands[which]![1](value, freshInstance());
      const before = snapshot();
      const r = await asProcess(args);
      expectSafe(args, r, before, snapshot());
      stats.processes++;
    }
  });
});

describe('Given --output @<path>, --to and --out pointing anywhere', () => {
  let fifo: string;
  let loop: string;
  let secretFile: string;
  beforeAll(() => {
    fifo = join(dir, 'pipa');
    const made = spawnSync('mkfifo', [fifo]);
    if (made.status !== 0) fifo = '';
    loop = join(dir, 'lingkaran');
    symlinkSync(loop, loop);
    secretFile = join(dir, 'rahasia', 'surat.txt');
    mkdirSync(join(dir, 'rahasia'));
    writeFileSync(secretFile, 'Isi surat dari folder lain\n');
    mkdirSync(join(dir, 'kerja', 'dalam'), { recursive: true });
  });

  const outputPaths = () => [
    '../../../../../../../../etc/passwd',
    '../rahasia/surat.txt',
    '/dev/zero',
    '/dev/urandom',
    '/dev/null',
    '/dev/stdin',
    '/dev/tty',
    '/proc/self/mem',
    '/proc/self/environ',
    '/tmp',
    '.',
    'tidak-ada.txt',
    'tidak/ada/sama/sekali.txt',
    '',
    loop,
    ...(fifo ? [fifo] : []),
    `${'x'.repeat(5000)}.txt`,
    'surat.txt\u0000.pdf',
  ];

  it('when an output is given as @<path> for each of them, then it is stored (a regular file it can read) or refused, never a stack trace or a hang, and a refusal writes nothing', async () => {
    const cwd = join(dir, 'kerja', 'dalam');
    for (const path of outputPaths()) {
      const inst = freshInstance();
      const args = ['advance', inst, '--as', 'sari', '--output', `surat-permohonan=@${path}`];
      const before = snapshot();
      const r = path.includes('\u0000') ? await inProcess(args) : await asProcess(args, { cwd, input: 'dari stdin\n' });
      expectSafe(args, r, before, snapshot());
      stats.paths++;
      if (r.code === 0) {
        // Only regular files are read, whole: traversal reads what the operator could read anyway.
        const real = path.startsWith('/') ? path : join(cwd, path);
        expect(readOutput(engine, inst, 'surat-permohonan').content.equals(readFileSync(real)), path).toBe(true);
      } else {
        expect(r.stderr, path).toMatch(/\[output\.(file|too-large|empty)\]|\[auth|usage|error:/);
      }
    }
  });

  it('when sop output --to or sop export --out names a device, a folder, a missing folder or an existing file, then it is written or refused cleanly, and nothing in the store changes', async () => {
    const inst = freshInstance();
    await inProcess(['advance', inst, '--as', 'sari', '--output', 'surat-permohonan=Isi']);
    const targets = ['/dev/full', '/dev/null', dir, join(dir, 'tidak', 'ada', 'berkas.txt'), secretFile, join(dir, 'baru.txt'), '/proc/self/mem', ''];
    for (const target of targets) {
      for (const args of [
        ['output', inst, 'surat-permohonan', '--to', target],
        ['export', inst, '--out', target],
      ]) {
        const before = snapshot();
        const r = await inProcess(args);
        expectSafe(args, r, before, snapshot());
        expect(snapshot()).toEqual(before);
        stats.paths++;
      }
    }
    // An existing file is never overwritten.
    expect(readFileSync(secretFile, 'utf8')).toBe('Isi surat dari folder lain\n');
  });
});
