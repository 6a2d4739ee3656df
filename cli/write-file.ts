/** `--out <file>` of the commands that write a document: the file, or standard output without it. */
import { writeFileSync } from 'node:fs';
import { CliError } from './errors.js';
import { displayPath } from '../engine/index.js';
import type { Io } from './io.js';

export function writeOrPrint(io: Io, text: string, out: string | undefined): void {
  if (out === undefined) {
    io.out(text);
    return;
  }
  writeText(out, text, 'w');
  io.out(`wrote ${displayPath(out)}\n`);
}

/** Writes a text file; `wx` refuses an existing one. Failures become SopErrors that say what to do. */
export function writeText(path: string, text: string, flag: 'w' | 'wx'): void {
  try {
    writeFileSync(path, text, { encoding: 'utf8', flag });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      throw new CliError('file.exists', `${displayPath(path)} already exists; sop does not overwrite it`, {
        hint: 'choose another id, or move the existing file away first',
      });
    }
    const why =
      code === 'ENOENT' || code === 'ENOTDIR' ? 'its folder does not exist' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : (code ?? (e as Error).message);
    throw new CliError('file.unwritable', `cannot write ${displayPath(path)}: ${why}`, { hint: 'give a path in a folder you can write to' });
  }
}
