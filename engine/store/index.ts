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
  private auditReads: AuditReads | undefined;
  private sources: SourceCache | undefined;

  private constructor(db: Database.Database, file: string, clock: () => Date) {
    this.db = db;
    this.path = file;
    const now = () => clock().toISOString();
    // Statements are prepared once per connection, here.
    this.log = new Log(db);
    this.definitions = new Definitions(db, this.log, now);
    this.instances = new Instances(db, this.log, now);
    this.users = new Users(db, this.log, now);
    this.blobs = new Blobs(db);
  }

  /** Opens (creating and migrating as needed) the store at `file`. */
  static open(file: string, options: StoreOptions = {}): Store {
    return new Store(openDatabase(file, options), file, options.clock ?? (() => new Date()));
  }

  close(): void {
    if (this.db.open) this.db.close();
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
  /** The same, a page of rows at a time (faster for whole-log passes). */
  logPages(from?: number, to?: number): Generator<RawLogRow[]> {
    return this.log.pages(from, to);
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

  /** What the file known by `key` (path and stat) was found to hold (see migration 002). */
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
export type { OpenOptions } from './open.js';
export type { NewInstance } from './instances.js';
export type { NewUser } from './users.js';
export type * from './types.js';
