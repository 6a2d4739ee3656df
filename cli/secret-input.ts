/**
 * Sensitive outputs (a temporary password) never come from the command line,
 * where other users of a shared machine can read them in the process list.
 * They are typed at a prompt with echo off, or piped on standard input, one
 * line per sensitive output.
 */
import { readSync as fsReadSync } from 'node:fs';

export function readSecrets(names: { id: string; name: string }[], err: (t: string) => void): Map<string, string> {
  const values = new Map<string, string>();
  if (names.length === 0) return values;
  if (process.stdin.isTTY) {
    for (const n of names) values.set(n.id, promptHidden(`${n.name} (${n.id}, not echoed): `, err));
    return values;
  }
  const piped = readPiped();
  const lines = piped.split(/\r?\n/);
  names.forEach((n, i) => {
    const line = lines[i];
    if (line) values.set(n.id, line);
  });
  return values;
}

/**
 * All of standard input, up to its end. Node makes a piped standard input
 * non-blocking once process.stdin is looked at, so a read can find nothing
 * *yet* (EAGAIN) while the writer is still coming (a script that writes the
 * password a moment later): that is waited for, not taken as no input.
 */
function readPiped(): string {
  const chunks: Buffer[] = [];
  const buf = Buffer.alloc(64 * 1024);
  for (;;) {
    let n: number;
    try {
      n = fsReadSync(0, buf, 0, buf.length, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
        continue;
      }
      // No standard input at all: the outputs are simply missing, and advance says so.
      break;
    }
    if (n === 0) break;
    chunks.push(Buffer.from(buf.subarray(0, n)));
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads a line from the terminal with echo off, by reading raw keystrokes synchronously. */
function promptHidden(prompt: string, err: (t: string) => void): string {
  err(prompt);
  const stdin = process.stdin;
  stdin.setRawMode(true);
  let value = '';
  const buf = Buffer.alloc(1);
  try {
    for (;;) {
      let n = 0;
      try {
        n = readSync(buf);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue;
        throw e;
      }
      if (n === 0) break;
      const c = buf[0]!;
      if (c === 0x0d || c === 0x0a) break;
      if (c === 0x03) {
        err('\n');
        process.exit(130);
      }
      if (c === 0x7f || c === 0x08) value = value.slice(0, -1);
      else if (c >= 0x20) value += String.fromCharCode(c);
    }
  } finally {
    stdin.setRawMode(false);
    err('\n');
  }
  return Buffer.from(value, 'latin1').toString('utf8');
}

function readSync(buf: Buffer): number {
  return fsReadSync(0, buf, 0, 1, null);
}
