/**
 * Opening the store file: connection pragmas, schema migration, and turning
 * SQLite's failures into SopErrors that say which file and what to do.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SopError } from '../errors.js';
import { migrations, SCHEMA_VERSION } from './migrations/index.js';
import { damaged, isDamage, storeFailure } from './failures.js';
import { sqliteVersionOk } from './sqlite-version.js';
import { Writer } from './tx.js';

export const BUSY_TIMEOUT_MS = 5000;

export interface OpenOptions {
  /** Refuse to create the file when it does not exist (`store.not-found`). Default false. */
  mustExist?: boolean;
  /** How long a writer waits for another process's write lock. Default 5000 ms. */
  busyTimeoutMs?: number;
  /** The SQLite version to judge (tests); default the loaded library's. Below 3.51.3 the store only reads. */
  sqliteVersion?: string;
}

/** An open, migrated connection, and how it may write. */
export interface Opened {
  db: Database.Database;
  writer: Writer;
}

let librarySqlite: string | undefined;

/** Opens (creating if allowed) and migrates the store at `file`. */
export function openDatabase(file: string, options: OpenOptions = {}): Opened {
  if (options.mustExist && !fs.existsSync(file)) {
    throw new SopError('store.not-found', `no store at ${file}`, { data: { file } });
  }
  let db: Database.Database;
  try {
    db = new Database(file);
  } catch (e) {
    throw openError(file, e);
  }
  try {
    configure(db, options.busyTimeoutMs ?? BUSY_TIMEOUT_MS);
    // The library is the same for every connection of the process: ask it once.
    librarySqlite ??= db.prepare('SELECT sqlite_version()').pluck().get() as string;
    const version = options.sqliteVersion ?? librarySqlite;
    const writer = new Writer(db, sqliteVersionOk(version) ? undefined : version);
    migrate(writer, file);
    return { db, writer };
  } catch (e) {
    db.close();
    throw e instanceof SopError ? e : openError(file, e);
  }
}

/**
 * Runs at every open because most pragmas are per connection: in particular
 * synchronous falls back to its default at each open, and in WAL mode that
 * default (NORMAL in better-sqlite3's build) can lose the last commits on
 * power loss. The event log must survive, so FULL, always.
 */
function configure(db: Database.Database, busyTimeoutMs: number): void {
  // First, so that even switching to WAL waits for other processes.
  db.pragma(`busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
  // journal_mode is persistent in the file, but setting it is harmless and
  // converts a fresh file. It is the first read of the file, so a file that
  // is not SQLite fails here with SQLITE_NOTADB.
  const mode = db.pragma('journal_mode = WAL', { simple: true });
  // A store in memory (`:memory:`, for a program or a test that keeps nothing) has no file to share.
  if (mode !== 'wal' && !db.memory) {
    throw new SopError('store.open-failed', `cannot switch ${db.name} to WAL journal mode (it stays "${String(mode)}")`, { data: { file: db.name, journalMode: String(mode) } });
  }
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  // Extra sanity checks on every b-tree page as it is read, so that a write
  // that meets a damaged page is refused instead of building on it. It costs
  // little: only the pages a command reads anyway are checked.
  db.pragma('cell_size_check = ON');
}

/**
 * Applies the pending migrations in one IMMEDIATE transaction: two processes
 * opening a fresh file at once serialize here, and the second one re-reads
 * user_version inside the transaction and finds nothing to do.
 */
function migrate(writer: Writer, file: string): void {
  const db = writer.db;
  const current = () => db.pragma('user_version', { simple: true }) as number;
  checkNotNewer(current(), file);
  if (current() === SCHEMA_VERSION) return;
  writer.write(() => {
    const from = current();
    checkNotNewer(from, file);
    if (from === 0) {
      // user_version 0 with tables in it is someone else's database: do not
      // scribble our schema into it.
      const tables = db.prepare(`SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'`).get() as { n: number };
      if (tables.n > 0) {
        throw new SopError('store.not-a-database', `${file} is an SQLite database, but not a sop store`, { data: { file, foreign: true } });
      }
    }
    for (const m of migrations) {
      if (m.version <= from) continue;
      db.exec(m.sql);
      // user_version lives in the file header, which is part of the
      // transaction: a failed migration leaves the old version behind.
      db.pragma(`user_version = ${m.version}`);
    }
  });
}

function checkNotNewer(version: number, file: string): void {
  if (version > SCHEMA_VERSION) {
    throw new SopError('store.newer-schema', `${file} has schema version ${version}, but this sop knows only up to version ${SCHEMA_VERSION}`, {
      data: { file, version, known: SCHEMA_VERSION },
    });
  }
}

/** Maps a failure while opening or preparing the file to a SopError. */
function openError(file: string, e: unknown): SopError {
  const code = (e as { code?: unknown }).code;
  const detail = e instanceof Error ? e.message : String(e);
  if (code === 'SQLITE_NOTADB') {
    return new SopError('store.not-a-database', `${file} is not an SQLite database (or its header is damaged)`, { data: { file, foreign: false }, cause: e });
  }
  if (isDamage(e)) return damaged(file, `SQLite reports: ${detail}`, e);
  if (typeof code === 'string' && (code.startsWith('SQLITE_READONLY') || code === 'SQLITE_PERM' || code === 'SQLITE_AUTH')) {
    return unwritable(file, detail, e);
  }
  if (typeof code === 'string' && code.startsWith('SQLITE_CANTOPEN') && !writable(file)) {
    return unwritable(file, detail, e);
  }
  if (typeof code === 'string' && /^SQLITE_(BUSY|FULL|IOERR)/.test(code)) return storeFailure(file, e) as SopError;
  const dir = path.dirname(path.resolve(file));
  return new SopError('store.open-failed', `cannot open the store ${file}: ${detail}`, { data: { file, directory: dir, missingDirectory: !fs.existsSync(dir) }, cause: e });
}

function unwritable(file: string, detail: string, cause: unknown): SopError {
  return new SopError('store.unwritable', `cannot write to the store ${file}: ${detail}`, { data: { file }, cause });
}

/** Whether the file (or, if absent, its directory) is writable by us. */
function writable(file: string): boolean {
  // The directory too: WAL needs to create the -wal and -shm files next to it.
  try {
    if (fs.existsSync(file)) fs.accessSync(file, fs.constants.W_OK);
    fs.accessSync(path.dirname(path.resolve(file)), fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
