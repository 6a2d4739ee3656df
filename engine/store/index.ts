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
import { Publications, type Published } from './publications.js';
import { Delegations } from './delegations.js';
import type { Delegation } from '../machine/authority.js';
import type { Checkpoint } from './chain.js';
import { Definitions } from './definitions.js';
import { Instances, type NewInstance } from './instances.js';
import { Log, type RawLogRow } from './log.js';
import { openDatabase, type Opened, type OpenOptions } from './open.js';
import { Users, type NewUser, type Profile } from './users.js';
import { Credentials, type Credential } from './credentials.js';
import { Sessions, type Session } from './sessions.js';
import { ApiTokens, type ApiToken } from './tokens.js';
import { SigningKeys, type SigningKey } from './signing-keys.js';
import { Requests, answerAgain, answerOf, type RecordedRequest, type RequestKey } from './requests.js';
import type { Writer } from './tx.js';
import { storeFailure } from './failures.js';
import { SopError } from '../errors.js';
import { printable } from '../text.js';
import type { Publication } from '../events.js';
import type { ActorMeta, UserChange, Appended, BlobRef, Instance, InstanceFilter, InstanceUpdate, LogEntry, Recorded, SopEvent, StoredEvent, User } from './types.js';

export interface StoreOptions extends OpenOptions {
  /** The clock for `at` timestamps; tests pin it. Default: now. */
  clock?: () => Date;
}

/**
 * The writes of one transaction (see Store.transact). Passing it is what
 * lets a function write: everything it writes commits or rolls back
 * together, and carries the id of the request it belongs to.
 */
export interface WriteTx {
  /** The id of the request these writes belong to; it goes into the payload of every entry written. */
  readonly request: string | undefined;
  createInstance<S>(input: NewInstance<S>): Instance<S>;
  /**
   * Appends an event at `expectedVersion` + 1. `blobs` are the contents of
   * its outputs: stored with it, so a conflict leaves none of them behind.
   */
  appendEvent(instanceId: string, expectedVersion: number, event: SopEvent, state: unknown, update?: InstanceUpdate, blobs?: readonly (Uint8Array | string)[]): Appended;
  appendRefusal(instanceId: string | null, expectedVersion: number | null, event: SopEvent): Recorded;
  putDefinition(def: SopDefinition): string;
  initAdmin(name: string, user: Pick<NewUser, 'login' | 'profile'>, by: ActorMeta): User;
  addUser(name: string, user: NewUser, by: ActorMeta): User;
  bindLogin(name: string, login: string | null, by: ActorMeta): User;
  setRights(name: string, rights: { admin: boolean; maintainer: boolean }, by: ActorMeta): User;
  setProfile(name: string, profile: Profile, by: ActorMeta): User;
  /** Records a 'user' entry whose facts are kept elsewhere (a password set, a token, a delegation, a signing key); returns its seq. */
  recordUserChange(change: UserChange): number;
  setRoles(name: string, roles: string[], by: ActorMeta): User;
  addRoles(name: string, roles: string[], by: ActorMeta): User;
  removeRoles(name: string, roles: string[], by: ActorMeta): User;
  removeUser(name: string, by: ActorMeta): void;
  putBlob(content: Uint8Array | string): BlobRef;
  /** Stores an office calendar (content-addressed) once; returns its hash. */
  putCalendar(calendar: unknown): string;
  /** Publishes a stored definition or calendar, from `effectiveOn` on. */
  publish(entry: Omit<Publication, 'action' | 'by' | 'request'>, by: ActorMeta): Published;

  // Credentials (outside the chain: the 'user' entry that says a password was set or a token made is recorded beside them).
  /** Sets a person's password hash. */
  setCredential(user: string, hash: string, mustChange: boolean): void;
  createSession(session: Omit<Session, 'revokedAt'>): void;
  /** Ends a session; whether it was open. */
  revokeSession(idHash: string): boolean;
  /** Ends every open session of a person; how many. */
  revokeSessionsOf(user: string): number;
  /** Forgets the sessions expired before `before` (ISO time). */
  pruneSessions(before: string): number;
  createToken(token: Omit<ApiToken, 'revokedAt'>, hash: string): void;
  /** Revokes an API token; whether it was in force. */
  revokeToken(id: string): boolean;
  /** Gives a deputy (Plt./Plh.) a holder's role for a period: a `delegate` user entry. */
  delegate(delegation: Omit<Delegation, 'endedAt'>, by: ActorMeta): Delegation;
  /** Ends a delegation now: an `end-delegation` user entry. */
  endDelegation(id: string, by: ActorMeta): Delegation;
  /** Adds a signing key's public part (a `key-add` entry); `by` is the administrator, `inUse` the keys in use as read before (checked again under the lock). */
  addSigningKey(key: { id: string; publicKey: string; algorithm: 'ed25519' }, by: ActorMeta, inUse: readonly string[]): SigningKey;
  /** Retires a signing key (a `key-retire` entry). */
  retireSigningKey(id: string, by: ActorMeta): SigningKey;
}

export class Store {
  /** @internal The raw connection, for the audit's own readers and for tests. Never write through it. */
  readonly db: Database.Database;
  readonly path: string;
  private readonly writer: Writer;
  private readonly log: Log;
  private readonly definitions: Definitions;
  private readonly instances: Instances;
  private readonly users: Users;
  private readonly blobs: Blobs;
  private readonly requests: Requests;
  private readonly now: () => string;
  private auditReads: AuditReads | undefined;
  private readonly publications: Publications;
  private readonly credentials: Credentials;
  private readonly sessions: Sessions;
  private readonly tokens: ApiTokens;
  private readonly delegationRows: Delegations;
  private readonly keys: SigningKeys;
  /** The transaction under way, if any: one at a time per connection. */
  private current: TxState | undefined;

  private constructor(opened: Opened, file: string, clock: () => Date) {
    const db = opened.db;
    this.db = db;
    this.path = file;
    this.writer = opened.writer;
    const now = () => clock().toISOString();
    this.now = now;
    // Statements are prepared once per connection, here.
    this.log = new Log(db);
    this.definitions = new Definitions(db, this.log, now);
    this.instances = new Instances(db, this.log, now);
    this.users = new Users(db, this.log, now);
    this.blobs = new Blobs(db);
    this.requests = new Requests(db);
    this.publications = new Publications(db, this.log, now);
    this.credentials = new Credentials(db);
    this.sessions = new Sessions(db);
    this.tokens = new ApiTokens(db);
    this.delegationRows = new Delegations(db, this.log, now);
    this.keys = new SigningKeys(db, this.log, now);
  }

  /** Opens (creating and migrating as needed) the store at `file`. */
  static open(file: string, options: StoreOptions = {}): Store {
    const opened = openDatabase(file, options);
    try {
      // Preparing the statements reads the schema: the first place a damaged file can show.
      return new Store(opened, file, options.clock ?? (() => new Date()));
    } catch (e) {
      opened.db.close();
      throw storeFailure(file, e);
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  // --- transactions ------------------------------------------------------

  /**
   * Runs `fn` with a WriteTx. Its first write opens an IMMEDIATE
   * transaction that lasts until `fn` ends: what `fn` reads and computes
   * before writing (loading an SOP, checking roles) holds no lock, and the
   * writes check versions, as always. When `fn` returns, what it wrote is
   * committed; when it throws, rolled back, except for a refusal: `fn`
   * throwing a SopError right after recording a refused attempt commits the
   * refusal (a refusal is part of the history), then the error is thrown.
   *
   * With a `request` (a changing command's id and fingerprint), `fn` runs
   * once per id:
   * - an id already recorded (checked before `fn` runs, and again once the
   *   write lock is held): `fn` does not run, or what it wrote is rolled
   *   back, and the recorded answer is given again (a recorded refusal is
   *   thrown again); the same id with another command or other arguments
   *   is refused (`request.mismatch`);
   * - `fn` returns after writing: the request is recorded with its result
   *   (plain JSON data), in the same transaction as its entries: a crash
   *   leaves both or neither. A command that wrote nothing leaves no
   *   record: there is nothing to apply twice. (What it wrote outside the
   *   log, such as a blob, is still committed.)
   */
  transact<T>(request: RequestKey | undefined, fn: (tx: WriteTx) => T): T {
    if (this.current) throw new Error('a transaction is already under way on this store');
    if (request) {
      const recorded = this.requests.get(request.id);
      if (recorded) return this.answerAgain(request, recorded) as T;
      // Its entries at the head of the log, but no record: the record was removed. Applying it again would do it twice.
      const applied = this.log.appliedRecently(request.id);
      if (applied !== undefined) {
        throw new SopError(
          'request.repeated',
          `request id "${printable(request.id)}" was applied at log entry ${applied}, but its record is missing from ${this.path}: the store was tampered with; nothing was done`,
          {
            data: { request: request.id, seq: applied, file: this.path },
          },
        );
      }
    }
    const tx: TxState = { request: request?.id, begun: false, closed: false, before: 0, answered: undefined };
    this.current = tx;
    let outcome: { value: T } | { error: unknown };
    try {
      outcome = { value: fn(this.newTx(tx)) };
    } catch (e) {
      outcome = { error: e };
    } finally {
      this.current = undefined;
      tx.closed = true;
    }
    if (tx.begun) {
      try {
        if (this.settle(request, tx, outcome)) this.writer.commit();
        else this.writer.rollback();
      } catch (e) {
        this.writer.rollback();
        if (e instanceof AnsweredMeanwhile && request) return this.answerAgain(request, e.recorded) as T;
        throw this.writer.failure(e);
      }
    }
    if ('error' in outcome) {
      if (outcome.error instanceof AnsweredMeanwhile && request) return this.answerAgain(request, outcome.error.recorded) as T;
      // An SQLite failure of the body (locked, full, damaged) is reported as the store's SopError, as any other write failure is.
      throw this.writer.failure(outcome.error);
    }
    return (tx.answered ? tx.answered.value : outcome.value) as T;
  }

  /** Shorthand for transact without a request: plain writes (migrations of data, tests). */
  write<T>(fn: (tx: WriteTx) => T): T {
    return this.transact(undefined, fn);
  }

  /**
   * Runs `fn`, which only reads, inside one read transaction: every read
   * sees the same snapshot, whatever other processes write meanwhile. It
   * ends with a rollback, which (unlike a commit) cannot fail on a damaged file.
   */
  readSnapshot<T>(fn: () => T): T {
    if (this.db.inTransaction) return fn();
    this.db.prepare('BEGIN').run();
    try {
      return fn();
    } finally {
      try {
        if (this.db.inTransaction) this.db.prepare('ROLLBACK').run();
      } catch {
        // A damaged file may refuse even that; the snapshot is gone with the connection.
      }
    }
  }

  /** Whether the record may not be written with this connection (a read-only file or an SQLite too old to write with). */
  get readOnly(): boolean {
    return this.writer.readOnly;
  }

  /** Called by the tx at its first write: opens the transaction and checks the request again. */
  private begin(tx: TxState): void {
    this.writer.begin();
    try {
      if (tx.request !== undefined) {
        // Another run of the same request may have committed since the check before it ran.
        const twin = this.requests.get(tx.request);
        if (twin) throw new AnsweredMeanwhile(twin);
      }
      tx.before = this.log.head().seq;
    } catch (e) {
      this.writer.rollback();
      throw this.writer.failure(e);
    }
  }

  /** Whether to commit what `fn` wrote; records the request's answer when it does. */
  private settle(request: RequestKey | undefined, tx: TxState, outcome: { value: unknown } | { error: unknown }): boolean {
    const head = this.log.head().seq;
    // Nothing in the log: nothing to record; what `fn` wrote beside it (a blob, a cached source) is kept if it returned.
    if (head === tx.before) return 'value' in outcome;
    if ('value' in outcome) {
      // The first answer goes through JSON as the recorded one will: both print alike.
      const ok: unknown = outcome.value === undefined ? null : JSON.parse(JSON.stringify(outcome.value));
      if (request) this.requests.record(request, head, { ok }, this.now());
      tx.answered = { value: ok };
      return true;
    }
    const e = outcome.error;
    if (!(e instanceof SopError) || !this.isRefusal(head)) return false;
    if (request) this.requests.record(request, head, answerOf(e as SopError), this.now());
    return true;
  }

  /** The WriteTx of one transaction: each write runs atomically inside the transaction that the first one opens. */
  private newTx(state: TxState): WriteTx {
    const run = <T>(fn: () => T): T => {
      if (state.closed) throw new Error('this transaction has ended');
      if (!state.begun) {
        this.begin(state);
        state.begun = true;
      }
      return this.writer.savepoint(fn);
    };
    const request = state.request;
    return {
      request,
      createInstance: (input) => run(() => this.instances.create(input, request)),
      appendEvent: (instanceId, expectedVersion, event, stateAfter, update = {}, blobs = []) =>
        run(() =>
          this.instances.append(instanceId, expectedVersion, event, stateAfter, update, request, () => {
            for (const content of blobs) this.blobs.put(content);
          }),
        ),
      appendRefusal: (instanceId, expectedVersion, event) => run(() => this.instances.refuse(instanceId, expectedVersion, event, request)),
      putDefinition: (def) => run(() => this.definitions.put(def, request)),
      initAdmin: (name, user, by) => run(() => this.users.initAdmin(name, user, by, request)),
      bindLogin: (name, login, by) => run(() => this.users.bindLogin(name, login, by, request)),
      setRights: (name, rights, by) => run(() => this.users.setRights(name, rights, by, request)),
      setProfile: (name, profile, by) => run(() => this.users.setProfile(name, profile, by, request)),
      recordUserChange: (change) => run(() => this.users.record(change, request)),
      addUser: (name, user, by) => run(() => this.users.add(name, user, by, request)),
      setRoles: (name, roles, by) => run(() => this.users.setRoles(name, roles, by, request)),
      addRoles: (name, roles, by) => run(() => this.users.addRoles(name, roles, by, request)),
      removeRoles: (name, roles, by) => run(() => this.users.removeRoles(name, roles, by, request)),
      removeUser: (name, by) => run(() => this.users.remove(name, by, request)),
      putBlob: (content) => run(() => this.blobs.put(content)),
      putCalendar: (calendar) => run(() => this.publications.putCalendar(calendar, request)),
      publish: (entry, by) => run(() => this.publications.publish(entry, by, request)),
      setCredential: (user, hash, mustChange) => run(() => this.credentials.set(user, hash, mustChange, this.now())),
      createSession: (session) => run(() => this.sessions.create(session)),
      revokeSession: (idHash) => run(() => this.sessions.revoke(idHash, this.now())),
      revokeSessionsOf: (user) => run(() => this.sessions.revokeAllOf(user, this.now())),
      pruneSessions: (before) => run(() => this.sessions.prune(before)),
      createToken: (token, hash) => run(() => this.tokens.create(token, hash)),
      revokeToken: (id) => run(() => this.tokens.revoke(id, this.now())),
      delegate: (delegation, by) => run(() => this.delegationRows.add(delegation, by, request)),
      endDelegation: (id, by) => run(() => this.delegationRows.endNow(id, by, request)),
      addSigningKey: (key, by, inUse) => run(() => this.keys.add(key, by, inUse, request)),
      retireSigningKey: (id, by) => run(() => this.keys.retireKey(id, by, request)),
    };
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
  /** The entry just after `seq` as the log is now. */
  logEntryAfter(seq: number): LogEntry | undefined {
    return this.log.after(seq);
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

  getDefinition(hash: string): SopDefinition | undefined {
    return this.definitions.get(hash);
  }
  latestDefinitionHash(sopId: string): string | undefined {
    return this.definitions.latestHash(sopId);
  }

  // --- instances ---------------------------------------------------------

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
  listUsers(): User[] {
    return this.users.list();
  }
  getUser(name: string): User | undefined {
    return this.users.get(name);
  }
  /** The person the OS login is bound to, if any. */
  userByLogin(login: string): User | undefined {
    return this.users.byLogin(login);
  }

  // --- publications ------------------------------------------------------

  /** The publication of SOP `sopId` in effect on `day` (YYYY-MM-DD), if any. */
  publishedSop(sopId: string, day: string): Published | undefined {
    return this.publications.sopInEffect(sopId, day);
  }
  /** Every publication of SOP `sopId` (of every SOP without one), in the order published. */
  publishedSops(sopId?: string): Published[] {
    return this.publications.sops(sopId);
  }
  /** The office calendar in effect on `day`: its publication and canonical JSON. */
  publishedCalendar(day: string): { published: Published; body: string } | undefined {
    return this.publications.calendarInEffect(day);
  }
  /** The seq of the latest calendar publication (0 when none). */
  latestCalendarSeq(): number {
    return this.publications.latestCalendarSeq();
  }

  // --- credentials, sessions, API tokens (outside the chain) -------------

  /** A person's password hash, if they have one. */
  credential(user: string): Credential | undefined {
    return this.credentials.get(user);
  }
  /** The session whose token has this SHA-256 (hex). */
  session(idHash: string): Session | undefined {
    return this.sessions.get(idHash);
  }
  apiToken(id: string): ApiToken | undefined {
    return this.tokens.get(id);
  }
  /** The API token whose secret has this SHA-256 (hex). */
  apiTokenByHash(hash: string): ApiToken | undefined {
    return this.tokens.byHash(hash);
  }
  /** A person's API tokens (everyone's without `user`), revoked ones included. */
  apiTokens(user?: string): ApiToken[] {
    return this.tokens.list(user);
  }

  // --- delegations -------------------------------------------------------

  /** The delegation with this id, if any. */
  delegation(id: string): Delegation | undefined {
    return this.delegationRows.get(id);
  }
  /** Every delegation (of one deputy), by start: in effect, to come, ended or run out. */
  delegations(deputy?: string): Delegation[] {
    return this.delegationRows.list(deputy);
  }

  // --- signing keys ------------------------------------------------------

  /** The writer's signing keys (public parts), in the order added. */
  signingKeys(): SigningKey[] {
    return this.keys.list();
  }
  signingKey(id: string): SigningKey | undefined {
    return this.keys.get(id);
  }

  // --- blobs -------------------------------------------------------------

  getBlob(sha256: string): Buffer | undefined {
    return this.blobs.get(sha256);
  }
  hasBlob(sha256: string): boolean {
    return this.blobs.has(sha256);
  }
}

/** Where a transaction stands (see Store.transact). */
interface TxState {
  readonly request: string | undefined;
  begun: boolean;
  closed: boolean;
  /** The log head when the transaction began: whether anything was written is judged against it. */
  before: number;
  answered: { value: unknown } | undefined;
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
    data: { request: key.id, command: recorded.command, at: recorded.at },
  });
}

export { canonicalJson } from './canonical-json.js';
export { definitionHash, sha256Hex } from './definitions.js';
export { blobRef } from './blobs.js';
export { CHAIN_TAG, GENESIS, canonicalEntry, chainHash, entryHash, formatCheckpoint, parseCheckpoint } from './chain.js';
export type { ChainFields, Checkpoint } from './chain.js';
export type { RawLogRow } from './log.js';
export type { Published } from './publications.js';
export type { Credential } from './credentials.js';
export type { Session } from './sessions.js';
export type { ApiToken } from './tokens.js';
export type { Delegation } from '../machine/authority.js';
export type { SigningKey } from './signing-keys.js';
export type { AuditReads, RawEventRow, StoredInstanceRow, StoredDefinitionRow, StoredUserRow } from './audit-reads.js';
export { SCHEMA_VERSION } from './migrations/index.js';
export { BUSY_TIMEOUT_MS } from './open.js';
export { BEGIN_RETRIES } from './tx.js';
export { storeFailure, isDamage } from './failures.js';
export { sqliteVersionOk, MINIMUM_SQLITE } from './sqlite-version.js';
export type { RequestKey, RecordedRequest, RecordedAnswer } from './requests.js';
export type { OpenOptions } from './open.js';
export type { NewInstance } from './instances.js';
export type { NewUser, Profile } from './users.js';
export type * from './types.js';
