/**
 * Request ids for the changing use cases (init, user changes, start,
 * advance, cancel). A caller that passes its own id can run a command again
 * after a timeout or a crash: it is applied once, and the retry answers as
 * the first run did.
 */
import { SopError } from '../errors.js';
import { canonicalJson } from '../store/canonical-json.js';
import { randomBytes, sha256Hex } from '../store/sha256.js';
import type { RequestKey } from '../store/index.js';
import { printable } from '../text.js';

/** What a request id may look like: a UUID, a ULID, "job-42:step-3" ... */
export const REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export interface RequestSpec {
  /** The caller's id for this change; a random one when absent. */
  id?: string | undefined;
  /** The use case, e.g. "advance". */
  command: string;
  /**
   * What it was asked to do: plain JSON data, and bytes (an output's file
   * content), which count by their SHA-256. Only a digest of it all is
   * kept. Never a secret value: a hash of a short password can be guessed.
   * A retry must ask exactly the same, as the same user.
   */
  args: unknown;
}

/** A fresh random request id: 128 bits, as 32 hex digits. */
export function newRequestId(): string {
  return randomBytes(16).toString('hex');
}

export function assertRequestId(id: string): void {
  if (!REQUEST_ID.test(id)) throw new SopError('request.invalid-id', `"${printable(id)}" is not a valid request id`, { data: { request: id } });
}

/** The key a request is recorded under: its id, and a fingerprint of who asked what. */
export function requestKey(spec: RequestSpec, user: string): RequestKey {
  const id = spec.id ?? newRequestId();
  assertRequestId(id);
  const argsHash = sha256Hex(canonicalJson({ command: spec.command, user, args: digestible(spec.args) }));
  return { id, command: spec.command, argsHash };
}

/** The args with every byte array replaced by its SHA-256, so that a 10 MiB file costs one hash, not a JSON array. */
function digestible(value: unknown): unknown {
  if (value instanceof Uint8Array) return { sha256: sha256Hex(value) };
  if (Array.isArray(value)) return value.map(digestible);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, digestible(v)]));
  return value;
}
