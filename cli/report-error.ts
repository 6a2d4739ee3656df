import { formatProblem, isSopError, escapeControls, cut, type ErrorCode } from '../engine/index.js';
import { CliError } from './errors.js';
import { hintFor } from './hints.js';
import type { Io } from './io.js';
import { EXIT_REFUSED, EXIT_USAGE } from './options.js';

/** The longest line a failure prints, in characters. */
const MAX_LINE = 1000;

/** Engine codes that mean the command line itself was wrong: exit 2, as for a usage error. */
const USAGE_CODES = new Set<ErrorCode>(['list.invalid-status', 'request.invalid-id', 'cancel.invalid-reason', 'reassign.invalid-reason', 'delegation.invalid']);

/**
 * Messages quote what was given (a name, a choice, a path), and that may be
 * hostile: a control character would drive the terminal, a 1 MB argument
 * would come back as a 1 MB message. Each line is shown escaped and cut.
 */
function shown(text: string): string {
  return cut(escapeControls(text), MAX_LINE);
}

/** Prints a failure for a person: what went wrong, where, and what to do next. Returns the exit code. */
export function reportError(io: Io, e: unknown): number {
  if (isSopError(e)) {
    io.err(`sop: ${shown(e.message)} [${e.code}]\n`);
    for (const p of e.problems) io.err(`  ${shown(formatProblem(p))}\n`);
    const hint = hintFor(e);
    if (hint) io.err(`  hint: ${shown(hint)}\n`);
    return USAGE_CODES.has(e.code) ? EXIT_USAGE : EXIT_REFUSED;
  }
  if (e instanceof CliError) {
    io.err(`sop: ${shown(e.message)} [${e.code}]\n`);
    if (e.hint) io.err(`  hint: ${shown(e.hint)}\n`);
    return e.exitCode;
  }
  const err = e as Error;
  io.err(`sop: internal error: ${shown(err?.message ?? String(e))}\n`);
  if (process.env.SOP_DEBUG) io.err(`${err?.stack ?? ''}\n`);
  else io.err('  This is a bug in sop. Run again with SOP_DEBUG=1 to see where it happened, and report it.\n');
  return EXIT_REFUSED;
}
