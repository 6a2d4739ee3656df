/**
 * SHA-256 in hex. Node's one-shot `crypto.hash` (20.12+) is about twice as
 * fast as createHash for the short inputs of the log, which matters when
 * `sop verify` rehashes a million entries; older Nodes fall back.
 *
 * node:crypto is loaded on the first hash, not with the store: it costs
 * about 4 ms, and commands that only read (sop status, sop tasks) hash
 * nothing.
 */
import { createRequire } from 'node:module';
import type * as Crypto from 'node:crypto';

type OneShot = (algorithm: string, data: string | Uint8Array, encoding: 'hex') => string;
let hash: ((data: string | Uint8Array) => string) | undefined;

export function sha256Hex(data: string | Uint8Array): string {
  hash ??= hasher();
  return hash(data);
}

function hasher(): (data: string | Uint8Array) => string {
  const crypto = createRequire(import.meta.url)('node:crypto') as typeof Crypto;
  const oneShot = (crypto as unknown as { hash?: OneShot }).hash;
  return oneShot ? (data) => oneShot('sha256', data, 'hex') : (data) => crypto.createHash('sha256').update(data).digest('hex');
}
