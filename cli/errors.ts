/**
 * The CLI's own failures: what it finds wrong before the engine is asked
 * (an argument, a file to read or write). They print like the engine's:
 * `sop: message [code]`, a hint, and an exit code.
 */
import { EXIT_REFUSED, EXIT_USAGE } from './options.js';

export type CliCode =
  | 'usage'
  | 'advance.step-required'
  | 'advance.version'
  | 'assign.syntax'
  | 'bundle.unreadable'
  | 'demo.foreign-database'
  | 'export.exists'
  | 'export.unwritable'
  | 'file.exists'
  | 'file.unwritable'
  | 'output.file'
  | 'output.syntax'
  | 'output.too-large'
  | 'output.write';

export class CliError extends Error {
  readonly exitCode: number;
  readonly hint: string | undefined;

  constructor(
    readonly code: CliCode,
    message: string,
    options: { hint?: string; usage?: boolean } = {},
  ) {
    super(message);
    this.name = 'CliError';
    this.hint = options.hint;
    this.exitCode = options.usage ? EXIT_USAGE : EXIT_REFUSED;
  }
}

/** A usage error (exit 2): the command line itself is wrong. */
export function usageError(message: string, hint?: string): CliError {
  return new CliError('usage', message, { usage: true, ...(hint === undefined ? {} : { hint }) });
}
