/**
 * A start gate for child processes, so that tests make processes overlap by
 * construction instead of by timing. Each child is spawned with a pipe as
 * file descriptor 3 (`GATE_STDIO`) and calls `passGate()` of gate.cjs (or is
 * started with `GATE_PRELOAD`): it says "ready" there and waits. `openGate`
 * resolves once every child is ready, then lets them all go at once.
 */
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

/** `node --require` this file to hold a process at the gate before its script runs. */
export const GATE_PRELOAD = join(import.meta.dirname, 'gate-preload.cjs');
/** The child module with `passGate()`, for scripts that wait at a point of their own. */
export const GATE_MODULE = join(import.meta.dirname, 'gate.cjs');

/** stdio for a gated child: standard input, output and error as given, and the gate's pipe as fd 3. */
export const gateStdio = (stdin: 'pipe' | 'ignore' = 'pipe') => [stdin, 'pipe', 'pipe', 'pipe'] as const;

function ready(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    const pipe = child.stdio[3] as Readable;
    let said = '';
    const onExit = (code: number | null, signal: string | null) => reject(new Error(`a gated process (pid ${child.pid}) ended (${signal ?? code}) before it reached the gate`));
    child.once('exit', onExit);
    pipe.setEncoding('utf8').on('data', (d: string) => {
      said += d;
      if (said.includes('ready\n')) {
        child.off('exit', onExit);
        resolve();
      }
    });
  });
}

/**
 * Waits until every child has said "ready" at the gate, then opens it for all of them. If one ends
 * before it gets there, the others are killed (they would wait for ever) and this rejects.
 */
export async function openGate(children: ChildProcess[]): Promise<void> {
  try {
    await Promise.all(children.map(ready));
  } catch (e) {
    for (const c of children) c.kill('SIGKILL');
    throw e;
  }
  for (const c of children) {
    const pipe = c.stdio[3] as Writable;
    pipe.on('error', () => {});
    pipe.end('go\n');
  }
}
