/**
 * Whole-process timings: each command is run as its own process with
 * spawnSync, rounds interleave the commands (so a slow moment of the machine
 * hits every command alike), and the median of the rounds is the figure.
 */
import { spawnSync } from 'node:child_process';
import { cpus, totalmem, release } from 'node:os';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = join(ROOT, 'dist', 'cli', 'bin.cjs');
export const SOPS = join(ROOT, 'sops');

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Runs one process; throws with its stderr if it fails. Returns wall milliseconds. */
export function timeProcess(argv, options = {}) {
  const started = performance.now();
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', maxBuffer: 64 << 20, ...options });
  const ms = performance.now() - started;
  if (r.status !== 0) throw new Error(`${argv.join(' ').slice(0, 200)} exited ${r.status}: ${(r.stderr || r.error?.message || '').slice(0, 500)}`);
  return ms;
}

/**
 * `commands`: {name: () => argv} (a function, so that each run may take fresh arguments).
 * Runs `warmup` unmeasured rounds, then `rounds` measured ones, interleaved. Returns {name: medianMs}.
 */
export function interleavedMedians(commands, { rounds = 25, warmup = 3, env, cwd } = {}) {
  const names = Object.keys(commands);
  const times = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < warmup + rounds; r++) {
    for (const n of names) {
      const ms = timeProcess(commands[n](), { env, cwd });
      if (r >= warmup) times[n].push(ms);
    }
  }
  return Object.fromEntries(names.map((n) => [n, median(times[n])]));
}

export function machine() {
  const cpu = cpus();
  return {
    cpu: `${cpu[0]?.model?.trim() ?? 'unknown'} (${cpu.length} cores)`,
    memory: `${Math.round(totalmem() / 2 ** 30)} GiB`,
    os: `Linux ${release()}`,
    node: process.version,
  };
}

export const fmt = {
  ms: (v) => `${v.toFixed(1)} ms`,
  rate: (v, unit) => `${v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(1)} ${unit}/s`,
  ratio: (v) => `${v.toFixed(2)}x`,
  mb: (kb) => `${(kb / 1024).toFixed(0)} MiB`,
};
