/**
 * Every problem the engine reports, whether a finding about an SOP file or a
 * refused command, carries a stable code that scripts and tests match on, and
 * a location when it comes from a file.
 */
export type Severity = 'error' | 'warning';

export interface SourceLocation {
  file: string;
  /** 1-based; 0 when the problem concerns the whole file. */
  line: number;
  /** 1-based; 0 when the problem concerns the whole file. */
  col: number;
}

/** A finding about an SOP file: reported as `file:line:col CODE message`. */
export interface Problem extends SourceLocation {
  code: string;
  severity: Severity;
  message: string;
  /** JSON path of the offending node, e.g. `steps[3].actor`; empty for the document root. */
  path: string;
}

/** Formats a problem the way compilers do, so editors and terminals can jump to it. */
export function formatProblem(p: Problem): string {
  const where = p.line > 0 ? `${p.file}:${p.line}:${p.col}` : p.file;
  const tag = p.severity === 'warning' ? `warning ${p.code}` : p.code;
  const at = p.path ? `${p.path}: ` : '';
  return `${where} ${tag} ${at}${p.message}`;
}

/**
 * The one error type of the engine. `code` is stable; `exitCode` tells the CLI
 * how to end (1 refused or invalid, 2 usage).
 */
export class SopError extends Error {
  readonly code: string;
  readonly exitCode: 1 | 2;
  readonly problems: Problem[];
  readonly hint: string | undefined;

  constructor(
    code: string,
    message: string,
    options: { exitCode?: 1 | 2; problems?: Problem[]; hint?: string; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SopError';
    this.code = code;
    this.exitCode = options.exitCode ?? 1;
    this.problems = options.problems ?? [];
    this.hint = options.hint;
  }
}

export function isSopError(e: unknown): e is SopError {
  return e instanceof SopError;
}
