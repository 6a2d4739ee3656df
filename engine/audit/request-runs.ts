/**
 * Request ids across the log: a request writes its entries in one
 * transaction, so they form one run of consecutive entries. The same id in
 * two separate runs is the same request applied twice (`request.repeated`):
 * its record in the requests table was removed and it was sent again.
 *
 * A log of a million requests would need a million id strings to remember
 * them all; this keeps a small number per id instead (a 30-bit hash) with
 * the seq of its first entry, and reads the ids back from the log only when
 * two hashes meet, which tells a repeat from a collision.
 */
import type { Break } from './breaks.js';

/**
 * The request id an entry's payload names, if any. Canonical JSON: the key,
 * then the id, which needs no escaping; searched from the end, since keys
 * are sorted and few come after it (a quote inside a string value is
 * escaped, so only a key matches).
 */
export function requestOf(payload: string): string | null {
  const at = payload.lastIndexOf('"request":"');
  if (at < 0) return null;
  const from = at + 11;
  const to = payload.indexOf('"', from);
  return to < 0 ? null : payload.slice(from, to);
}

/** FNV-1a, cut to 30 bits: a small integer, which a Map keeps cheaply. */
export function requestHash(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h & 0x3fffffff;
}

/** What a range of the log says of its requests, to be joined with the ranges around it. */
export interface RequestRuns {
  /** The hash of each request id seen -> the seq of its first entry. */
  first: Map<number, number>;
  /** Ids whose hash met another id's: id -> the seq of its first entry. */
  exact: Map<string, number>;
  /** The request of the range's first and last entries (null: none). */
  head: string | null;
  tail: string | null;
  /** The seq of the range's first entry. */
  from: number;
}

export function emptyRuns(from: number): RequestRuns {
  return { first: new Map(), exact: new Map(), head: null, tail: null, from };
}

/**
 * Follows the requests of a range, entry by entry in seq order; `idAt(seq)`
 * reads back the request id of an earlier entry.
 */
export class RequestRunCheck {
  readonly runs: RequestRuns;
  private last: string | null = null;
  private started = false;

  constructor(
    from: number,
    private readonly idAt: (seq: number) => string | null,
    private readonly breaks: Break[],
  ) {
    this.runs = emptyRuns(from);
  }

  add(seq: number, payload: string): void {
    const id = requestOf(payload);
    if (!this.started) {
      this.started = true;
      this.runs.head = id;
      this.runs.from = seq;
    }
    if (id !== this.last && id !== null) {
      const earlier = seen(this.runs, id, seq, this.idAt);
      if (earlier !== undefined) this.breaks.push(repeated(id, earlier, seq));
    }
    this.last = id;
    this.runs.tail = id;
  }
}

/** Records that request `id` starts a run at `seq`; returns the first seq of an earlier run of it, if there was one. */
function seen(runs: RequestRuns, id: string, seq: number, idAt: (seq: number) => string | null): number | undefined {
  const h = requestHash(id);
  const other = runs.first.get(h);
  if (other === undefined) {
    runs.first.set(h, seq);
    return undefined;
  }
  if (idAt(other) === id) return other;
  const exact = runs.exact.get(id);
  if (exact !== undefined) return exact;
  runs.exact.set(id, seq);
  return undefined;
}

/** The breaks of requests seen in both ranges, `a` before `b` in the log. */
export function joinRuns(a: RequestRuns, b: RequestRuns, idAt: (seq: number) => string | null): Break[] {
  const breaks: Break[] = [];
  const check = (id: string, seq: number): void => {
    // The run that ends `a` going on into `b` is one run.
    if (seq === b.from && id === a.tail) return;
    const h = requestHash(id);
    const other = a.first.get(h);
    const earlier = other !== undefined && idAt(other) === id ? other : a.exact.get(id);
    if (earlier !== undefined) breaks.push(repeated(id, earlier, seq));
  };
  for (const [h, seq] of b.first) {
    if (!a.first.has(h)) continue;
    const id = idAt(seq);
    if (id !== null) check(id, seq);
  }
  for (const [id, seq] of b.exact) check(id, seq);
  return breaks;
}

function repeated(id: string, earlier: number, seq: number): Break {
  return {
    code: 'request.repeated',
    seq,
    message: `entry ${seq} was written by request ${id}, whose entries began at entry ${earlier} and ended before this one: the same request was applied twice (its record was removed, and it was sent again)`,
  };
}
