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
  /** An entry is dated before the entry before it: time went back in the record. */
  | 'chain.time'
  /**
   * A signed checkpoint whose signature does not hold: not made by a key of
   * the log, by a key retired before it, or not over this seq and hash.
   */
  | 'checkpoint.signature'
  /** A bundle whose head is not signed although its log had a signing key in effect: the signature was removed. */
  | 'checkpoint.unsigned'
  /**
   * Someone did what they were not allowed to do at that moment, according
   * to the users history of the log: a completion by someone who did not
   * hold the step's role (nor stood in for its holder) or was not the person
   * bound to it; a user, role, rights or login change, or an action on
   * someone's behalf, by someone who was not an administrator; a publication
   * by someone who was neither maintainer nor administrator.
   */
  | 'authority.not-allowed'
  /** The entries of one request id appear in two separate runs of the log: the same request applied twice. */
  | 'request.repeated'
  /** A stored definition no longer hashes to its address, or its log entry disagrees. */
  | 'definition.changed'
  /** A definition an instance is pinned to is missing. */
  | 'definition.missing'
  /** Events of an instance that has no row, or a row without events. */
  | 'instance.missing'
  | 'instance.no-events'
  /** The instance row is pinned to another definition than its started event names. */
  | 'instance.definition'
  /** The instance row names another SOP than the definition it is pinned to. */
  | 'instance.sop'
  /** A payload that is not JSON, a version out of sequence, an event that does not apply. */
  | 'replay.unreadable'
  | 'replay.version'
  | 'replay.invalid-event'
  /** The recorded state (the cache) differs from the replay of the events. */
  | 'replay.state'
  /** A stored output is missing or its content no longer matches its hash. */
  | 'blob.missing'
  | 'blob.changed'
  /** A stored output that no event refers to: slipped into the store. */
  | 'blob.orphan'
  /** A stored calendar that no longer hashes to its address, or that its log entry does not record (or the reverse). */
  | 'calendar.changed'
  /** The publications table differs from the publication entries of the log (or a publication names what was not stored). */
  | 'publication.state'
  /** The signing keys table differs from the key entries of the log. */
  | 'keys.state'
  /** The users and roles tables differ from the replay of the user entries. */
  | 'users.state'
  /** A bundle that cannot be read as one. */
  | 'bundle.invalid'
  /** A bundle that carries an entry of its own instance (or a user change) by its digest only: its content was hidden. */
  | 'bundle.hidden'
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
