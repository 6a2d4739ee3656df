/**
 * `sop verify`: recomputes the hash chain of the whole log, checks every
 * stored definition and output against its address, and replays every
 * instance against the definition it is pinned to, comparing the result
 * with the recorded state. Nothing stored is trusted; the result is data.
 */
import type { SopDefinition } from '../definition/types.js';
import type { Store, Checkpoint, LogEntry, RawEventRow, SopEvent, StoredDefinitionRow } from '../store/index.js';
import type { StoredCalendarRow, StoredPublicationRow } from '../store/audit-reads.js';
import type { Publication } from '../events.js';
import { GENESIS } from '../store/chain.js';
import { SopError } from '../errors.js';
import { printable } from '../text.js';
import { sha256Hex } from '../store/sha256.js';
import { isDamage } from '../store/failures.js';
import { sortBreaks, type Break } from './breaks.js';
import { ChainCheck, checkCheckpoint } from './chain-check.js';
import { checkWholeChain } from './chain-pass.js';
import { replayInstance } from './instance-replay.js';
import { compareKeys, compareUsers, replayUsers, type UsersHistory } from './users-replay.js';
import { isSigned, type AnyCheckpoint } from './signing.js';
import { checkSignature } from './checkpoint-signature.js';
import { publicationAllowed } from './authority-check.js';

export interface VerifyOptions {
  /** Verify one instance: its entries in the chain, its definition and outputs, its replay. Default: everything. */
  instance?: string;
  /** A head an auditor kept (signed, or the old unsigned form): the log must still extend it, and its signature hold. */
  checkpoint?: AnyCheckpoint;
}

/** A checkpoint given to verify, as checked. */
export interface CheckedCheckpoint extends Checkpoint {
  /** The log extends it, and its signature (if any) holds. */
  ok: boolean;
  /** Whether it was signed, and whether the signature held against the key entries of the log. */
  signature: 'valid' | 'invalid' | 'none';
  keyId?: string;
}

export interface VerifyReport {
  ok: boolean;
  /** null: the whole store. */
  instance: string | null;
  /** The head as recorded now. */
  head: Checkpoint;
  /** Log entries whose hash and link were recomputed. */
  entries: number;
  instances: number;
  /** Events replayed (refusals included). */
  events: number;
  definitions: number;
  blobs: number;
  users: number;
  checkpoint: CheckedCheckpoint | null;
  /** A bundle's head: whether it is signed, by which key, and whether the signature holds (null: not a bundle, or not signed). */
  signedHead: { keyId: string; ok: boolean } | null;
  /** What could not be checked, and why (a single-instance bundle carries no users history before its first entry ...). */
  notes: string[];
  /** Every break found, in log order (at most MAX_BREAKS). */
  breaks: Break[];
  /** Breaks found beyond MAX_BREAKS. */
  moreBreaks: number;
  ms: { chain: number; replay: number; total: number };
}

export const MAX_BREAKS = 100;

export function verifyStore(store: Store, options: VerifyOptions = {}): VerifyReport {
  // One read snapshot: every check sees the same state, whatever other processes write meanwhile.
  return store.readSnapshot(() => verifySnapshot(store, options));
}

function verifySnapshot(store: Store, options: VerifyOptions): VerifyReport {
  const started = performance.now();
  const breaks: Break[] = [];
  const report = emptyReport(options.instance ?? null, { seq: 0, hash: GENESIS });
  part(breaks, 'head of the log', () => (report.head = store.head()));
  let definitions = new StoredDefinitions([]);
  part(breaks, 'stored definitions', () => (definitions = new StoredDefinitions(store.audit.definitionRows())));

  const chainStart = performance.now();
  let userEntries: [number, string, string][] | undefined;
  const definitionEntries = new Map<number, string>();
  let atCheckpoint: string | undefined;
  let chainEnd: Checkpoint | undefined;
  if (options.instance === undefined || options.checkpoint) {
    // The whole chain up to the head read at the start (entries appended meanwhile are the next verify's).
    part(breaks, 'log', () => {
      const chain = checkWholeChain(store.db, store.path, report.head.seq, options.checkpoint?.seq);
      userEntries = chain.users;
      for (const [seq, payload] of chain.definitions) definitionEntries.set(seq, payload);
      atCheckpoint = chain.atCheckpoint;
      chainEnd = chain.last;
      breaks.push(...chain.breaks);
      report.entries = chain.count;
    });
  }
  report.ms.chain = performance.now() - chainStart;

  const replayStart = performance.now();
  // A log cut short by damage would make the checks against it report false breaks: they wait for a readable log.
  const logRead = !breaks.some((b) => b.code === 'store.damaged');
  if (options.instance !== undefined && userEntries === undefined) {
    // Who held what comes from the user entries; a single-instance verify reads them without checking the whole chain.
    part(breaks, 'user entries', () => (userEntries = store.audit.userEntries(report.head.seq)));
  }
  const users = logRead && userEntries ? replayUsers(userEntries) : undefined;
  if (options.checkpoint && chainEnd) {
    const c = options.checkpoint;
    const b = checkCheckpoint(c, chainEnd, () => atCheckpoint);
    if (b) breaks.push(b);
    let signature: CheckedCheckpoint['signature'] = 'none';
    if (isSigned(c)) {
      const s = users ? checkSignature(c, users.history.keys) : undefined;
      signature = s || !users ? 'invalid' : 'valid';
      if (s) breaks.push(s);
    }
    report.checkpoint = { seq: c.seq, hash: c.hash, ok: b === undefined && signature !== 'invalid', signature, ...(isSigned(c) ? { keyId: c.keyId } : {}) };
  }

  if (options.instance === undefined) {
    if (logRead) breaks.push(...definitions.check((seq) => definitionEntries.get(seq)));
    report.definitions = definitions.size;
    const referenced = new Set<string>();
    const seen = new Set<string>();
    let eventsRead = false;
    part(breaks, 'instance events', () => {
      for (const group of groupByInstance(store.audit.eventRows())) {
        const id = group[0]![1];
        seen.add(id);
        const [row] = store.audit.instanceRows(id);
        const r = replayInstance({ id, row, rows: group, definition: (h) => definitions.get(h), ...(users ? { authority: users.history } : {}) });
        breaks.push(...r.breaks);
        if (row) report.instances++;
        report.events += group.length;
        collectOutputs(group, referenced);
      }
      eventsRead = true;
    });
    // Instances without events: only when the events could all be read, or every instance would look so.
    if (eventsRead)
      part(breaks, 'instances', () => {
        for (const row of store.audit.instanceRows()) {
          if (!seen.has(row.id)) {
            breaks.push({ code: 'instance.no-events', instance: row.id, message: `instance ${row.id} has a row but no events: its history was deleted` });
            report.instances++;
          }
        }
      });
    const stored = new Set<string>();
    let blobsRead = false;
    part(breaks, 'stored outputs', () => {
      for (const blob of store.audit.blobs()) {
        stored.add(blob.sha256);
        report.blobs++;
        const b = checkBlob(blob);
        if (b) breaks.push(b);
      }
      blobsRead = true;
    });
    for (const sha of blobsRead ? referenced : []) {
      if (!stored.has(sha)) breaks.push({ code: 'blob.missing', message: `the stored output ${sha.slice(0, 12)} that an event refers to is missing` });
    }
    // Every stored output must be one an event names: only when every event was read.
    for (const sha of blobsRead && eventsRead ? stored : []) {
      if (!referenced.has(sha)) breaks.push({ code: 'blob.orphan', message: `the stored output ${sha.slice(0, 12)} is named by no event: it was put into the store behind the log's back` });
    }
    if (users)
      part(breaks, 'users', () => {
        const rows = store.audit.userRowsSorted();
        breaks.push(...users.breaks, ...compareUsers(users.users, rows), ...compareKeys(users.history.keys, store.audit.signingKeyRows()));
        report.users = rows.length;
      });
    if (logRead)
      part(breaks, 'publications and calendars', () => {
        breaks.push(...checkPublications(definitionEntries, store.audit.publicationRows(), store.audit.calendarRows(), definitions, users?.history));
      });
  } else {
    const id = options.instance;
    const entries = store.logOfInstance(id);
    if (entries.length === 0 && store.audit.instanceRows(id).next().done) {
      throw new SopError('instance.unknown', `no instance "${printable(id)}" in ${store.path}: no row and no log entry names it`, { data: { instance: id, file: store.path } });
    }
    report.entries = entries.length;
    if (!options.checkpoint) breaks.push(...checkInPlace(store, entries));
    const [row] = store.audit.instanceRows(id);
    const group = [...store.audit.eventRows(id)];
    const r = replayInstance({ id, row, rows: group, definition: (h) => definitions.get(h), ...(users ? { authority: users.history } : {}) });
    breaks.push(...r.breaks);
    if (r.definitionHash) {
      breaks.push(...definitions.check((seq) => store.logEntry(seq)?.payload, r.definitionHash));
      report.definitions = definitions.has(r.definitionHash) ? 1 : 0;
    }
    report.instances = row ? 1 : 0;
    report.events = group.length;
    const referenced = new Set<string>();
    collectOutputs(group, referenced);
    for (const sha of referenced) {
      const blob = store.audit.blob(sha);
      report.blobs++;
      const b = blob ? checkBlob(blob) : { code: 'blob.missing' as const, instance: id, message: `the stored output ${sha.slice(0, 12)} of instance ${id} is missing` };
      if (b) breaks.push(b);
    }
  }
  report.ms.replay = performance.now() - replayStart;

  return finishReport(report, breaks, started);
}

/** A report before anything was checked. */
export function emptyReport(instance: string | null, head: Checkpoint): VerifyReport {
  return {
    ok: false,
    instance,
    head,
    entries: 0,
    instances: 0,
    events: 0,
    definitions: 0,
    blobs: 0,
    users: 0,
    checkpoint: null,
    signedHead: null,
    notes: [],
    breaks: [],
    moreBreaks: 0,
    ms: { chain: 0, replay: 0, total: 0 },
  };
}

/** Puts the breaks found in log order (at most MAX_BREAKS of them) and the verdict into the report. */
export function finishReport(report: VerifyReport, breaks: Break[], started: number): VerifyReport {
  const sorted = sortBreaks(breaks);
  report.breaks = sorted.slice(0, MAX_BREAKS);
  report.moreBreaks = sorted.length - report.breaks.length;
  report.ok = sorted.length === 0;
  report.ms.total = performance.now() - started;
  return report;
}

/**
 * Runs one part of the checks. A damaged file stops that part where it can
 * no longer be read, as a `store.damaged` break: what was read before it is
 * checked, and the other parts still run.
 */
function part(breaks: Break[], what: string, fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (!isDamage(e)) throw e;
    breaks.push({ code: 'store.damaged', message: `the ${what} could not be read: the file is damaged (SQLite: ${(e as Error).message}); what was read before was checked` });
  }
}

/**
 * Checks an instance's own entries in the chain: each against its hash, and
 * against the entries before and after it in the log: the one before must
 * be what it links to, the one after must link to it (and match its own
 * hash). An entry forged into the instance, or moved into it, breaks one of
 * these links even when every entry of the instance is well-formed.
 */
function checkInPlace(store: Store, entries: LogEntry[]): Break[] {
  const breaks: Break[] = [];
  const mine = new Set(entries.map((e) => e.seq));
  for (const e of entries) {
    const before = store.logEntryBefore(e.seq);
    const chain = new ChainCheck(before ? { seq: before.seq, hash: before.hash } : { seq: 0, hash: GENESIS });
    chain.add(e);
    const after = store.logEntryAfter(e.seq);
    // The next entry of the instance is checked as itself, against this one.
    if (after && !mine.has(after.seq)) chain.add(after);
    breaks.push(...chain.breaks);
  }
  return breaks;
}

/** The stored definitions, each checked once against its address, parsed on first use. */
class StoredDefinitions {
  private readonly rows = new Map<string, StoredDefinitionRow>();
  private readonly parsed = new Map<string, SopDefinition>();

  constructor(rows: StoredDefinitionRow[]) {
    for (const r of rows) this.rows.set(r.hash, r);
  }

  get size(): number {
    return this.rows.size;
  }

  has(hash: string): boolean {
    return this.rows.has(hash);
  }

  row(hash: string): StoredDefinitionRow | undefined {
    return this.rows.get(hash);
  }

  get(hash: string): SopDefinition | undefined {
    let def = this.parsed.get(hash);
    if (!def) {
      const row = this.rows.get(hash);
      if (!row) return undefined;
      try {
        def = JSON.parse(row.body) as SopDefinition;
      } catch {
        return undefined;
      }
      this.parsed.set(hash, def);
    }
    return def;
  }

  /** Each definition (or only `only`) against its address and against the log entry that recorded it. */
  check(logPayload: (seq: number) => string | undefined, only?: string): Break[] {
    const breaks: Break[] = [];
    for (const r of this.rows.values()) {
      if (only !== undefined && r.hash !== only) continue;
      const where = `definition ${r.hash.slice(0, 12)} (SOP ${r.sop_id} revision ${r.revision})`;
      if (sha256Hex(r.body) !== r.hash) {
        breaks.push({ code: 'definition.changed', seq: r.log_seq, message: `${where} no longer hashes to its address: its content was changed after it was stored` });
        continue;
      }
      let recorded: { hash?: string; sop?: string; revision?: number } | undefined;
      try {
        const text = logPayload(r.log_seq);
        recorded = text === undefined ? undefined : (JSON.parse(text) as typeof recorded);
      } catch {
        recorded = undefined;
      }
      if (!recorded || recorded.hash !== r.hash || recorded.sop !== r.sop_id || recorded.revision !== r.revision) {
        breaks.push({ code: 'definition.changed', seq: r.log_seq, message: `${where} is not what log entry ${r.log_seq} recorded` });
      }
    }
    return breaks;
  }
}

/**
 * The publications and calendars tables are caches of the `definition`
 * entries that publish and store calendars: each row must be what its entry
 * says, each entry must have its row, a calendar must hash to its address,
 * and a publication must name what was stored before it. Each publication
 * was made by a maintainer or an administrator (`history`: the users history).
 */
function checkPublications(
  entries: ReadonlyMap<number, string>,
  publications: readonly StoredPublicationRow[],
  calendars: readonly StoredCalendarRow[],
  definitions: StoredDefinitions,
  history: UsersHistory | undefined,
): Break[] {
  const breaks: Break[] = [];
  const rows = new Map(publications.map((p) => [p.log_seq, p]));
  const calendarRows = new Map(calendars.map((c) => [c.log_seq, c]));
  const storedCalendars = new Set<string>();
  for (const [seq, payload] of [...entries].sort((a, b) => a[0] - b[0])) {
    let entry: Omit<Partial<Publication>, 'action'> & { action?: string; hash?: string };
    try {
      entry = JSON.parse(payload) as typeof entry;
    } catch {
      breaks.push({ code: 'replay.unreadable', seq, message: `entry ${seq} (a definition entry) is not readable JSON` });
      continue;
    }
    if (entry.action === 'store-calendar') {
      const row = calendarRows.get(seq);
      calendarRows.delete(seq);
      if (!row) breaks.push({ code: 'calendar.changed', seq, message: `entry ${seq} stores the calendar ${String(entry.hash).slice(0, 12)}, which is missing from the calendars table` });
      else if (row.hash !== entry.hash) {
        breaks.push({
          code: 'calendar.changed',
          seq,
          message: `the calendar stored by entry ${seq} is ${row.hash.slice(0, 12)} in the calendars table, but the entry recorded ${String(entry.hash).slice(0, 12)}`,
        });
      }
      if (typeof entry.hash === 'string') storedCalendars.add(entry.hash);
      continue;
    }
    if (entry.action !== 'publish') continue;
    const what = entry.kind === 'calendar' ? 'the office calendar' : `SOP ${String(entry.sop)} revision ${String(entry.revision)}`;
    if (history) {
      const verdict = publicationAllowed(entry as unknown as Publication, history.at(seq));
      if (!verdict.ok) breaks.push({ code: 'authority.not-allowed', seq, message: `entry ${seq} (the publication of ${what}) was not allowed: ${verdict.why}` });
    }
    const row = rows.get(seq);
    rows.delete(seq);
    const recorded = { kind: entry.kind, sop_id: entry.sop ?? null, hash: entry.hash, revision: entry.revision ?? null, effective_on: entry.effectiveOn };
    if (!row) breaks.push({ code: 'publication.state', seq, message: `entry ${seq} publishes ${what}, but the publications table does not have it` });
    else {
      const differs = (Object.keys(recorded) as (keyof typeof recorded)[]).filter((k) => row[k] !== recorded[k]);
      if (differs.length) breaks.push({ code: 'publication.state', seq, message: `the publications row of entry ${seq} differs from what the entry published (${differs.join(', ')}): ${what}` });
    }
    const stored = entry.kind === 'calendar' ? storedCalendars.has(String(entry.hash)) : definitions.row(String(entry.hash));
    const matches = entry.kind === 'calendar' ? stored !== false : typeof stored === 'object' && stored.sop_id === entry.sop && stored.revision === entry.revision && stored.log_seq < seq;
    if (!matches) breaks.push({ code: 'publication.state', seq, message: `entry ${seq} publishes ${what} as ${String(entry.hash).slice(0, 12)}, which was not stored before it as such` });
  }
  for (const row of rows.values())
    breaks.push({ code: 'publication.state', seq: row.log_seq, message: `the publications table has a publication at entry ${row.log_seq}, which no publication entry of the log made` });
  for (const row of calendarRows.values())
    breaks.push({ code: 'calendar.changed', seq: row.log_seq, message: `the calendar ${row.hash.slice(0, 12)} is in the calendars table, but no entry of the log stored it` });
  for (const row of calendars) {
    if (sha256Hex(row.body) !== row.hash)
      breaks.push({ code: 'calendar.changed', seq: row.log_seq, message: `the calendar ${row.hash.slice(0, 12)} no longer hashes to its address: its content was changed after it was stored` });
  }
  return breaks;
}

/** Splits the instance-ordered event rows into one group per instance, streaming. */
function* groupByInstance(rows: IterableIterator<RawEventRow>): Generator<RawEventRow[]> {
  let group: RawEventRow[] = [];
  for (const row of rows) {
    if (group.length && group[0]![1] !== row[1]) {
      yield group;
      group = [];
    }
    group.push(row);
  }
  if (group.length) yield group;
}

function collectOutputs(group: RawEventRow[], into: Set<string>): void {
  for (const row of group) {
    // Cheap pre-check: most events have no outputs, and parsing every payload twice costs.
    if (!row[4].includes('"outputs"')) continue;
    try {
      for (const o of (JSON.parse(row[4]) as SopEvent).outputs ?? []) if (o.sha256) into.add(o.sha256);
    } catch {
      // Reported by the replay as replay.unreadable.
    }
  }
}

function checkBlob(blob: { sha256: string; size: number; content: Buffer }): Break | undefined {
  if (sha256Hex(blob.content) !== blob.sha256 || blob.size !== blob.content.length) {
    return { code: 'blob.changed', message: `the stored output ${blob.sha256.slice(0, 12)} no longer matches its hash: its content was changed` };
  }
  return undefined;
}
