/**
 * Runs the built CLI as a child process, as a user would: `node dist/cli/bin.cjs`,
 * the binary that package.json's bin points at (it runs the bundled CLI).
 */
import { spawnSync } from 'node:child_process';
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
