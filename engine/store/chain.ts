/**
 * The hash chain over the global log. Every entry's hash is
 *
 *   SHA-256( "sop.log.v1" LF  previous hash (hex)  LF  canonical JSON of the entry )
 *
 * where the entry is `{at, instance, kind, payload, seq, version}` and
 * `payload` is the SHA-256 of the stored payload text (itself canonical
 * JSON). Naming the payload by its digest lets an export of one instance
 * carry the other instances' entries as digests only: the chain can still be
 * recomputed end to end without disclosing their content.
 *
 * The first entry chains to GENESIS. The domain tag keeps these hashes from
 * ever being confused with other SHA-256 values of the system (definitions,
 * blobs).
 */
import { sha256Hex } from './sha256.js';

export const CHAIN_TAG = 'sop.log.v1';
export const GENESIS = '0'.repeat(64);

/** The hashed fields of a log entry, the payload given by its digest. */
export interface ChainFields {
  seq: number;
  kind: string;
  instanceId: string | null;
  version: number | null;
  at: string;
}

/** The canonical JSON of an entry: keys in code-unit order, no whitespace (what canonicalJson would write). */
export function canonicalEntry(e: ChainFields, payloadSha256: string): string {
  return (
    `{"at":${JSON.stringify(e.at)},"instance":${e.instanceId === null ? 'null' : JSON.stringify(e.instanceId)},` +
    `"kind":${JSON.stringify(e.kind)},"payload":"${payloadSha256}","seq":${e.seq},"version":${e.version === null ? 'null' : e.version}}`
  );
}

export function entryHash(prevHash: string, e: ChainFields, payloadSha256: string): string {
  return sha256Hex(`${CHAIN_TAG}\n${prevHash}\n${canonicalEntry(e, payloadSha256)}`);
}

/** The hash of an entry whose payload text is at hand. */
export function chainHash(prevHash: string, e: ChainFields, payload: string): string {
  return entryHash(prevHash, e, sha256Hex(payload));
}

/** The head of the chain: the last entry's seq and hash (seq 0 and GENESIS for an empty log). */
export interface Checkpoint {
  seq: number;
  hash: string;
}

/** "<seq>:<hash>", the form an auditor copies and gives back to `sop verify --checkpoint`. */
export function formatCheckpoint(c: Checkpoint): string {
  return `${c.seq}:${c.hash}`;
}

export function parseCheckpoint(text: string): Checkpoint | undefined {
  const m = /^\s*(\d{1,15}):([0-9a-f]{64})\s*$/i.exec(text);
  return m ? { seq: Number(m[1]), hash: m[2]!.toLowerCase() } : undefined;
}
