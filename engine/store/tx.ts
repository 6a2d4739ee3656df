/**
 * Every write goes through `writeTransaction`. It is IMMEDIATE because with
 * several processes a deferred transaction that reads and then writes fails
 * with SQLITE_BUSY at once (its snapshot is stale; the busy timeout does not
 * help), while an immediate one takes the write lock up front and waits.
 */
import type Database from 'better-sqlite3';
import { SopError } from '../errors.js';

export function writeTransaction<T>(db: Database.Database, fn: () => T): T {
  try {
    return db.transaction(fn).immediate();
  } catch (e) {
    throw writeError(db, e);
  }
}

/** Turns SQLite's lock and permission failures into SopErrors; leaves the rest as they are. */
export function writeError(db: Database.Database, e: unknown): unknown {
  if (e instanceof SopError) return e;
  const code = (e as { code?: unknown }).code;
  if (typeof code !== 'string') return e;
  if (code.startsWith('SQLITE_BUSY')) {
    return new SopError('store.busy', `the store ${db.name} is locked by another sop process`, {
      hint: 'another command is still writing; wait for it to finish and try again',
      cause: e,
    });
  }
  if (code.startsWith('SQLITE_READONLY') || code === 'SQLITE_PERM') {
    return new SopError('store.unwritable', `cannot write to the store ${db.name}: ${(e as Error).message}`, {
      hint: `sop needs write access to ${db.name} and to its directory (for the -wal and -shm files); check the permissions`,
      cause: e,
    });
  }
  return e;
}
