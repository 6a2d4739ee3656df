/**
 * Runs the built CLI as a child process, as a user would: `node dist/cli/bin.cjs`,
 * the binary that package.json's bin points at (it runs the bundled CLI).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GATE_PRELOAD, gateStdio, openGate } from './gate.js';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const CLI = join(ROOT, 'dist', 'cli', 'bin.cjs');
export const SOPS = join(ROOT, 'sops');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Stands a process in for an OS login (see os-login-preload.cjs). */
export const OS_LOGIN_PRELOAD = join(ROOT, 'tests', 'helpers', 'os-login-preload.cjs');

/**
 * How a test runs the CLI: in `cwd`, with `env`, standard input `input`, and
 * as the OS login `login` (test scaffolding for several people on one
 * machine account: see os-login-preload.cjs).
 */
export interface RunOptions {
  cwd?: string;
  env?: Record<string, string>;
  input?: string;
  login?: string;
}

/**
 * Where the CLI runs of this test process remember the steps they showed
 * (cli/shown.ts) and keep server credentials (cli/remote/credentials.ts):
 * folders of the test's own, not the home of whoever runs the tests. A test
 * may give XDG_STATE_HOME or XDG_CONFIG_HOME in `env` to use others.
 */
const STATE_HOME = mkdtempSync(join(tmpdir(), 'sop-state-'));
const CONFIG_HOME = mkdtempSync(join(tmpdir(), 'sop-config-'));

/** The environment of a CLI run: the caller's SOP_* settings left out (they must not leak into a test), the OS login stood in for. */
function runEnv(options: RunOptions): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env, XDG_STATE_HOME: STATE_HOME, XDG_CONFIG_HOME: CONFIG_HOME };
  for (const name of ['SOP_DIR', 'SOP_DB', 'SOP_USER', 'SOP_DEBUG', 'SOP_SERVER', 'SOP_TOKEN', 'SOP_TEST_OS_LOGIN']) delete env[name];
  if (options.login !== undefined) {
    env.SOP_TEST_OS_LOGIN = options.login;
    env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} --require ${OS_LOGIN_PRELOAD}`.trim();
  }
  return { ...env, ...options.env };
}

export function sop(args: string[], options: RunOptions = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? ROOT,
    env: runEnv(options),
    input: options.input ?? '',
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function tempDir(prefix = 'sop-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A stack trace line as Node prints it; a user must never see one. */
export const STACK_TRACE = /^\s+at .+(\(|:\d+:\d+)/m;

export interface SpawnedResult extends CliResult {
  args: string[];
}

type SpawnOptions = RunOptions;

/**
 * `sop(args)` started without waiting: several can run at once (two
 * operators at the same moment). The environment is cleared of SOP_*
 * settings as in `sop()`; standard input is given and closed.
 */
export function spawnSop(args: string[], options: SpawnOptions = {}): Promise<SpawnedResult> {
  return start(args, options, false).done;
}

/**
 * Several `sop` runs that begin together: each process is held at a start
 * gate (gate.ts) before the CLI's code runs, and all are let go once all of
 * them are there. So they overlap by construction, however slow the machine.
 */
export async function spawnSopTogether(runs: { args: string[]; options?: SpawnOptions }[]): Promise<SpawnedResult[]> {
  const started = runs.map(({ args, options }) => start(args, options ?? {}, true));
  await openGate(started.map((s) => s.child));
  return Promise.all(started.map((s) => s.done));
}

function start(args: string[], options: SpawnOptions, gated: boolean): { child: ChildProcess; done: Promise<SpawnedResult> } {
  const child = spawn(process.execPath, [...(gated ? ['--require', GATE_PRELOAD] : []), CLI, ...args], {
    cwd: options.cwd ?? ROOT,
    env: runEnv(options),
    stdio: gated ? [...gateStdio()] : ['pipe', 'pipe', 'pipe'],
  });
  const done = new Promise<SpawnedResult>((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ args, code: code ?? -1, stdout, stderr }));
    // The child may exit without reading standard input: that is not an error here.
    child.stdin!.on('error', () => {});
    child.stdin!.end(options.input ?? '');
  });
  return { child, done };
}
