/**
 * What verification found wrong, as data: a break is an outcome the auditor
 * expects to read, not an exception. Codes are stable; tests and scripts
 * match on them.
 */
export type BreakCode =
  /** Entries are missing from the log: their seqs are absent. */
  | 'chain.gap'
  /** An entry's recorded previous hash is not the hash of the entry before it. */
  | 'chain.link'
  /** An entry's content no longer matches its recorded hash. */
  | 'chain.content'
  /** The log no longer reaches the checkpoint: its tail was cut off. */
  | 'chain.truncated'
  /** The entry at the checkpoint's seq has another hash: the log was rewritten. */
  | 'chain.checkpoint'
  /** A stored definition no longer hashes to its address, or its log entry disagrees. */
  | 'definition.changed'
  /** A definition an instance is pinned to is missing. */
  | 'definition.missing'
  /** Events of an instance that has no row, or a row without events. */
  | 'instance.missing'
  | 'instance.no-events'
  /** The instance row is pinned to another definition than its started event names. */
  | 'instance.definition'
  /** A payload that is not JSON, a version out of sequence, an event that does not apply. */
  | 'replay.unreadable'
  | 'replay.version'
  | 'replay.invalid-event'
  /** The recorded state (the cache) differs from the replay of the events. */
  | 'replay.state'
  /** A stored output is missing or its content no longer matches its hash. */
  | 'blob.missing'
  | 'blob.changed'
  /** The users and roles tables differ from the replay of the user entries. */
  | 'users.state'
  /** A bundle that cannot be read as one. */
  | 'bundle.invalid'
  /** The database file itself is damaged: SQLite cannot read part of it. */
  | 'store.damaged';

export interface Break {
  code: BreakCode;
  /** The log entry where it shows, when there is one. */
  seq?: number;
  instance?: string;
  message: string;
}

/** Orders breaks as the log does: by seq, those without one after, in the order found. */
export function sortBreaks(breaks: Break[]): Break[] {
  return breaks
    .map((b, i) => ({ b, i }))
    .sort((x, y) => (x.b.seq ?? Infinity) - (y.b.seq ?? Infinity) || x.i - y.i)
    .map((x) => x.b);
}
