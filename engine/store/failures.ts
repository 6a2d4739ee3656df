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
    return new SopError('store.busy', `the store ${file} is locked by another sop process; nothing was written`, {
      hint: 'another command is still writing; wait for it to finish and try again (with the same --request-id, it is applied once)',
      cause: e,
    });
  }
  if (isDamage(e)) return damaged(file, `SQLite reports: ${detail}`, e);
  if (code.startsWith('SQLITE_READONLY') || code === 'SQLITE_PERM' || code === 'SQLITE_AUTH') {
    return new SopError('store.unwritable', `cannot write to the store ${file}: ${detail}; nothing was written`, {
      hint: `sop needs write access to ${file} and to its directory (for the -wal and -shm files); check the permissions`,
      cause: e,
    });
  }
  if (code === 'SQLITE_FULL') {
    return new SopError('store.full', `the disk holding the store ${file} is full; nothing was written`, {
      hint: 'free some space on that disk (or raise the file size limit, ulimit -f), then run the command again',
      cause: e,
    });
  }
  if (code.startsWith('SQLITE_IOERR')) {
    return new SopError('store.io-error', `the store ${file} could not be read or written (${code}: ${detail}); nothing was written`, {
      hint: 'the disk may be full, over a file size limit (ulimit -f), or failing; fix that, then run the command again',
      cause: e,
    });
  }
  return e;
}

/** The store's file is damaged: refuse, and say how to find out more. */
export function damaged(file: string, why: string, cause?: unknown): SopError {
  return new SopError('store.damaged', `the store ${file} is damaged (${why}); sop does not write to a damaged store`, {
    hint: 'run `sop verify` to see what can still be checked, and restore the file from a backup',
    ...(cause === undefined ? {} : { cause }),
  });
}
