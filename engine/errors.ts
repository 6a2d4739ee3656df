/**
 * Every problem the engine reports, whether a finding about an SOP file or a
 * refused command, carries a stable code that programs and tests match on,
 * and a location when it comes from a file. What a person is told to do
 * next (a hint naming a command or a page) is the presenter's: the CLI and
 * the web map codes to hints and exit codes or HTTP statuses, using the
 * error's `kind` and `data`.
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
 * What kind of failure a code is, for a presenter to map (an exit code, an
 * HTTP status) without knowing every code:
 * - `invalid`: what was asked is malformed or breaks a rule of the SOP (a bad title, a missing output);
 * - `not-found`: what was named does not exist;
 * - `forbidden`: the person may not do it;
 * - `conflict`: the record changed or already holds it (retry after reading again);
 * - `unavailable`: the store cannot be used now (busy, full, unwritable): nothing was written;
 * - `damaged`: the store's content is damaged or inconsistent.
 */
export type ErrorKind = 'invalid' | 'not-found' | 'forbidden' | 'conflict' | 'unavailable' | 'damaged';

/** Every code the engine throws, with its kind. */
export const ERROR_KINDS = {
  'assign.role-actor': 'invalid',
  'assign.unknown-actor': 'invalid',
  'auth.not-actor': 'forbidden',
  // Rules of authority (issue 11): separation of duties, delegations, reassignments.
  'auth.separation': 'forbidden',
  'delegation.ended': 'conflict',
  'delegation.invalid': 'invalid',
  'delegation.not-holder': 'invalid',
  'delegation.unknown': 'not-found',
  'reassign.invalid-reason': 'invalid',
  'reassign.same-person': 'invalid',
  'store.delegation-exists': 'conflict',
  'user.has-active-cases': 'conflict',
  'auth.not-admin': 'forbidden',
  'auth.not-you': 'forbidden',
  'auth.no-reason': 'invalid',
  'auth.unknown-login': 'forbidden',
  'auth.logins-bound': 'conflict',
  'auth.not-maintainer': 'forbidden',
  'calendar.missing': 'not-found',
  'publish.invalid-date': 'invalid',
  'sop.not-published': 'not-found',
  'sop.not-yet-effective': 'not-found',
  'auth.not-allowed': 'forbidden',
  'auth.unknown-user': 'forbidden',
  'bundle.invalid': 'invalid',
  'calendar.ambiguous': 'invalid',
  'calendar.duration': 'invalid',
  'calendar.hours': 'invalid',
  'calendar.invalid': 'invalid',
  'calendar.invalid-date': 'invalid',
  'calendar.no-working-time': 'invalid',
  'calendar.time-zone': 'invalid',
  'cancel.invalid-reason': 'invalid',
  'choice.not-allowed': 'invalid',
  'choice.required': 'invalid',
  'choice.unknown': 'invalid',
  'event.unknown': 'invalid',
  'file.unreadable': 'invalid',
  'instance.finished': 'conflict',
  'instance.unknown': 'not-found',
  'list.invalid-status': 'invalid',
  'machine.invalid-event': 'damaged',
  'machine.invalid-state': 'damaged',
  'machine.reserved-id': 'invalid',
  'note.invalid': 'invalid',
  'output.empty': 'invalid',
  'output.missing': 'invalid',
  'output.missing-blob': 'damaged',
  'output.not-recorded': 'not-found',
  'output.repeated': 'invalid',
  'output.sensitive': 'forbidden',
  'output.sensitive-argument': 'invalid',
  'output.too-large': 'invalid',
  'output.unknown': 'invalid',
  'paths.too-many': 'invalid',
  'replay.nothing': 'not-found',
  'request.invalid-id': 'invalid',
  'request.mismatch': 'conflict',
  'request.repeated': 'damaged',
  'key.exists': 'conflict',
  'key.unknown': 'not-found',
  'key.missing': 'not-found',
  'key.unreadable': 'unavailable',
  'key.retired': 'forbidden',
  'role.case-actor': 'invalid',
  'role.unknown': 'invalid',
  'sop.exists': 'conflict',
  'sop.invalid': 'invalid',
  'sop.invalid-id': 'invalid',
  'sop.not-found': 'not-found',
  'sops.unreadable': 'not-found',
  'start.invalid-title': 'invalid',
  'step.not-current': 'conflict',
  'store.busy': 'unavailable',
  'store.clock-behind': 'unavailable',
  'store.conflict': 'conflict',
  'store.damaged': 'damaged',
  'store.full': 'unavailable',
  'store.instance-exists': 'conflict',
  'store.invalid-event': 'invalid',
  'store.io-error': 'unavailable',
  'store.last-admin': 'conflict',
  'store.login-taken': 'conflict',
  'store.not-a-database': 'damaged',
  'store.not-empty': 'conflict',
  'store.newer-schema': 'unavailable',
  'store.not-found': 'not-found',
  'store.open-failed': 'unavailable',
  'store.sqlite-too-old': 'unavailable',
  'store.unknown-definition': 'damaged',
  'store.unknown-instance': 'not-found',
  'store.unknown-user': 'not-found',
  'store.unwritable': 'unavailable',
  'store.user-exists': 'conflict',
  'user.invalid-name': 'invalid',
  'user.invalid-login': 'invalid',
  'user.invalid-profile': 'invalid',
  // Proven identity (issue 11): passwords, sessions, API tokens. A server answers the first four with 401.
  'auth.bad-credentials': 'forbidden',
  'auth.session-expired': 'forbidden',
  'auth.token-revoked': 'forbidden',
  'auth.unauthenticated': 'forbidden',
  'auth.rate-limited': 'unavailable',
  'auth.password-change-required': 'forbidden',
  'auth.weak-password': 'invalid',
  'auth.old-password-required': 'invalid',
  'token.invalid-label': 'invalid',
  'token.unknown': 'not-found',
  // The server's own refusals of a request before the engine is asked.
  'server.invalid-request': 'invalid',
  'server.no-route': 'not-found',
  'server.too-large': 'invalid',
  'server.unreachable': 'unavailable',
  'server.internal-error': 'damaged',
  'server.shared-store': 'forbidden',
} as const satisfies Record<string, ErrorKind>;

export type ErrorCode = keyof typeof ERROR_KINDS;

/** Facts about a failure, by name: the instance, the step, the user, the role ... what a presenter needs for its hint. */
export type ErrorData = Readonly<Record<string, string | number | boolean | null | readonly string[]>>;

/**
 * The one error type of the engine: a stable `code` (typed), its `kind`, a
 * message for a person, `data` for programs and hints, and the `problems`
 * of a file when it is about one.
 */
export class SopError<C extends ErrorCode = ErrorCode> extends Error {
  readonly code: C;
  readonly kind: ErrorKind;
  readonly data: ErrorData;
  readonly problems: Problem[];

  constructor(code: C, message: string, options: { data?: ErrorData; problems?: Problem[]; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SopError';
    this.code = code;
    this.kind = ERROR_KINDS[code];
    this.data = options.data ?? {};
    this.problems = options.problems ?? [];
  }

  /** The error as JSON for a program: `{code, kind, message, data, problems}`. */
  toJSON(): { code: C; kind: ErrorKind; message: string; data: ErrorData; problems: Problem[] } {
    return { code: this.code, kind: this.kind, message: this.message, data: this.data, problems: this.problems };
  }
}

export function isSopError(e: unknown): e is SopError {
  return e instanceof SopError;
}

/** Whether `e` is a SopError with one of these codes (narrowed). */
export function hasCode<C extends ErrorCode>(e: unknown, ...codes: C[]): e is SopError<C> {
  return e instanceof SopError && (codes as readonly string[]).includes((e as SopError).code);
}
