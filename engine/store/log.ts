/**
 * The global log: one append-only sequence of everything that happened,
 * each entry chained to the one before by its hash (see chain.ts).
 * Appends happen only inside the write transactions of the other modules,
 * which are IMMEDIATE: the last entry read here is still the last one when
 * the new entry is inserted after it.
 */
import type Database from 'better-sqlite3';
import { canonicalJson } from './canonical-json.js';
import { chainHash, GENESIS, type Checkpoint } from './chain.js';
import { damaged } from './failures.js';
import { SopError } from '../errors.js';
import type { LogEntry, LogKind } from './types.js';

interface LogRow {
  seq: number;
  kind: LogKind;
  instance_id: string | null;
  version: number | null;
  at: string;
  payload: string;
  prev_hash: string;
  hash: string;
}

/** The columns of a log row, in this order, as `iterate` yields them (raw arrays are several times faster than objects). */
export type RawLogRow = [seq: number, kind: LogKind, instanceId: string | null, version: number | null, at: string, payload: string, prevHash: string, hash: string];

const COLUMNS = 'seq, kind, instance_id, version, at, payload, prev_hash, hash';
/** How many entries at the head of the log a new request id is looked for in (see appliedRecently). */
export const RECENT_REQUESTS = 64;

export class Log {
  private readonly insert: Database.Statement;
  private readonly selectHead: Database.Statement;
  private readonly selectHeadRow: Database.Statement;
  private readonly selectHashBefore: Database.Statement;
  private readonly selectSince: Database.Statement;
  private readonly selectSinceLimited: Database.Statement;
  private readonly selectRange: Database.Statement;
  private readonly selectOne: Database.Statement;
  private readonly selectBefore: Database.Statement;
  private readonly selectAfter: Database.Statement;
  private readonly selectOfInstance: Database.Statement;
  private readonly selectRecentRequest: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.insert = db.prepare(`INSERT INTO log (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
    this.selectHead = db.prepare('SELECT seq, hash FROM log ORDER BY seq DESC LIMIT 1');
    this.selectHeadRow = db.prepare(`SELECT ${COLUMNS} FROM log ORDER BY seq DESC LIMIT 1`);
    this.selectHashBefore = db.prepare('SELECT hash FROM log WHERE seq < ? ORDER BY seq DESC LIMIT 1').pluck();
    this.selectSince = db.prepare(`SELECT ${COLUMNS} FROM log WHERE seq > ? ORDER BY seq`);
    this.selectSinceLimited = db.prepare(`SELECT ${COLUMNS} FROM log WHERE seq > ? ORDER BY seq LIMIT ?`);
    this.selectRange = db.prepare(`SELECT ${COLUMNS} FROM log WHERE seq >= ? AND seq <= ? ORDER BY seq`).raw();
    this.selectOne = db.prepare(`SELECT ${COLUMNS} FROM log WHERE seq = ?`);
    this.selectBefore = db.prepare(`SELECT ${COLUMNS} FROM log WHERE seq < ? ORDER BY seq DESC LIMIT 1`);
    this.selectAfter = db.prepare(`SELECT ${COLUMNS} FROM log WHERE seq > ? ORDER BY seq LIMIT 1`);
    this.selectOfInstance = db.prepare(`SELECT ${COLUMNS} FROM log WHERE instance_id = ? ORDER BY seq`);
    this.selectRecentRequest = db.prepare('SELECT seq FROM (SELECT seq, payload FROM log ORDER BY seq DESC LIMIT ?) WHERE instr(payload, ?) > 0 ORDER BY seq LIMIT 1').pluck();
  }

  /**
   * The first of the last `depth` entries that request `id` wrote, if any.
   * A request is recorded in the requests table with its entries; one that
   * is not there but whose entries are at the head of the log had its record
   * removed. Only the head is read, so the check costs one small read per
   * changing command; `sop verify` finds a request applied twice anywhere
   * (`request.repeated`).
   */
  appliedRecently(id: string, depth = RECENT_REQUESTS): number | undefined {
    // Canonical JSON: the key, then the id in quotes (request ids need no escaping), so "r1" does not match "r10".
    return this.selectRecentRequest.get(depth, `"request":${JSON.stringify(id)}`) as number | undefined;
  }

  /**
   * Appends one entry, chained to the current head; call inside a write
   * transaction. `request` is the id of the request that writes it: it goes
   * into the payload, so that it is under the chain. Returns its seq.
   */
  append(kind: LogKind, instanceId: string | null, version: number | null, at: string, payload: object, request: string | undefined): number {
    const text = canonicalJson(request === undefined ? payload : { ...payload, request });
    const head = this.checkedHead();
    // Time never goes back in the record: an entry is never dated before the one it follows (ISO 8601 UTC strings compare as times).
    if (head.at !== null && at < head.at) {
      throw new SopError('store.clock-behind', `the clock says ${at}, before the last entry of the log (${head.at}); nothing was written`, { data: { at, last: head.at } });
    }
    const seq = head.seq + 1;
    const hash = chainHash(head.hash, { seq, kind, instanceId, version, at }, text);
    this.insert.run(seq, kind, instanceId, version, at, text, head.hash, hash);
    return seq;
  }

  /** The last entry's seq and hash; seq 0 and GENESIS when the log is empty. */
  head(): Checkpoint {
    const row = this.selectHead.get() as { seq: number; hash: string } | undefined;
    return row ?? { seq: 0, hash: GENESIS };
  }

  /**
   * The head, once it is checked to still match its hash and to link to the
   * entry before it: two row reads and one hash, so every append can afford
   * it. A new entry is never chained onto a damaged or altered one.
   */
  private checkedHead(): Checkpoint & { at: string | null } {
    const row = this.selectHeadRow.get() as LogRow | undefined;
    if (row === undefined) return { seq: 0, hash: GENESIS, at: null };
    const fields = { seq: row.seq, kind: row.kind, instanceId: row.instance_id, version: row.version, at: row.at };
    if (typeof row.payload !== 'string' || chainHash(row.prev_hash, fields, row.payload) !== row.hash) {
      throw damaged(this.db.name, `its last log entry, ${row.seq}, no longer matches its hash`);
    }
    const before = (this.selectHashBefore.get(row.seq) as string | undefined) ?? GENESIS;
    if (before !== row.prev_hash) throw damaged(this.db.name, `its last log entry, ${row.seq}, is not chained to the entry before it`);
    return { seq: row.seq, hash: row.hash, at: row.at };
  }

  /** Entries after `seq` (0 for all), oldest first, payload kept as the stored text. */
  since(seq: number, limit?: number): LogEntry[] {
    const rows = (limit === undefined ? this.selectSince.all(seq) : this.selectSinceLimited.all(seq, limit)) as LogRow[];
    return rows.map(toEntry);
  }

  /** One entry, if there is one at `seq`. */
  get(seq: number): LogEntry | undefined {
    const row = this.selectOne.get(seq) as LogRow | undefined;
    return row && toEntry(row);
  }

  /** The entry just before `seq` in the log as it is now (not necessarily seq - 1, if entries are missing). */
  before(seq: number): LogEntry | undefined {
    const row = this.selectBefore.get(seq) as LogRow | undefined;
    return row && toEntry(row);
  }

  /** The entry just after `seq` in the log as it is now. */
  after(seq: number): LogEntry | undefined {
    const row = this.selectAfter.get(seq) as LogRow | undefined;
    return row && toEntry(row);
  }

  /** Every entry of an instance (events and refusals), oldest first. */
  ofInstance(instanceId: string): LogEntry[] {
    return (this.selectOfInstance.all(instanceId) as LogRow[]).map(toEntry);
  }

  /** Streams the entries from `from` to `to` (inclusive) as raw rows, without holding them all in memory. */
  iterate(from = 1, to = Number.MAX_SAFE_INTEGER): IterableIterator<RawLogRow> {
    return this.selectRange.iterate(from, to) as IterableIterator<RawLogRow>;
  }
}

function toEntry(r: LogRow): LogEntry {
  return { seq: r.seq, kind: r.kind, instanceId: r.instance_id, version: r.version, at: r.at, payload: r.payload, prevHash: r.prev_hash, hash: r.hash };
}
