/**
 * Runs the built CLI as a child process, as a user would: `node dist/cli/bin.cjs`,
 * the binary that package.json's bin points at (it runs the bundled CLI).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const CLI = join(ROOT, 'dist', 'cli', 'bin.cjs');
export const SOPS = join(ROOT, 'sops');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

export function sop(args: string[], options: { cwd?: string; env?: Record<string, string>; input?: string } = {}): CliResult {
  const started = performance.now();
  const env: Record<string, string | undefined> = { ...process.env };
  // The caller's own settings must not leak into the test.
  for (const name of ['SOP_DIR', 'SOP_DB', 'SOP_USER', 'SOP_DEBUG']) delete env[name];
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...env, ...options.env },
    input: options.input ?? '',
    encoding: 'utf8',
    timeout: 20_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, ms: performance.now() - started };
}

export function tempDir(prefix = 'sop-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A stack trace line as Node prints it; a user must never see one. */
export const STACK_TRACE = /^\s+at .+(\(|:\d+:\d+)/m;

export interface SpawnedResult extends CliResult {
  args: string[];
  /** When the process was started and when it ended (performance.now()), to show that runs overlapped. */
  spawnedAt: number;
  endedAt: number;
}

/**
 * `sop(args)` started without waiting: several can run at once (two
 * operators at the same moment). The environment is cleared of SOP_*
 * settings as in `sop()`; standard input is given and closed.
 */
export function spawnSop(args: string[], options: { cwd?: string; env?: Record<string, string>; input?: string } = {}): Promise<SpawnedResult> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of ['SOP_DIR', 'SOP_DB', 'SOP_USER', 'SOP_DEBUG']) delete env[name];
  const spawnedAt = performance.now();
  return new Promise<SpawnedResult>((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd ?? ROOT, env: { ...env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const endedAt = performance.now();
      resolve({ args, code: code ?? -1, stdout, stderr, ms: endedAt - spawnedAt, spawnedAt, endedAt });
    });
    // The child may exit without reading standard input: that is not an error here.
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}
