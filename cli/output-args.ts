/** `--output "<id>=<text>"` and `--output "<id>=@<file>"`, checked before anything is read. */
import { openSync, fstatSync, readSync, closeSync, constants } from 'node:fs';
import { MAX_OUTPUT_BYTES, printable, type OutputInput } from '../engine/index.js';
import { CliError } from './errors.js';

export function parseOutputArg(arg: string): OutputInput {
  const eq = arg.indexOf('=');
  if (eq <= 0) {
    throw new CliError('output.syntax', 'an output is given as --output "<id>=<text>" or --output "<id>=@<file>"', { usage: true });
  }
  const id = arg.slice(0, eq);
  const raw = arg.slice(eq + 1);
  if (raw.startsWith('@@')) return { id, value: raw.slice(1) };
  if (raw.startsWith('@')) return { id, value: readOutputFile(raw.slice(1)) };
  return { id, value: raw };
}

function readOutputFile(path: string): Buffer {
  let fd: number;
  const shown = JSON.stringify(printable(path, 200));
  try {
    // Non-blocking: opening a named pipe must not wait for a writer that never comes.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'cannot be read (permission denied)' : code === 'EISDIR' ? 'is a folder' : `cannot be read (${code})`;
    throw new CliError('output.file', `output file ${shown} ${why}`, { hint: 'give the path of a regular file, or the text itself without @' });
  }
  try {
    const st = fstatSync(fd);
    // Devices and pipes could be endless; folders have no content.
    if (!st.isFile()) throw new CliError('output.file', `output file ${shown} is not a regular file`, { hint: 'give the path of a regular file' });
    if (st.size > MAX_OUTPUT_BYTES) {
      throw new CliError('output.too-large', `output file ${shown} is ${(st.size / 1024 / 1024).toFixed(1)} MiB; an output may be at most ${MAX_OUTPUT_BYTES / 1024 / 1024} MiB`, {
        hint: 'store a reference (a path or document number) as text instead',
      });
    }
    const buf = Buffer.alloc(st.size);
    let off = 0;
    while (off < st.size) {
      const n = readSync(fd, buf, off, st.size - off, off);
      if (n === 0) break;
      off += n;
    }
    return buf.subarray(0, off);
  } finally {
    closeSync(fd);
  }
}
