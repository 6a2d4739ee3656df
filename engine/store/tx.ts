/**
 * Every write goes through `writeTransaction`. It is IMMEDIATE because with
 * several processes a deferred transaction that reads and then writes fails
 * with SQLITE_BUSY at once (its snapshot is stale; the busy timeout does not
 * help), while an immediate one takes the write lock up front and waits.
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

interface Control {
  begin: Database.Statement;
  commit: Database.Statement;
  rollback: Database.Statement;
}

const controls = new WeakMap<Database.Database, Control>();
/** Connections opened on a SQLite library too old to write with, and its version. */
const tooOld = new WeakMap<Database.Database, string>();

/** Marks a connection as read-only because its SQLite library is too old (see sqlite-version.ts). */
export function refuseWrites(db: Database.Database, sqliteVersion: string): void {
  tooOld.set(db, sqliteVersion);
}

/** A transaction that the first write of a deferred transaction opens and holds to its end (see deferredWriteTransaction). */
interface Deferred {
  open: boolean;
  begun: () => void;
  /** Writes that wait for the request's own first write, to join its transaction (see alongRequest). */
  joining: (() => void)[];
}
const deferred = new WeakMap<Database.Database, Deferred>();

export function writeTransaction<T>(db: Database.Database, fn: () => T): T {
  if (!db.inTransaction) {
    const version = tooOld.get(db);
    if (version !== undefined) throw sqliteTooOld(version);
  }
  const held = deferred.get(db);
  if (held && !held.open) {
    begin(db, controlOf(db));
    held.open = true;
    try {
      held.begun();
      for (const write of held.joining.splice(0)) write();
    } catch (e) {
      rollback(db);
      held.open = false;
      throw writeError(db, e);
    }
  }
  if (db.inTransaction) {
    // Inside the caller's transaction, which holds the write lock already: a savepoint.
    try {
      return db.transaction(fn)();
    } catch (e) {
      throw writeError(db, e);
    }
  }
  const control = controlOf(db);
  begin(db, control);
  let result: T;
  try {
    result = fn();
    control.commit.run();
  } catch (e) {
    rollback(db);
    throw writeError(db, e);
  }
  return result;
}

/**
 * Runs `write`, a write that is not the request's own (a cache row), as part
 * of the request running on this connection: in its transaction if it holds
 * one, else when its first write opens it. A request that writes nothing,
 * or is rolled back, leaves none of it: a refused command changes nothing.
 * False when no request runs (the caller writes on its own).
 */
export function alongRequest(db: Database.Database, write: () => void): boolean {
  const held = deferred.get(db);
  if (!held) return false;
  if (held.open && db.inTransaction) write();
  else held.joining.push(write);
  return true;
}

/**
 * Runs `fn` so that its first write opens an IMMEDIATE transaction which
 * stays open until `fn` ends: what `fn` reads and computes before writing
 * holds no lock (the writes check versions, as always), and all its writes
 * join one transaction. `begun` runs first inside that transaction; once
 * `fn` has returned or thrown, `settle` runs inside it and says whether to
 * commit. If `fn` never writes, neither runs and no lock is taken.
 */
export function deferredWriteTransaction<T>(
  db: Database.Database,
  hooks: { begun: () => void; settle: (outcome: { value: T } | { error: unknown }) => boolean },
  fn: () => T,
): T {
  if (deferred.has(db) || db.inTransaction) return fn();
  const held: Deferred = { open: false, begun: hooks.begun, joining: [] };
  deferred.set(db, held);
  let outcome: { value: T } | { error: unknown };
  try {
    outcome = { value: fn() };
  } catch (e) {
    outcome = { error: e };
  } finally {
    deferred.delete(db);
  }
  if (held.open && db.inTransaction) {
    try {
      if (hooks.settle(outcome)) controlOf(db).commit.run();
      else rollback(db);
    } catch (e) {
      rollback(db);
      throw writeError(db, e);
    }
  }
  if ('error' in outcome) throw outcome.error;
  return outcome.value;
}

function rollback(db: Database.Database): void {
  // SQLite has already rolled back after some errors (a full disk, an I/O error).
  if (!db.inTransaction) return;
  try {
    controlOf(db).rollback.run();
  } catch {
    // The original failure is what the person needs to see.
  }
}

function begin(db: Database.Database, control: Control): void {
  for (let attempt = 0; ; attempt++) {
    try {
      control.begin.run();
      return;
    } catch (e) {
      if (!sqliteCode(e)?.startsWith('SQLITE_BUSY') || attempt >= BEGIN_RETRIES) throw writeError(db, e);
      pause(RETRY_PAUSE_MS.min + Math.random() * (RETRY_PAUSE_MS.max - RETRY_PAUSE_MS.min));
    }
  }
}

function controlOf(db: Database.Database): Control {
  let control = controls.get(db);
  if (!control) {
    control = { begin: db.prepare('BEGIN IMMEDIATE'), commit: db.prepare('COMMIT'), rollback: db.prepare('ROLLBACK') };
    controls.set(db, control);
  }
  return control;
}

/** Sleeps without spinning: the store's API is synchronous. */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Turns SQLite's lock, permission, space and damage failures into SopErrors; leaves the rest as they are. */
export function writeError(db: Database.Database, e: unknown): unknown {
  if (e instanceof SopError) return e;
  return storeFailure(db.name, e);
}
