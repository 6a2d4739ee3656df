/**
 * The store: one SQLite file holding the global log, definitions,
 * instances, users and blobs. Open it with `Store.open(path)`; every method
 * is synchronous (better-sqlite3), and every write is one IMMEDIATE
 * transaction, so several `sop` processes can share the file.
 */
import type Database from 'better-sqlite3';
import type { SopDefinition } from '../definition/types.js';
import { AuditReads } from './audit-reads.js';
import { Blobs } from './blobs.js';
import { SourceCache, type SourceKind } from './source-cache.js';
import type { Checkpoint } from './chain.js';
import { Definitions } from './definitions.js';
import { Instances, type NewInstance } from './instances.js';
import { Log, type RawLogRow } from './log.js';
import { openDatabase, type OpenOptions } from './open.js';
import { Users, type NewUser } from './users.js';
import { Requests, answerAgain, answerOf, type RecordedRequest, type RequestKey } from './requests.js';
import { deferredWriteTransaction } from './tx.js';
import { storeFailure } from './failures.js';
import { SopError } from '../errors.js';
import { printable } from '../runtime/identity.js';
import type {
  ActorMeta,
  Appended,
  BlobRef,
  Instance,
  InstanceFilter,
  InstanceUpdate,
  LogEntry,
  Recorded,
  SopEvent,
  StoredEvent,
  User,
} from './types.js';

export interface StoreOptions extends OpenOptions {
  /** The clock for `at` timestamps; tests pin it. Default: now. */
  clock?: () => Date;
}

export class Store {
  /** The raw connection, for tests and for checks the store does not offer. Do not write through it. */
  readonly db: Database.Database;
  readonly path: string;
  private readonly log: Log;
  private readonly definitions: Definitions;
  private readonly instances: Instances;
  private readonly users: Users;
  private readonly blobs: Blobs;
  private readonly requests: Requests;
  private readonly now: () => string;
  private auditReads: AuditReads | undefined;
  private sources: SourceCache | undefined;

  private constructor(db: Database.Database, file: string, clock: () => Date) {
    this.db = db;
    this.path = file;
    const now = () => clock().toISOString();
    this.now = now;
    // Statements are prepared once per connection, here.
    this.log = new Log(db);
    this.definitions = new Definitions(db, this.log, now);
    this.instances = new Instances(db, this.log, now);
    this.users = new Users(db, this.log, now);
    this.blobs = new Blobs(db);
    this.requests = new Requests(db);
  }

  /** Opens (creating and migrating as needed) the store at `file`. */
  static open(file: string, options: StoreOptions = {}): Store {
    const db = openDatabase(file, options);
    try {
      // Preparing the statements reads the schema: the first place a damaged file can show.
      return new Store(db, file, options.clock ?? (() => new Date()));
    } catch (e) {
      db.close();
      throw storeFailure(file, e);
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  // --- requests ----------------------------------------------------------

  /**
   * Runs `fn`, a changing command, as the request `key`. Its first write
   * opens an IMMEDIATE transaction that lasts until `fn` ends, and the
   * request is recorded in it with the entries it wrote: a crash leaves both
   * or neither. What `fn` does before its first write (loading the SOP,
   * checking roles) holds no lock.
   *
   * - An id already recorded (checked before `fn` runs, and again once the
   *   write lock is held): `fn` does not run, or what it wrote is rolled
   *   back; the recorded answer is given again (a recorded refusal is thrown
   *   again). The same id with another command or other arguments is
   *   refused (`request.mismatch`).
   * - `fn` returns after writing: the request is recorded with its result
   *   (plain JSON data). A command that wrote nothing leaves no record:
   *   there is nothing to apply twice.
   * - `fn` throws a SopError right after recording a refused attempt (a
   *   refusal is part of the history): the refusal and the request are
   *   committed, then the error is thrown.
   * - Anything else thrown: everything `fn` wrote is rolled back.
   */
  runRequest<T>(key: RequestKey, fn: () => T): T {
    const recorded = this.requests.get(key.id);
    if (recorded) return this.answerAgain(key, recorded) as T;
    let before = 0;
    let answered: { value: unknown } | undefined;
    try {
      const value = deferredWriteTransaction<T>(
        this.db,
        {
          begun: () => {
            // Another run of the same request may have committed since the check above.
            const twin = this.requests.get(key.id);
            if (twin) throw new AnsweredMeanwhile(twin);
            before = this.log.head().seq;
            this.log.request = key.id;
          },
          settle: (outcome) => {
            this.log.request = undefined;
            const head = this.log.head().seq;
            if (head === before) return false;
            if ('value' in outcome) {
              // The first answer goes through JSON as the recorded one will: both print alike.
              const ok = outcome.value === undefined ? null : JSON.parse(JSON.stringify(outcome.value));
              this.requests.record(key, head, { ok }, this.now());
              answered = { value: ok };
              return true;
            }
            const e = outcome.error;
            if (!(e instanceof SopError) || !this.isRefusal(head)) return false;
            this.requests.record(key, head, answerOf(e), this.now());
            return true;
          },
        },
        fn,
      );
      return (answered ? answered.value : value) as T;
    } catch (e) {
      if (e instanceof AnsweredMeanwhile) return this.answerAgain(key, e.recorded) as T;
      throw e;
    } finally {
      this.log.request = undefined;
    }
  }

  /** The recorded request with this id, if any. */
  request(id: string): RecordedRequest | undefined {
    return this.requests.get(id);
  }

  private answerAgain(key: RequestKey, recorded: RecordedRequest): unknown {
    if (recorded.command !== key.command || recorded.argsHash !== key.argsHash) throw mismatch(key, recorded);
    return answerAgain(recorded);
  }

  private isRefusal(seq: number): boolean {
    const entry = this.log.get(seq);
    return entry !== undefined && entry.kind === 'event' && (JSON.parse(entry.payload) as SopEvent).type === 'refused';
  }

  // --- log ---------------------------------------------------------------

  /** Log entries with seq greater than `seq` (0: from the start), in order. */
  logSince(seq: number, limit?: number): LogEntry[] {
    return this.log.since(seq, limit);
  }
  /** The chain's head: the last entry's seq and hash. */
  head(): Checkpoint {
    return this.log.head();
  }
  logEntry(seq: number): LogEntry | undefined {
    return this.log.get(seq);
  }
  /** The entry just before `seq` as the log is now. */
  logEntryBefore(seq: number): LogEntry | undefined {
    return this.log.before(seq);
  }
  /** Every log entry of one instance, refusals included, oldest first. */
  logOfInstance(instanceId: string): LogEntry[] {
    return this.log.ofInstance(instanceId);
  }
  /** Streams log entries from `from` to `to` as raw rows (see RawLogRow). */
  iterateLog(from?: number, to?: number): IterableIterator<RawLogRow> {
    return this.log.iterate(from, to);
  }
  /** Whole-table reads for verification and export; prepared on first use, since most commands never audit. */
  get audit(): AuditReads {
    this.auditReads ??= new AuditReads(this.db);
    return this.auditReads;
  }

  // --- definitions -------------------------------------------------------

  putDefinition(def: SopDefinition): string {
    return this.definitions.put(def);
  }
  getDefinition(hash: string): SopDefinition | undefined {
    return this.definitions.get(hash);
  }
  latestDefinitionHash(sopId: string): string | undefined {
    return this.definitions.latestHash(sopId);
  }

  // --- instances ---------------------------------------------------------

  createInstance<S>(input: NewInstance<S>): Instance<S> {
    return this.instances.create(input);
  }
  /**
   * Appends an event at `expectedVersion` + 1. `blobs` are the contents of
   * its outputs: stored in the same transaction, so a conflict leaves none
   * of them behind.
   */
  appendEvent(instanceId: string, expectedVersion: number, event: SopEvent, state: unknown, update?: InstanceUpdate, blobs: readonly (Uint8Array | string)[] = []): Appended {
    return this.instances.append(instanceId, expectedVersion, event, state, update, () => {
      for (const content of blobs) this.blobs.put(content);
    });
  }
  appendRefusal(instanceId: string | null, expectedVersion: number | null, event: SopEvent): Recorded {
    return this.instances.refuse(instanceId, expectedVersion, event);
  }
  getInstance<S = unknown>(id: string): Instance<S> | undefined {
    return this.instances.get<S>(id);
  }
  listInstances<S = unknown>(filter?: InstanceFilter): Instance<S>[] {
    return this.instances.list<S>(filter);
  }
  eventsOf(instanceId: string): StoredEvent[] {
    return this.instances.events(instanceId);
  }

  // --- users -------------------------------------------------------------

  isEmpty(): boolean {
    return this.users.isEmpty();
  }
  initAdmin(name: string, by: ActorMeta): User {
    return this.users.initAdmin(name, by);
  }
  addUser(name: string, user: NewUser, by: ActorMeta): User {
    return this.users.add(name, user, by);
  }
  setRoles(name: string, roles: string[], by: ActorMeta): User {
    return this.users.setRoles(name, roles, by);
  }
  addRoles(name: string, roles: string[], by: ActorMeta): User {
    return this.users.addRoles(name, roles, by);
  }
  removeRoles(name: string, roles: string[], by: ActorMeta): User {
    return this.users.removeRoles(name, roles, by);
  }
  removeUser(name: string, by: ActorMeta): void {
    this.users.remove(name, by);
  }
  listUsers(): User[] {
    return this.users.list();
  }
  getUser(name: string): User | undefined {
    return this.users.get(name);
  }

  // --- the source cache ----------------------------------------------------

  /** What the file known by `key` (path and stat) was found to hold (see migration 003). */
  cachedSource(key: string, kind: SourceKind): string | undefined {
    this.sources ??= new SourceCache(this.db);
    return this.sources.get(key, kind);
  }
  /** Remembers it, best effort: never waits for a lock, never fails. */
  cacheSource(key: string, kind: SourceKind, result: string): void {
    this.sources ??= new SourceCache(this.db);
    this.sources.put(key, kind, result);
  }

  // --- blobs -------------------------------------------------------------

  putBlob(content: Uint8Array | string): BlobRef {
    return this.blobs.put(content);
  }
  getBlob(sha256: string): Buffer | undefined {
    return this.blobs.get(sha256);
  }
  hasBlob(sha256: string): boolean {
    return this.blobs.has(sha256);
  }
}

/** Thrown through the command when its request turns out to be recorded already: what it wrote is rolled back. */
class AnsweredMeanwhile extends Error {
  constructor(readonly recorded: RecordedRequest) {
    super(`request ${recorded.id} was recorded meanwhile`);
  }
}

function mismatch(key: RequestKey, recorded: RecordedRequest): SopError {
  const what = recorded.command === key.command ? `sop ${recorded.command} with other arguments, or as another user` : `sop ${recorded.command}`;
  return new SopError('request.mismatch', `request id "${printable(key.id)}" was already used at ${recorded.at} by ${what}; nothing was done`, {
    hint: 'give every new command a new request id; repeat an id only to retry the very same command',
  });
}

export { canonicalJson } from './canonical-json.js';
export { definitionHash, sha256Hex } from './definitions.js';
export { blobRef } from './blobs.js';
export { CHAIN_TAG, GENESIS, canonicalEntry, chainHash, entryHash, formatCheckpoint, parseCheckpoint } from './chain.js';
export type { ChainFields, Checkpoint } from './chain.js';
export type { RawLogRow } from './log.js';
export type { SourceKind } from './source-cache.js';
export type { AuditReads, RawEventRow, StoredInstanceRow, StoredDefinitionRow, StoredUserRow } from './audit-reads.js';
export { SCHEMA_VERSION } from './migrations/index.js';
export { BUSY_TIMEOUT_MS } from './open.js';
export { BEGIN_RETRIES, writeTransaction } from './tx.js';
export { storeFailure, isDamage } from './failures.js';
export { sqliteVersionOk, MINIMUM_SQLITE } from './sqlite-version.js';
export type { RequestKey, RecordedRequest, RecordedAnswer } from './requests.js';
export type { OpenOptions } from './open.js';
export type { NewInstance } from './instances.js';
export type { NewUser } from './users.js';
export type * from './types.js';
