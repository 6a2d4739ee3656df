/**
 * How the store's connection writes. Every write runs inside a transaction
 * that this object opens IMMEDIATE: with several processes, a deferred
 * transaction that reads and then writes fails with SQLITE_BUSY at once
 * (its snapshot is stale; the busy timeout does not help), while an
 * immediate one takes the write lock up front and waits.
 *
 * The BEGIN is issued here rather than by better-sqlite3's
 * `db.transaction(fn).immediate()`, to tell a busy BEGIN apart from any
 * later failure. Only a BEGIN that stayed busy for the whole busy timeout is
 * retried (a few times, after a random pause): nothing has run yet, so
 * running it again cannot apply anything twice. Once the body has run, a
 * failure, a failed COMMIT included, is rolled back and reported, never
 * retried.
 */
import type Database from 'better-sqlite3';
import { SopError } from '../errors.js';
import { sqliteCode, storeFailure } from './failures.js';
import { sqliteTooOld } from './sqlite-version.js';

/** How many times a BEGIN that stayed busy for the whole busy timeout is tried again. */
export const BEGIN_RETRIES = 3;
/** The random pause before each retry, in ms: writers that gave up together do not come back together. */
const RETRY_PAUSE_MS = { min: 20, max: 200 };

export class Writer {
  private readonly beginStatement: Database.Statement;
  private readonly commitStatement: Database.Statement;
  private readonly rollbackStatement: Database.Statement;

  /**
   * @param tooOld the version of an SQLite library too old to write with
   *   (see sqlite-version.ts): then every write is refused.
   */
  constructor(
    readonly db: Database.Database,
    private readonly tooOld?: string,
  ) {
    this.beginStatement = db.prepare('BEGIN IMMEDIATE');
    this.commitStatement = db.prepare('COMMIT');
    this.rollbackStatement = db.prepare('ROLLBACK');
  }

  /** Runs `fn` in its own IMMEDIATE transaction, or as a savepoint of the one the connection holds. */
  write<T>(fn: () => T): T {
    if (this.db.inTransaction) return this.savepoint(fn);
    this.begin();
    let result: T;
    try {
      result = fn();
      this.commitStatement.run();
    } catch (e) {
      this.rollback();
      throw this.failure(e);
    }
    return result;
  }

  /** Runs `fn` atomically inside the open transaction: what it wrote is undone if it throws. */
  savepoint<T>(fn: () => T): T {
    try {
      return this.db.transaction(fn)();
    } catch (e) {
      throw this.failure(e);
    }
  }

  /** Opens an IMMEDIATE transaction (a busy BEGIN is retried, see above). */
  begin(): void {
    if (this.tooOld !== undefined) throw sqliteTooOld(this.tooOld);
    for (let attempt = 0; ; attempt++) {
      try {
        this.beginStatement.run();
        return;
      } catch (e) {
        if (!sqliteCode(e)?.startsWith('SQLITE_BUSY') || attempt >= BEGIN_RETRIES) throw this.failure(e);
        pause(RETRY_PAUSE_MS.min + Math.random() * (RETRY_PAUSE_MS.max - RETRY_PAUSE_MS.min));
      }
    }
  }

  commit(): void {
    try {
      this.commitStatement.run();
    } catch (e) {
      this.rollback();
      throw this.failure(e);
    }
  }

  rollback(): void {
    // SQLite has already rolled back after some errors (a full disk, an I/O error).
    if (!this.db.inTransaction) return;
    try {
      this.rollbackStatement.run();
    } catch {
      // The original failure is what the person needs to see.
    }
  }

  /** Whether writes are refused on this connection (its SQLite library is too old). */
  get readOnly(): boolean {
    return this.tooOld !== undefined || this.db.readonly;
  }

  /** Turns SQLite's lock, permission, space and damage failures into SopErrors; leaves the rest as they are. */
  failure(e: unknown): unknown {
    if (e instanceof SopError) return e;
    return storeFailure(this.db.name, e);
  }
}

/** Sleeps without spinning: the store's API is synchronous. */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
