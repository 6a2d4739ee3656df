/**
 * SQLite's failures, as the person at the terminal needs them: which file,
 * what happened, what to do, and that nothing was written. Every write is
 * one transaction, so a write that fails here has left the store as it was.
 */
import { SopError } from '../errors.js';

/** The SQLite result code of an error thrown by better-sqlite3 (e.g. "SQLITE_CORRUPT_INDEX"), if it is one. */
export function sqliteCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

/** Whether the error says the file's content is damaged (as opposed to locked, full or unwritable). */
export function isDamage(e: unknown): boolean {
  const code = sqliteCode(e);
  return code !== undefined && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB' || code === 'SQLITE_IOERR_SHORT_READ');
}

/**
 * Maps an SQLite failure on the store `file` to a SopError; anything else
 * (a SopError, a bug) is returned as it is.
 */
export function storeFailure(file: string, e: unknown): unknown {
  if (e instanceof SopError) return e;
  const code = sqliteCode(e);
  if (code === undefined) return e;
  const detail = (e as Error).message;
  if (code.startsWith('SQLITE_BUSY')) {
    return new SopError('store.busy', `the store ${file} is locked by another sop process; nothing was written`, { data: { file }, cause: e });
  }
  if (isDamage(e)) return damaged(file, `SQLite reports: ${detail}`, e);
  if (code.startsWith('SQLITE_READONLY') || code === 'SQLITE_PERM' || code === 'SQLITE_AUTH') {
    return new SopError('store.unwritable', `cannot write to the store ${file}: ${detail}; nothing was written`, { data: { file }, cause: e });
  }
  if (code === 'SQLITE_FULL') {
    return new SopError('store.full', `the disk holding the store ${file} is full; nothing was written`, { data: { file }, cause: e });
  }
  if (code.startsWith('SQLITE_IOERR')) {
    return new SopError('store.io-error', `the store ${file} could not be read or written (${code}: ${detail}); nothing was written`, { data: { file, sqlite: code }, cause: e });
  }
  return e;
}

/** The store's file is damaged: refuse, and say how to find out more. */
export function damaged(file: string, why: string, cause?: unknown): SopError {
  return new SopError('store.damaged', `the store ${file} is damaged (${why}); sop does not write to a damaged store`, { data: { file }, ...(cause === undefined ? {} : { cause }) });
}
