/**
 * Failures as HTTP answers: every refusal is a problem document
 * (`application/problem+json`) with the engine's stable code, its kind, a
 * message for a person, the facts by name (`data`) and, for an SOP file,
 * its located `problems`: the same as the CLI's `--json` error and what
 * the CLI's client turns back into a SopError. The HTTP status comes from
 * the kind; a few codes have a status of their own.
 */
import { isSopError, SopError, type ErrorCode, type ErrorKind } from '../engine/index.js';

/** The status of each kind of failure. */
const STATUS_OF_KIND: Record<ErrorKind, number> = {
  invalid: 422,
  'not-found': 404,
  forbidden: 403,
  conflict: 409,
  unavailable: 503,
  damaged: 500,
};

/** Codes whose status is not their kind's: who the caller is was not proven (401), too many tries (429). */
const STATUS_OF_CODE: Partial<Record<ErrorCode, number>> = {
  'auth.bad-credentials': 401,
  'auth.session-expired': 401,
  'auth.token-revoked': 401,
  'auth.unauthenticated': 401,
  'auth.rate-limited': 429,
  'server.too-large': 413,
};

export function statusOf(e: SopError): number {
  return STATUS_OF_CODE[e.code] ?? STATUS_OF_KIND[e.kind];
}

export const PROBLEM_TYPE = 'application/problem+json; charset=utf-8';

/** The body of a problem answer. */
export interface ProblemBody {
  status: number;
  code: string;
  kind: string;
  message: string;
  data: Record<string, unknown>;
  problems: unknown[];
}

export function problemOf(e: SopError): ProblemBody {
  return { status: statusOf(e), ...e.toJSON() };
}

/** What Fastify itself refuses (a body that does not match the route's schema, bad JSON, too large ...), as a SopError. */
export function requestFailure(error: unknown): SopError {
  if (isSopError(error)) return error;
  const e = error as { code?: string; statusCode?: number; message?: string; validation?: unknown; validationContext?: string };
  if (e.validation !== undefined) {
    return new SopError('server.invalid-request', `the request's ${e.validationContext ?? 'content'} is not as this route takes it: ${e.message ?? ''}`, {
      data: { where: e.validationContext ?? null },
    });
  }
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new SopError('server.too-large', 'the request body is larger than this route takes', { data: { where: 'body' } });
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new SopError('server.invalid-request', e.message ?? 'the request is not one this server takes', { data: { where: null, fastify: e.code ?? null } });
  }
  return new SopError('server.internal-error', 'the server failed to answer this request; the failure is in its log', { cause: error });
}
