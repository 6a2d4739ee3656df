/**
 * Checks the hash chain one entry at a time, in seq order. Each entry is
 * checked on its own (its content against its recorded hash, computed from
 * its recorded previous hash) and against the entry before it (that
 * previous hash, and no missing seq), so every break is named at the entry
 * where it is, and one edit is one break, not a cascade.
 *
 * Pure: the database verifier and the bundle verifier feed it alike.
 */
import { entryHash, GENESIS, type ChainFields, type Checkpoint } from '../store/chain.js';
import { sha256Hex } from '../store/sha256.js';
import type { RawLogRow } from '../store/log.js';
import type { Break } from './breaks.js';

export interface ChainEntry extends ChainFields {
  /** The payload text, or only its digest (an entry a bundle carries without its content). */
  payload?: string;
  payloadSha256?: string;
  prevHash: string;
  hash: string;
}

export class ChainCheck {
  /** Entries checked so far. */
  count = 0;
  private last: { seq: number; hash: string } | undefined;
  readonly breaks: Break[] = [];

  /**
   * @param anchor where the checked range starts: the whole log starts
   *   after seq 0 at GENESIS; a bundle of one instance starts after the
   *   entry before its first one.
   */
  constructor(private readonly anchor: Checkpoint = { seq: 0, hash: GENESIS }) {}

  /** add() for a raw log row, without building an object per row (the whole-log pass). */
  addRow(r: RawLogRow): void {
    const prev = this.last ?? this.anchor;
    if (r[0] === prev.seq + 1 && r[6] === prev.hash && entryHash(r[6], { seq: r[0], kind: r[1], instanceId: r[2], version: r[3], at: r[4] }, sha256Hex(r[5])) === r[7]) {
      this.last = { seq: r[0], hash: r[7] };
      this.count++;
      return;
    }
    // Something is wrong: the careful path names it.
    this.add({ seq: r[0], kind: r[1], instanceId: r[2], version: r[3], at: r[4], payload: r[5], prevHash: r[6], hash: r[7] });
  }

  add(e: ChainEntry): void {
    const prev = this.last ?? this.anchor;
    const where = describe(e);
    if (e.seq !== prev.seq + 1) {
      const missing = e.seq - prev.seq - 1;
      this.breaks.push(
        missing > 0
          ? { code: 'chain.gap', seq: e.seq, message: `entries ${range(prev.seq + 1, e.seq - 1)} are missing before entry ${e.seq}: ${missing === 1 ? 'it was' : 'they were'} deleted from the log` }
          : { code: 'chain.link', seq: e.seq, message: `${where} comes after entry ${prev.seq}: the log is out of order` },
      );
    } else if (e.prevHash !== prev.hash) {
      this.breaks.push({
        code: 'chain.link',
        seq: e.seq,
        message: `${where} was chained to another entry than entry ${prev.seq} (its previous hash ${short(e.prevHash)} is not ${short(prev.hash)}): an entry before it was inserted, removed or moved`,
      });
    }
    const digest = e.payload !== undefined ? sha256Hex(e.payload) : (e.payloadSha256 ?? '');
    if (entryHash(e.prevHash, e, digest) !== e.hash) {
      this.breaks.push({
        code: 'chain.content',
        seq: e.seq,
        message: `${where} does not match its recorded hash ${short(e.hash)}: its content (payload, time, kind, instance, version or position) was changed after it was written`,
      });
    }
    this.last = { seq: e.seq, hash: e.hash };
    this.count++;
  }

  /** The last entry checked (the anchor when none). */
  head(): Checkpoint {
    return this.last ?? this.anchor;
  }
}

/**
 * Whether the log (ending at `head`) still extends `checkpoint`:
 * `hashAt(seq)` gives the recorded hash of the entry at seq, if any.
 */
export function checkCheckpoint(checkpoint: Checkpoint, head: Checkpoint, hashAt: (seq: number) => string | undefined): Break | undefined {
  if (checkpoint.seq > head.seq) {
    return {
      code: 'chain.truncated',
      seq: head.seq + 1,
      message: `the log ends at entry ${head.seq}, but the checkpoint names entry ${checkpoint.seq}: entries ${range(head.seq + 1, checkpoint.seq)} were cut off`,
    };
  }
  if (checkpoint.seq === 0) return checkpoint.hash === GENESIS ? undefined : { code: 'chain.checkpoint', seq: 0, message: 'a checkpoint at entry 0 must name the genesis hash (64 zeros)' };
  const hash = hashAt(checkpoint.seq);
  if (hash !== checkpoint.hash) {
    return {
      code: 'chain.checkpoint',
      seq: checkpoint.seq,
      message: `entry ${checkpoint.seq} has hash ${hash ? short(hash) : '(none)'}, but the checkpoint says ${short(checkpoint.hash)}: the log was rewritten since the checkpoint was taken`,
    };
  }
  return undefined;
}

function describe(e: ChainFields): string {
  return `entry ${e.seq} (${e.kind}${e.instanceId ? ` of instance ${e.instanceId}` : ''})`;
}

function range(from: number, to: number): string {
  return from === to ? `${from}` : `${from}..${to}`;
}

export function short(hash: string): string {
  return hash.slice(0, 12);
}
