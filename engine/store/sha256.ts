/**
 * SHA-256 in hex. Node's one-shot `crypto.hash` (20.12+) is about twice as
 * fast as createHash for the short inputs of the log, which matters when
 * `sop verify` rehashes a million entries; older Nodes fall back.
 *
 * node:crypto is loaded on the first hash, not with the store: it costs
 * about 2 ms to load, and commands that only read (sop status, sop tasks)
 * hash nothing. Every use of node:crypto goes through this module.
 */
import { createRequire } from 'node:module';
import type * as Crypto from 'node:crypto';

type OneShot = (algorithm: string, data: string | Uint8Array, encoding: 'hex') => string;
let hash: ((data: string | Uint8Array) => string) | undefined;

export function sha256Hex(data: string | Uint8Array): string {
  hash ??= hasher();
  return hash(data);
}

let loaded: typeof Crypto | undefined;
function crypto(): typeof Crypto {
  loaded ??= createRequire(import.meta.url)('node:crypto') as typeof Crypto;
  return loaded;
}

/** Random bytes (ids of instances and requests), from the same lazily loaded module. */
export function randomBytes(n: number): Buffer {
  return crypto().randomBytes(n);
}

/** An incremental SHA-256, for data written a piece at a time (a bundle's lines). */
export function sha256Stream(): { update(data: string | Uint8Array): void; hex(): string } {
  const h = crypto().createHash('sha256');
  return {
    update: (data) => void h.update(data),
    hex: () => h.digest('hex'),
  };
}

function hasher(): (data: string | Uint8Array) => string {
  const c = crypto();
  const oneShot = (c as unknown as { hash?: OneShot }).hash;
  return oneShot ? (data) => oneShot('sha256', data, 'hex') : (data) => c.createHash('sha256').update(data).digest('hex');
}
