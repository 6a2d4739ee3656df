import { isSopError, formatProblem } from '../engine/errors.js';
import type { Io } from './io.js';

/** Prints a failure for a person: what went wrong, where, and what to do next. Returns the exit code. */
export function reportError(io: Io, e: unknown): number {
  if (isSopError(e)) {
    io.err(`sop: ${e.message} [${e.code}]\n`);
    for (const p of e.problems) io.err(`  ${formatProblem(p)}\n`);
    if (e.hint) io.err(`  hint: ${e.hint}\n`);
    return e.exitCode;
  }
  const err = e as Error;
  io.err(`sop: internal error: ${err?.message ?? String(e)}\n`);
  if (process.env.SOP_DEBUG) io.err(`${err?.stack ?? ''}\n`);
  else io.err('  This is a bug in sop. Run again with SOP_DEBUG=1 to see where it happened, and report it.\n');
  return 1;
}
