/**
 * "Fuzz the CLI's arguments ... --output paths that traverse, point at
 * devices or directories, or do not exist. Pass: never a stack trace,
 * never a hang, never a changed database on a refused command."
 *
 * The part that runs the built CLI as child processes, where a stack trace
 * or a hang would show as a person sees it (one argument is at most
 * 128 KiB there: Linux's limit): a sample of the hostile values of the
 * in-process fuzzing (tests/reliability/fuzz-cli.test.ts, which shares its
 * values, commands and pass conditions through fuzz-cli-cases.ts), and the
 * paths of --output @file, tried one by one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, OS_LOGIN_PRELOAD, SOPS, tempDir } from '../../helpers/cli.js';
import { openOffice } from '../../helpers/engine.js';
import { NASTY, commands, describeStats, expectSafe, freshInstance, inProcess, makeFuzzStore, newStats, seed, snapshot, type Outcome } from '../../reliability/fuzz-cli-cases.js';

const PROCESS_CASES = 20;
/**
 * A safety net, not a time limit: a case still running after this long is hung (the slowest takes a
 * second or two, ten times that on a loaded machine), and is killed so that it fails on its exit
 * code, naming the command, instead of holding up the run for ever.
 */
const HUNG_AFTER_MS = 10 * 60_000;

let dir: string;
let db: string;
const stats = newStats();

/** An instance at step 1 for a case, started in-process by sari on an engine closed again before the CLI runs. */
async function caseInstance(): Promise<string> {
  const office = await openOffice(db, { create: false });
  try {
    return await freshInstance(office.as('sari'));
  } finally {
    await office.close();
  }
}

async function storedContent(instance: string, output: string): Promise<Buffer> {
  const office = await openOffice(db, { create: false });
  try {
    return (await office.as('sari').instances.output(instance, output)).content;
  } finally {
    await office.close();
  }
}

/** `sop <args>` as a child process of the built CLI, run by the OS login `login` (stood in for: os-login-preload.cjs). */
function asProcess(args: string[], options: { input?: string; cwd?: string; login?: string } = {}): Promise<Outcome> {
  const env: Record<string, string | undefined> = { ...process.env, SOP_DB: db, SOP_DIR: SOPS };
  delete env.SOP_USER;
  delete env.SOP_DEBUG;
  delete env.SOP_TEST_OS_LOGIN;
  if (options.login !== undefined) {
    env.SOP_TEST_OS_LOGIN = options.login;
    env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} --require ${OS_LOGIN_PRELOAD}`.trim();
  }
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

beforeAll(async () => {
  dir = tempDir('sop-fuzz-cli-');
  db = join(dir, 'sop.db');
  await makeFuzzStore(db);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  console.log(`fuzz-cli (processes): ${describeStats(stats)}`);
});

describe('Given hostile values in every slot of the commands', () => {
  it(`${PROCESS_CASES} cases as child processes of the built CLI (up to 128 KiB an argument): never a stack trace, never a hang, exit 0/1/2, and a refused command leaves the database as it was`, async () => {
    const cases = fc.sample(
      fc.tuple(
        fc.integer({ min: 0, max: commands.length - 1 }),
        fc.oneof(
          fc.constantFrom(...NASTY.filter((n) => !n.includes('\u0000') && n.length < 100_000)),
          fc.string({ unit: 'grapheme', maxLength: 30 }).filter((s) => !s.includes('\u0000')),
          fc.constantFrom('x', 'é', "'").map((c) => c.repeat(60_000)),
        ),
      ),
      { numRuns: PROCESS_CASES, ...(seed === undefined ? {} : { seed }) },
    );
    // A NUL cannot be in an argument of a process at all; a lone surrogate arrives as U+FFFD.
    // One at a time: a case's before and after must see only its own writes.
    for (const [which, value] of cases) {
      const [, login, build] = commands[which]!;
      const args = build(value, await caseInstance());
      const before = snapshot(db);
      const r = await asProcess(args, login === undefined ? {} : { login });
      expectSafe(stats, args, r, before, snapshot(db));
      stats.processes++;
    }
  });
});

describe('Given --output @<path> pointing anywhere', () => {
  let fifo: string;
  let loop: string;
  beforeAll(() => {
    fifo = join(dir, 'pipa');
    const made = spawnSync('mkfifo', [fifo]);
    if (made.status !== 0) fifo = '';
    loop = join(dir, 'lingkaran');
    symlinkSync(loop, loop);
    mkdirSync(join(dir, 'rahasia'));
    writeFileSync(join(dir, 'rahasia', 'surat.txt'), 'Isi surat dari folder lain\n');
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
      const inst = await caseInstance();
      const args = ['advance', inst, '--step', 'pengajuan-permohonan', '--output', `surat-permohonan=@${path}`];
      const before = snapshot(db);
      // A NUL cannot be in a process's argument: that one goes through the CLI's entry point in this process.
      const r = path.includes('\u0000') ? await inProcess(db, args, 'sari') : await asProcess(args, { cwd, input: 'dari stdin\n', login: 'sari' });
      expectSafe(stats, args, r, before, snapshot(db));
      stats.paths++;
      if (r.code === 0) {
        // Only regular files are read, whole: traversal reads what the operator could read anyway.
        const real = path.startsWith('/') ? path : join(cwd, path);
        expect((await storedContent(inst, 'surat-permohonan')).equals(readFileSync(real)), path).toBe(true);
      } else {
        expect(r.stderr, path).toMatch(/\[output\.(file|too-large|empty)\]|usage|error:/);
      }
    }
  });
});
