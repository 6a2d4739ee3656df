/**
 * `sop verify`: recomputes the hash chain of the whole log, checks every
 * stored definition and output against its address, and replays every
 * instance against the definition it is pinned to, comparing the result
 * with the recorded state. Nothing stored is trusted; the result is data.
 */
import type { SopDefinition } from '../definition/types.js';
import type { Store, Checkpoint, LogEntry, RawEventRow, SopEvent, StoredDefinitionRow } from '../store/index.js';
import { GENESIS } from '../store/chain.js';
import { SopError } from '../errors.js';
import { printable } from '../text.js';
import { sha256Hex } from '../store/sha256.js';
import { isDamage } from '../store/failures.js';
import { sortBreaks, type Break } from './breaks.js';
import { ChainCheck, checkCheckpoint } from './chain-check.js';
import { checkWholeChain } from './chain-pass.js';
import { replayInstance } from './instance-replay.js';
import { compareUsers, replayUsers } from './users-replay.js';

export interface VerifyOptions {
  /** Verify one instance: its entries in the chain, its definition and outputs, its replay. Default: everything. */
  instance?: string;
  /** A head an auditor kept: the log must still extend it. */
  checkpoint?: Checkpoint;
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
  checkpoint: (Checkpoint & { ok: boolean }) | null;
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
  const userEntries: [number, string, string][] = [];
  const definitionEntries = new Map<number, string>();
  if (options.instance === undefined || options.checkpoint) {
    // The whole chain up to the head read at the start (entries appended meanwhile are the next verify's).
    part(breaks, 'log', () => {
      const chain = checkWholeChain(store.db, store.path, report.head.seq, options.checkpoint?.seq);
      userEntries.push(...chain.users);
      for (const [seq, payload] of chain.definitions) definitionEntries.set(seq, payload);
      const atCheckpoint = chain.atCheckpoint;
      breaks.push(...chain.breaks);
      report.entries = chain.count;
      if (options.checkpoint) {
        const b = checkCheckpoint(options.checkpoint, chain.last, () => atCheckpoint);
        report.checkpoint = { ...options.checkpoint, ok: b === undefined };
        if (b) breaks.push(b);
      }
    });
  }
  report.ms.chain = performance.now() - chainStart;

  const replayStart = performance.now();
  // A log cut short by damage would make the checks against it report false breaks: they wait for a readable log.
  const logRead = !breaks.some((b) => b.code === 'store.damaged');
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
        const r = replayInstance({ id, row, rows: group, definition: (h) => definitions.get(h) });
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
    if (logRead)
      part(breaks, 'users', () => {
        const users = replayUsers(userEntries);
        const rows = store.audit.userRowsSorted();
        breaks.push(...users.breaks, ...compareUsers(users.users, rows));
        report.users = rows.length;
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
    const r = replayInstance({ id, row, rows: group, definition: (h) => definitions.get(h) });
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

/** Checks an instance's own entries in the chain: each against its hash, and against the entry before it. */
function checkInPlace(store: Store, entries: LogEntry[]): Break[] {
  const breaks: Break[] = [];
  for (const e of entries) {
    const before = store.logEntryBefore(e.seq);
    const chain = new ChainCheck(before ? { seq: before.seq, hash: before.hash } : { seq: 0, hash: GENESIS });
    chain.add(e);
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
