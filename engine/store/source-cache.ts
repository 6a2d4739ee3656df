/**
 * The source cache (migration 003): what a YAML file, as stat() saw it,
 * was found to hold. Writes are best effort: a read command that fills the
 * cache must never wait for another process's write lock, nor fail on a
 * read-only store.
 */
import type Database from 'better-sqlite3';

export type SourceKind = 'sop' | 'calendar';

export class SourceCache {
  private readonly select: Database.Statement;
  private readonly insert: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.select = db.prepare('SELECT result FROM source_cache WHERE key = ? AND kind = ?').pluck();
    this.insert = db.prepare('INSERT OR IGNORE INTO source_cache (key, kind, result) VALUES (?, ?, ?)');
  }

  get(key: string, kind: SourceKind): string | undefined {
    return this.select.get(key, kind) as string | undefined;
  }

  /**
   * Remembers a result inside the transaction the caller holds (a changing
   * command's: the row is gone with it when the command is refused). A
   * failure is left for the command's own writes to meet and report.
   */
  putInTransaction(key: string, kind: SourceKind, result: string): void {
    try {
      this.insert.run(key, kind, result);
    } catch {
      // See above.
    }
  }

  /**
   * Remembers a result on its own, unless the store is busy or read-only:
   * a read command never waits for another process's lock for it. Within
   * any transaction (a read snapshot) it is left for a later command.
   */
  put(key: string, kind: SourceKind, result: string): void {
    if (this.db.readonly || this.db.inTransaction) return;
    const timeout = this.db.pragma('busy_timeout', { simple: true }) as number;
    try {
      this.db.pragma('busy_timeout = 0');
      this.insert.run(key, kind, result);
    } catch {
      // Busy, read-only file, full disk: the next run parses again; nothing is lost.
    } finally {
      this.db.pragma(`busy_timeout = ${timeout}`);
    }
  }
}
