/**
 * What the trust tests compare to show that a refused attempt wrote
 * nothing: every row of every table of a store file, read through a
 * connection of its own (the engine that wrote it may be open).
 */
import Database from 'better-sqlite3';

export function everything(db: string): Record<string, unknown[]> {
  const conn = new Database(db, { readonly: true, fileMustExist: true });
  try {
    const tables = conn.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all() as string[];
    return Object.fromEntries(tables.map((t) => [t, conn.prepare(`SELECT * FROM "${t}"`).all()]));
  } finally {
    conn.close();
  }
}

/** The payloads of the log's entries from seq `after` on, parsed. */
export function entriesAfter(db: string, after: number): { seq: number; kind: string; at: string; payload: Record<string, unknown> }[] {
  const conn = new Database(db, { readonly: true, fileMustExist: true });
  try {
    const rows = conn.prepare('SELECT seq, kind, at, payload FROM log WHERE seq > ? ORDER BY seq').all(after) as { seq: number; kind: string; at: string; payload: string }[];
    return rows.map((r) => ({ ...r, payload: JSON.parse(r.payload) as Record<string, unknown> }));
  } finally {
    conn.close();
  }
}

/** The seq of the last entry of the log. */
export function headSeq(db: string): number {
  const conn = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return (conn.prepare('SELECT coalesce(max(seq), 0) FROM log').pluck().get() as number) ?? 0;
  } finally {
    conn.close();
  }
}
