/**
 * The global log: one append-only sequence of everything that happened.
 * Appends happen only inside the write transactions of the other modules.
 */
import type Database from 'better-sqlite3';
import { canonicalJson } from './canonical-json.js';
import type { LogEntry, LogKind } from './types.js';

interface LogRow {
  seq: number;
  kind: LogKind;
  instance_id: string | null;
  version: number | null;
  at: string;
  payload: string;
}

export class Log {
  private readonly insert: Database.Statement;
  private readonly selectSince: Database.Statement;
  private readonly selectSinceLimited: Database.Statement;

  constructor(db: Database.Database) {
    this.insert = db.prepare(
      'INSERT INTO log (kind, instance_id, version, at, payload) VALUES (?, ?, ?, ?, ?)',
    );
    this.selectSince = db.prepare('SELECT * FROM log WHERE seq > ? ORDER BY seq');
    this.selectSinceLimited = db.prepare('SELECT * FROM log WHERE seq > ? ORDER BY seq LIMIT ?');
  }

  /** Appends one entry; call inside a write transaction. Returns its seq. */
  append(kind: LogKind, instanceId: string | null, version: number | null, at: string, payload: unknown): number {
    const info = this.insert.run(kind, instanceId, version, at, canonicalJson(payload));
    return Number(info.lastInsertRowid);
  }

  /** Entries after `seq` (0 for all), oldest first, payload kept as the stored text. */
  since(seq: number, limit?: number): LogEntry[] {
    const rows = (limit === undefined ? this.selectSince.all(seq) : this.selectSinceLimited.all(seq, limit)) as LogRow[];
    return rows.map(toEntry);
  }
}

function toEntry(r: LogRow): LogEntry {
  return { seq: r.seq, kind: r.kind, instanceId: r.instance_id, version: r.version, at: r.at, payload: r.payload };
}
