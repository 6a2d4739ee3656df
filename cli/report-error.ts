import { isSopError, formatProblem } from '../engine/errors.js';
import type { Io } from './io.js';

/** The longest line a failure prints, in characters. */
const MAX_LINE = 1000;

/**
 * Messages quote what was given (a name, a choice, a path), and that may be
 * hostile: a control character would drive the terminal, a 1 MB argument
 * would come back as a 1 MB message. Each line is shown escaped and cut.
 */
function shown(text: string): string {
  // eslint-disable-next-line no-control-regex
  const escaped = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const chars = [...escaped];
  return chars.length > MAX_LINE ? `${chars.slice(0, MAX_LINE).join('')}…` : escaped;
}

/** Prints a failure for a person: what went wrong, where, and what to do next. Returns the exit code. */
export function reportError(io: Io, e: unknown): number {
  if (isSopError(e)) {
    io.err(`sop: ${shown(e.message)} [${e.code}]\n`);
    for (const p of e.problems) io.err(`  ${shown(formatProblem(p))}\n`);
    if (e.hint) io.err(`  hint: ${shown(e.hint)}\n`);
    return e.exitCode;
  }
  const err = e as Error;
  io.err(`sop: internal error: ${shown(err?.message ?? String(e))}\n`);
  if (process.env.SOP_DEBUG) io.err(`${err?.stack ?? ''}\n`);
  else io.err('  This is a bug in sop. Run again with SOP_DEBUG=1 to see where it happened, and report it.\n');
  return 1;
}
