/**
 * Whether a signed checkpoint holds against the key entries of a log: its
 * key was added at or before the checkpoint's entry, not retired at or
 * before it, and its signature is that key's over this seq and hash.
 */
import type { Break } from './breaks.js';
import { signatureHolds, type SignedCheckpoint } from './signing.js';

export interface KnownKey {
  publicKey: string;
  addedSeq: number;
  retiredSeq: number | null;
}

export function checkSignature(c: SignedCheckpoint, keys: ReadonlyMap<string, KnownKey>, what = 'the checkpoint'): Break | undefined {
  const fail = (message: string): Break => ({ code: 'checkpoint.signature', seq: c.seq, message });
  const key = keys.get(c.keyId);
  if (!key) return fail(`${what} is signed with key ${c.keyId}, which no entry of the log added: this store's writer did not sign it`);
  if (key.addedSeq > c.seq) return fail(`${what} names entry ${c.seq}, but its key ${c.keyId} was added later, at entry ${key.addedSeq}: it was signed after the log was rewritten`);
  if (key.retiredSeq !== null && key.retiredSeq <= c.seq) {
    return fail(`${what} names entry ${c.seq}, but its key ${c.keyId} was retired at entry ${key.retiredSeq}: a retired key signs nothing after it`);
  }
  if (!signatureHolds(c, key.publicKey)) return fail(`the signature of ${what} is not key ${c.keyId}'s over entry ${c.seq} and hash ${c.hash.slice(0, 12)}: it was forged, or mistyped`);
  return undefined;
}
