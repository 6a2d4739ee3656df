/**
 * Checks the chain over one range of the log, on any connection: the unit
 * of work of the whole-log pass, done on one core or split over two.
 */
import type Database from 'better-sqlite3';
import { GENESIS, type Checkpoint } from '../store/chain.js';
import type { RawLogRow } from '../store/log.js';
import { ChainCheck } from './chain-check.js';
import { isDamage } from '../store/failures.js';
import type { Break } from './breaks.js';
import { RequestRunCheck, requestOf, type RequestRuns } from './request-runs.js';

export interface RangeRequest {
  file: string;
  /** Entries with from <= seq <= to. */
  from: number;
  to: number;
  /** Remember the recorded hash at this seq, if it is in the range. */
  checkpointSeq?: number;
}

export interface RangeResult {
  count: number;
  breaks: Break[];
  /** [seq, at, payload] of the 'user' entries, and seq -> payload of the 'definition' entries: the few entries the later checks read again. */
  users: [number, string, string][];
  definitions: [number, string][];
  atCheckpoint: string | undefined;
  last: Checkpoint;
  /** The requests of the range, to be joined with the other range's (see request-runs.ts). */
  requests: RequestRuns;
}

const COLUMNS = 'seq, kind, instance_id, version, at, payload, prev_hash, hash';
const PAGE = 4096;

export function checkRange(db: Database.Database, request: RangeRequest): RangeResult {
  // Mapping the file saves a copy per page read: about a third of the read time of a large log.
  db.pragma(`mmap_size = ${1 << 30}`);
  try {
    const before = db.prepare('SELECT seq, hash, at FROM log WHERE seq < ? ORDER BY seq DESC LIMIT 1').get(request.from) as (Checkpoint & { at: string }) | undefined;
    const chain = new ChainCheck(before ? { seq: before.seq, hash: before.hash } : { seq: 0, hash: GENESIS });
    const page = db.prepare(`SELECT ${COLUMNS} FROM log WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ${PAGE}`).raw();
    const payloadAt = db.prepare('SELECT payload FROM log WHERE seq = ?').pluck();
    const requests = new RequestRunCheck(request.from, (seq) => requestOf((payloadAt.get(seq) as string | undefined) ?? ''), chain.breaks);
    const result: RangeResult = { count: 0, breaks: [], users: [], definitions: [], atCheckpoint: undefined, last: chain.head(), requests: requests.runs };
    let lastAt = before?.at;
    for (let after = request.from - 1; ; ) {
      let rows: RawLogRow[];
      try {
        rows = page.all(after, request.to) as RawLogRow[];
      } catch (e) {
        if (!isDamage(e)) throw e;
        // What was read so far is checked; say where reading stopped.
        chain.breaks.push({ code: 'store.damaged', seq: after + 1, message: `the log cannot be read after entry ${after}: the file is damaged (SQLite: ${(e as Error).message})` });
        break;
      }
      if (rows.length === 0) break;
      for (const row of rows) {
        chain.addRow(row);
        // ISO 8601 UTC times of one form compare as text.
        if (lastAt !== undefined && row[4] < lastAt) {
          chain.breaks.push({ code: 'chain.time', seq: row[0], message: `entry ${row[0]} is dated ${row[4]}, before the entry before it (${lastAt}): time went back in the record` });
        }
        lastAt = row[4];
        requests.add(row[0], row[5]);
        const kind = row[1];
        if (kind === 'user') result.users.push([row[0], row[4], row[5]]);
        else if (kind === 'definition') result.definitions.push([row[0], row[5]]);
        if (row[0] === request.checkpointSeq) result.atCheckpoint = row[7];
      }
      after = rows[rows.length - 1]![0];
    }
    result.count = chain.count;
    result.breaks = chain.breaks;
    result.last = chain.head();
    return result;
  } finally {
    db.pragma('mmap_size = 0');
  }
}
