/**
 * The engine as one object: `openEngine` gives it, and every use case of
 * sop is one of its methods, grouped by what they are about (instances,
 * people, audit, definitions). The CLI, the server and any embedding
 * program go through it, so the rules live in one place.
 *
 * Every method is asynchronous: a store on a network database answers
 * later. On the SQLite store each call runs to its end synchronously inside
 * (one connection serves one call at a time, with no interleaving), and
 * what only some commands need (the audit, the maintainer's tools, the YAML
 * parser) is loaded on first use, so a command pays only for itself.
 */
import { SopError, hasCode } from './errors.js';
import type { OfficeCalendar } from './calendar/calendar.js';
import type { SopDefinition, Step } from './definition/types.js';
import type { Checkpoint } from './store/chain.js';
import { storeFailure } from './store/failures.js';
import type { User } from './store/types.js';
import type { Published } from './store/publications.js';
import type { Profile } from './store/users.js';
import { Context, Office, type Identity } from './runtime/context.js';
import { sopsFromFolder, type SopSource } from './runtime/sop-source.js';
import { requestKey } from './runtime/requests.js';
import { advanceArgs, pendingAdvance, pendingStep, secretsToAsk, type AdvanceOptions, type OutputInput } from './runtime/advance-request.js';
import { instanceStatus, type StatusView } from './runtime/status.js';
import { listInstances, tasks, type ListedInstance, type TaskView } from './runtime/inbox.js';
import { instanceHistory, type InstanceHistory } from './runtime/history.js';
import { readOutput, type StoredOutput } from './runtime/outputs.js';
import {
  activeCasesOf,
  addUser,
  assertUserName,
  bindLogin,
  changeRoles,
  claimFirstLogin,
  currentUser,
  initDatabase,
  removeUser,
  setProfile,
  setRights,
  type NewPerson,
  type RoleChange,
} from './runtime/people.js';
import type { DelegationRequest, DelegationView } from './runtime/delegation.js';
import type { Delegation } from './machine/authority.js';
import type { OutputSpec } from './definition/types.js';
import type { VerifyReport } from './audit/verify.js';
import type { BundleHeader, BundleSummary } from './audit/bundle.js';
import type { AnyCheckpoint, SignedCheckpoint } from './audit/signing.js';
import type { SigningKey } from './store/index.js';
import type { ReplayView } from './audit/replay-view.js';
import type { ComplianceReport } from './audit/report.js';
import type { DurationTotal } from './definition/duration.js';
import type { SopPaths } from './tooling/paths.js';
import type { SkeletonOptions } from './tooling/skeleton.js';
import type { Validation } from './definition/validate.js';
import type { ApiToken } from './store/index.js';
import type { Authenticated, LoginResult, NewToken } from './runtime/auth.js';

export interface EngineOptions {
  /** The SQLite file of the history. Default `sop.db`; `:memory:` for a store that lives as long as the engine. */
  db?: string;
  /** Where SOP definitions come from: a folder of YAML files (default `sops`), or `sopsInMemory({...})`. */
  sops?: string | SopSource;
  /** The engine's clock; tests pin it. Default: the system clock. */
  clock?: () => Date;
  /** Who acts, unless a call is made through `engine.as(...)`. Reading commands need none; changing ones do. */
  identity?: Identity;
  /** Whether the store file may be created. Default false: a missing file is `store.not-found` (only `init` creates one). */
  create?: boolean;
}

/**
 * Opens an engine. The store itself opens on first use, so an engine that
 * only validates SOP files never touches a database.
 *
 * @example
 * const engine = await openEngine({ db: 'sop.db', sops: 'sops', identity: { user: 'budi', osUser: 'budi' } });
 * const { id } = await engine.instances.start('pengelolaan-akses-pengguna', { title: 'Akun SIMPEG' });
 * await engine.as({ user: 'siti', osUser: 'siti' }).instances.advance(id, { step: 'penerimaan-usulan' });
 * await engine.close();
 */
// oxlint-disable-next-line typescript/require-await -- asynchronous by contract: a store on a network database connects here.
export async function openEngine(options: EngineOptions = {}): Promise<Engine> {
  const sops = typeof options.sops === 'object' ? options.sops : sopsFromFolder(options.sops ?? 'sops');
  const office = new Office({ db: options.db ?? 'sop.db', sops, ...(options.clock ? { clock: options.clock } : {}), create: options.create === true });
  return new Engine(office, options.identity);
}

/** What `advance` is asked: the step, the decision's exit, the outputs and a note. */
export interface AdvanceRequest extends AdvanceOptions {
  /** The caller's id for this change: a retry with the same id is answered from the record, applied once. */
  requestId?: string;
  /**
   * Asked for the step's sensitive outputs that `outputs` does not hold,
   * before anything is written and only when the request is not already
   * recorded: a prompt with echo off, a password field. What it returns is
   * given as protected outputs, never stored.
   */
  askSecrets?: (outputs: OutputSpec[]) => Promise<ReadonlyMap<string, string>> | ReadonlyMap<string, string>;
}

/** What a completed advance answers (a retry gets the same answer). */
export interface AdvanceResult {
  completed: string;
  choice?: string;
  status: StatusView;
}

export interface Changing {
  /** The caller's id for this change: a retry with the same id is answered from the record, applied once. */
  requestId?: string;
}

/** An SOP of the catalogue. */
export interface CatalogEntry {
  id: string;
  file: string;
  number: string;
  name: string;
  revision: number;
  steps: number;
  actors: { id: string; name: string; kind: 'role' | 'case' }[];
  totalTime: DurationTotal & { text: string };
}

export class Engine {
  readonly instances: Instances;
  readonly people: People;
  readonly audit: Audit;
  readonly definitions: Definitions;
  readonly auth: Auth;

  /** @internal use openEngine. */
  constructor(
    private readonly office: Office,
    readonly identity: Identity | undefined,
  ) {
    if (identity?.user !== undefined) assertUserName(identity.user);
    const ctx = new Context(office, identity);
    const call = <T>(fn: () => T | Promise<T>): Promise<T> => guarded(office, fn);
    this.instances = new Instances(ctx, call);
    this.people = new People(ctx, call);
    this.audit = new Audit(ctx, call);
    this.definitions = new Definitions(ctx, call);
    this.auth = new Auth(ctx, call);
  }

  /** The same engine acting for someone else (a server holds one engine for everyone). */
  as(identity: Identity): Engine {
    return new Engine(this.office, identity);
  }

  /** Where the store is: its file. */
  get db(): string {
    return this.office.db;
  }

  /** Where the SOP definitions come from: the folder as given, or "memory". */
  get sops(): string {
    return this.office.sops.name;
  }

  /** Closes the store (if it was opened). The engine is not used afterwards. */
  close(): Promise<void> {
    this.office.close();
    return Promise.resolve();
  }
}

type Call = <T>(fn: () => T | Promise<T>) => Promise<T>;

/** Runs a use case; a failure of the store file (locked, full, damaged) comes out as the SopError that names it. */
async function guarded<T>(office: Office, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw storeFailure(office.db, e);
  }
}

/**
 * Runs `fn` as the changing request `command`, within its transaction (see
 * Store.transact). The request is fingerprinted with who asks: the person
 * acting (`by`, when the store cannot say yet: init).
 */
function changing<T>(ctx: Context, command: string, args: unknown, requestId: string | undefined, fn: (ctx: Context) => T, by?: string): T {
  const key = requestKey({ id: requestId, command, args }, by ?? ctx.identity.user);
  return ctx.store.transact(key, (tx) => fn(ctx.within(tx)));
}

export class Instances {
  /** @internal */
  constructor(
    private readonly ctx: Context,
    private readonly call: Call,
  ) {}

  /** Starts an instance of SOP `sopId` with its current definition; the unbound people of the case default to the starter. */
  start(sopId: string, options: { title?: string; assign?: Record<string, string> } & Changing = {}): Promise<{ id: string }> {
    return this.call(async () => {
      // The writing use cases load XState: not loaded by the commands that only read.
      const { startInstance } = await import('./runtime/start.js');
      const args = { sop: sopId, title: options.title ?? null, assign: options.assign ?? {} };
      return changing(this.ctx, 'start', args, options.requestId, (ctx) => {
        const inst = startInstance(ctx, sopId, { ...(options.title !== undefined ? { title: options.title } : {}), assign: options.assign ?? {} });
        return { id: inst.id };
      });
    });
  }

  /**
   * Completes the current step of instance `id`. Everything is checked
   * against the state read at the start and written with that version:
   * someone who completed it first makes this a `store.conflict`. A refusal
   * is recorded in the history and thrown.
   */
  advance(id: string, request: AdvanceRequest = {}): Promise<AdvanceResult> {
    return this.call(async () => {
      const { advanceInstance } = await import('./runtime/advance.js');
      const { step, sensitive } = pendingAdvance(this.ctx, id);
      const outputs: OutputInput[] = [...(request.outputs ?? [])];
      const args = advanceArgs(id, sensitive, { ...request, outputs });
      const key = requestKey({ id: request.requestId, command: 'advance', args }, this.ctx.identity.user);
      // Secrets are asked for before the write transaction (nobody holds the store's lock while a person types),
      // and not at all for a retry that will be answered from the record.
      const missing = secretsToAsk(step, outputs);
      if (missing.length && request.askSecrets && this.ctx.store.request(key.id) === undefined) {
        const secrets = await request.askSecrets(missing);
        for (const [output, value] of secrets) outputs.push({ id: output, value, protected: true });
      }
      const options: AdvanceOptions = { ...request, outputs };
      return this.ctx.store.transact(key, (tx) => {
        const ctx = this.ctx.within(tx);
        const done = advanceInstance(ctx, id, options);
        return { completed: done.completed, ...(done.choice !== undefined ? { choice: done.choice } : {}), status: instanceStatus(ctx, id) } satisfies AdvanceResult;
      });
    });
  }

  /** Ends an active instance early: its starter or an administrator, with a reason on record. */
  cancel(id: string, options: { reason: string } & Changing): Promise<{ id: string; status: string }> {
    return this.call(async () => {
      const { cancelInstance } = await import('./runtime/cancel.js');
      return changing(this.ctx, 'cancel', { instance: id, reason: options.reason }, options.requestId, (ctx) => {
        const inst = cancelInstance(ctx, id, options.reason);
        return { id: inst.id, status: inst.status };
      });
    });
  }

  /**
   * Binds a person of the case (`actor`, e.g. pemohon) of active instance
   * `id` to someone else (`to`): the person left, or was removed. A
   * `reassigned` event with the reason; the step does not move.
   * Administrators only (a refusal is recorded in the history).
   */
  reassign(id: string, request: { actor: string; to: string; reason: string } & Changing): Promise<{ id: string; version: number; assignments: Record<string, string> }> {
    return this.call(async () => {
      const { reassignActor } = await import('./runtime/reassign.js');
      const args = { instance: id, actor: request.actor, to: request.to, reason: request.reason };
      return changing(this.ctx, 'reassign', args, request.requestId, (ctx) => {
        const inst = reassignActor(ctx, id, request);
        return { id: inst.id, version: inst.version, assignments: inst.state.assignments };
      });
    });
  }

  /** The instance now: its state, current step, who acts and when it falls due. */
  status(id: string): Promise<StatusView> {
    return this.call(() => instanceStatus(this.ctx, id));
  }

  /** The step instance `id` waits on (what an advance completes, and which outputs it needs); undefined once it is finished. */
  pendingStep(id: string): Promise<Step | undefined> {
    return this.call(() => pendingStep(this.ctx, id));
  }

  /** Instances, oldest first. */
  list(filter: { sop?: string; status?: string } = {}): Promise<ListedInstance[]> {
    return this.call(() => listInstances(this.ctx, filter));
  }

  /** The acting person's inbox (or everyone's, `all`): every active step, most urgent first. */
  tasks(options: { all?: boolean; overdue?: boolean } = {}): Promise<TaskView[]> {
    return this.call(() => tasks(this.ctx, options));
  }

  /** Who did what and when, refused attempts included, each completion against its waktu. */
  history(id: string): Promise<InstanceHistory> {
    return this.call(() => instanceHistory(this.ctx, id));
  }

  /** A stored output's content (the latest, when its step ran more than once). */
  output(id: string, outputId: string): Promise<StoredOutput> {
    return this.call(() => readOutput(this.ctx, id, outputId));
  }
}

export class People {
  /** @internal */
  constructor(
    private readonly ctx: Context,
    private readonly call: Call,
  ) {}

  /**
   * Creates the store's first administrator (also a maintainer), on an
   * empty store only. In direct file mode the OS login running it is bound
   * to them, unless `login` names another one.
   */
  init(admin: string, options: { login?: string | null; profile?: Profile } & Changing = {}): Promise<User> {
    return this.call(() => {
      // Before the store is opened: a refused init leaves no file behind.
      assertUserName(admin);
      const args = { admin, login: options.login ?? null, profile: options.profile ?? null };
      return changing(this.ctx, 'init', args, options.requestId, (ctx) => initDatabase(ctx, admin, options), admin);
    });
  }

  /**
   * On a store where no OS login is bound to anyone (made before logins),
   * binds the OS login running this (direct file mode) to the
   * administrator `admin`: the first binding only (`auth.logins-bound`
   * afterwards), recorded as theirs.
   */
  claim(admin: string, options: Changing = {}): Promise<User> {
    return this.call(() => changing(this.ctx, 'user claim', { admin, login: this.ctx.claimed.osUser ?? null }, options.requestId, (ctx) => claimFirstLogin(ctx, admin), admin));
  }

  /** Registers a person with the roles (SOP actor ids) they hold, their rights, the OS login bound to them and their profile: administrators only. */
  add(name: string, person: NewPerson & Changing = {}): Promise<User> {
    const args = { name, roles: person.roles ?? [], admin: person.admin === true, maintainer: person.maintainer === true, login: person.login ?? null, profile: person.profile ?? null };
    return this.call(() => changing(this.ctx, 'user add', args, person.requestId, (ctx) => addUser(ctx, name, person)));
  }

  /** Binds an OS login to a person (null: unbinds): in direct file mode that login acts as them. Administrators only. */
  bindLogin(name: string, login: string | null, options: Changing = {}): Promise<User> {
    return this.call(() => changing(this.ctx, 'user bind', { name, login }, options.requestId, (ctx) => bindLogin(ctx, name, login)));
  }

  /** Sets a person's rights: administrator, maintainer (publishing SOPs). Administrators only. */
  setRights(name: string, rights: { admin?: boolean; maintainer?: boolean }, options: Changing = {}): Promise<User> {
    return this.call(() => changing(this.ctx, 'user rights', { name, ...rights }, options.requestId, (ctx) => setRights(ctx, name, rights)));
  }

  /** Sets how documents name a person (full name, NIP, jabatan): the person, or an administrator. */
  setProfile(name: string, profile: Profile, options: Changing = {}): Promise<User> {
    return this.call(() => changing(this.ctx, 'user profile', { name, profile }, options.requestId, (ctx) => setProfile(ctx, name, profile)));
  }

  grant(name: string, roles: string[], options: Changing = {}): Promise<User> {
    return this.changeRoles('grant', 'add', name, roles, options);
  }

  revoke(name: string, roles: string[], options: Changing = {}): Promise<User> {
    return this.changeRoles('revoke', 'remove', name, roles, options);
  }

  setRoles(name: string, roles: string[], options: Changing = {}): Promise<User> {
    return this.changeRoles('set-roles', 'set', name, roles, options);
  }

  /**
   * Removes a person; their past actions stay in the history. Someone bound
   * to a person of the case of an active instance is refused
   * (`user.has-active-cases`: reassign those first) unless `force`.
   */
  remove(name: string, options: { force?: boolean } & Changing = {}): Promise<{ name: string }> {
    const args = { name, ...(options.force === true ? { force: true } : {}) };
    return this.call(() =>
      changing(this.ctx, 'user remove', args, options.requestId, (ctx) => {
        removeUser(ctx, name, { force: options.force === true });
        return { name };
      }),
    );
  }

  /** The active instances in which a person is bound to a person of the case (what a reassignment takes over). */
  activeCases(name: string): Promise<{ instance: string; actors: string[] }[]> {
    return this.call(() => activeCasesOf(this.ctx, name));
  }

  /**
   * Gives the holder of `role` an acting deputy (Plt. or Plh.) for a period:
   * during it, the deputy completes the role's steps, recorded as such.
   * Administrators only; the holder must hold the role.
   */
  delegate(request: DelegationRequest & Changing): Promise<Delegation> {
    return this.call(async () => {
      const { delegate } = await import('./runtime/delegation.js');
      const at = (v: string | Date | undefined) => (v instanceof Date ? v.toISOString() : (v ?? null));
      const args = { role: request.role, holder: request.holder, deputy: request.deputy, title: request.title, from: at(request.from), until: at(request.until) };
      return changing(this.ctx, 'delegate', args, request.requestId, (ctx) => delegate(ctx, request));
    });
  }

  /** Ends a delegation now (before its period is over). Administrators only. */
  endDelegation(id: string, options: Changing = {}): Promise<Delegation> {
    return this.call(async () => {
      const { endDelegation } = await import('./runtime/delegation.js');
      return changing(this.ctx, 'end-delegation', { id }, options.requestId, (ctx) => endDelegation(ctx, id));
    });
  }

  /** The delegations in effect and to come (with `all`, also those ended or run out), by start. */
  delegations(options: { all?: boolean } = {}): Promise<DelegationView[]> {
    return this.call(async () => (await import('./runtime/delegation.js')).listDelegations(this.ctx, options));
  }

  list(): Promise<User[]> {
    return this.call(() => this.ctx.store.listUsers());
  }

  /** The acting person, who must be registered (`auth.unknown-user`). */
  me(): Promise<User> {
    return this.call(() => currentUser(this.ctx));
  }

  private changeRoles(verb: string, change: RoleChange, name: string, roles: string[], options: Changing): Promise<User> {
    return this.call(() => changing(this.ctx, `user ${verb}`, { name, roles }, options.requestId, (ctx) => changeRoles(ctx, name, change, roles)));
  }
}

export class Audit {
  /** @internal */
  constructor(
    private readonly ctx: Context,
    private readonly call: Call,
  ) {}

  /**
   * Recomputes the hash chain, checks every stored definition and output
   * against its hash, replays every instance (or one) against its pinned
   * definition, and checks that everyone recorded was allowed to do what
   * they did. A checkpoint kept apart (signed, or the old unsigned form)
   * must still be extended by the log, and its signature hold. Breaks are
   * data in the report, not exceptions.
   */
  verify(options: { instance?: string; checkpoint?: AnyCheckpoint } = {}): Promise<VerifyReport> {
    return this.call(async () => (await import('./audit/verify.js')).verifyStore(this.ctx.store, options));
  }

  /** Checks an exported bundle on its own: no store needed. */
  verifyBundle(bytes: Uint8Array, options: { checkpoint?: AnyCheckpoint } = {}): Promise<VerifyReport> {
    return this.call(async () => (await import('./audit/bundle.js')).verifyBundle(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), options));
  }

  /**
   * Writes the bundle of one instance (or of the whole store) through
   * `write`, a line at a time, its head signed with the writer's key in
   * `keyFile` (default `<db>.signing-key`; an administrator's first export
   * creates it). When the key is not at hand the bundle is written
   * unsigned, and `unsigned` says why; `sign: false` asks for none.
   */
  export(scope: BundleHeader['scope'], write: (text: string) => void, options: { keyFile?: string; sign?: boolean } = {}): Promise<BundleSummary> {
    return this.call(async () => {
      const { writeBundle } = await import('./audit/bundle.js');
      const keys = await import('./runtime/keys.js');
      let sign: ((head: Checkpoint) => SignedCheckpoint) | undefined;
      let unsigned = 'not asked';
      if (options.sign !== false) {
        try {
          const file = this.keyFile(keys, options.keyFile, true);
          const pair = keys.readStoreKey(this.ctx, file);
          keys.signHead(this.ctx, pair);
          sign = (head) => keys.signHead(this.ctx, pair, head);
        } catch (e) {
          if (!hasCode(e, 'key.missing', 'key.unreadable', 'key.unknown', 'key.retired')) throw e;
          unsigned = e.message;
        }
      }
      const { user, via, osUser } = this.ctx.identity;
      const summary = writeBundle(this.ctx.store, scope, { user, via, ...(osUser === undefined ? {} : { osUser }) }, this.ctx.clock(), write, sign ? { sign } : {});
      return { ...summary, unsigned: summary.signed ? null : unsigned };
    });
  }

  /** The head of the chain, and when its last entry was written: keep it outside the machine and give it back to `verify`. */
  checkpoint(): Promise<Checkpoint & { at: string | null }> {
    return this.call(() => {
      const store = this.ctx.store;
      const head = store.head();
      return { ...head, at: head.seq > 0 ? (store.logEntry(head.seq)?.at ?? null) : null };
    });
  }

  /**
   * The head of the chain signed with the writer's key in `keyFile`
   * (default `<db>.signing-key`): `line` is the form to keep
   * (`sop-checkpoint:1:<seq>:<hash>:<keyId>:<signature>`). With `create`,
   * an administrator's first use creates the key; otherwise a missing key
   * is `key.missing`, and a key the log retired is `key.retired`.
   */
  signedCheckpoint(options: { keyFile?: string; create?: boolean } = {}): Promise<SignedCheckpoint & { at: string | null; line: string }> {
    return this.call(async () => {
      const keys = await import('./runtime/keys.js');
      const { formatAnyCheckpoint } = await import('./audit/signing.js');
      const signed = keys.signedHead(this.ctx, this.keyFile(keys, options.keyFile, options.create === true));
      return { ...signed, line: formatAnyCheckpoint(signed) };
    });
  }

  /** The writer's signing keys (public parts), in the order the log added them. */
  keys(): Promise<SigningKey[]> {
    return this.call(() => this.ctx.store.signingKeys());
  }

  /**
   * Creates the writer's signing key: the private key in `keyFile` (default
   * `<db>.signing-key`, mode 0600), its public part in the log.
   * Administrators only; refused (`key.exists`) when the store has one.
   */
  initKey(options: { keyFile?: string } & Changing = {}): Promise<SigningKey & { file: string }> {
    return this.call(async () => {
      const keys = await import('./runtime/keys.js');
      const file = keys.keyFileOf(this.ctx, options.keyFile);
      keys.assertKeyInit(this.ctx, file);
      return { ...this.makeKey(keys, file, false, options.requestId).key, file };
    });
  }

  /**
   * Puts a new signing key in place of the one in use: the new key is added
   * and the old one retired in one change; the old private key is
   * overwritten. Checkpoints the old key signed before it was retired still
   * hold. Administrators only.
   */
  rotateKey(options: { keyFile?: string } & Changing = {}): Promise<{ key: SigningKey; retired: SigningKey[]; file: string }> {
    return this.call(async () => {
      const keys = await import('./runtime/keys.js');
      const file = keys.keyFileOf(this.ctx, options.keyFile);
      return { ...this.makeKey(keys, file, true, options.requestId), file };
    });
  }

  /** The key file to sign with; when `create` and there is none, an administrator's first use creates it (and the key). */
  private keyFile(keys: typeof import('./runtime/keys.js'), keyFile: string | undefined, create: boolean): string {
    const file = keys.keyFileOf(this.ctx, keyFile);
    if (create && !keys.keyFileExists(file) && keys.keysInUse(this.ctx).length === 0 && keys.actingAsAdmin(this.ctx)) {
      try {
        this.makeKey(keys, file, false, undefined);
      } catch (e) {
        // Another first use (two exports at once) made the key between the look above and the write: sign with theirs.
        if (!hasCode(e, 'key.exists')) throw e;
      }
    }
    return file;
  }

  /** Makes a key: its file staged, its public part recorded, then the file put in place. */
  private makeKey(keys: typeof import('./runtime/keys.js'), file: string, rotate: boolean, requestId: string | undefined): { key: SigningKey; retired: SigningKey[] } {
    const pair = keys.newSigningKey();
    const staged = keys.stageKeyFile(file, pair.privateKeyPem);
    try {
      const made = changing(this.ctx, rotate ? 'key rotate' : 'key init', { file }, requestId, (ctx) => keys.recordKey(ctx, pair, rotate));
      // A retry answered from the record made no key: the file stays as it was.
      if (made.key.id === pair.id) staged.commit();
      else staged.discard();
      return made;
    } catch (e) {
      staged.discard();
      throw e;
    }
  }

  /** An instance rebuilt event by event through its pinned definition, up to a log seq or a time. */
  replay(id: string, options: { until?: number | Date } = {}): Promise<ReplayView> {
    return this.call(async () => (await import('./audit/replay-view.js')).replayRecorded(this.ctx.store, id, (hash) => this.ctx.office.storedDefinition(hash), options));
  }

  /** Mutu baku compliance per SOP, step and actor, for a period. */
  report(options: { sop?: string; from?: Date; to?: Date; fromText?: string; toText?: string; target?: number } = {}): Promise<ComplianceReport> {
    return this.call(async () => {
      const { complianceReport } = await import('./audit/report.js');
      const source = { store: this.ctx.store, definition: (hash: string) => this.ctx.office.pinnedDefinition(hash), calendar: this.ctx.calendar };
      return complianceReport(source, { ...options, now: this.ctx.clock() });
    });
  }
}

/** A publication of an SOP, with its nomor and nama, and where it stands today. */
export interface PublishedSop extends Published {
  number: string;
  name: string;
  inEffect: boolean;
  /** In effect today; to come (its tanggal efektif is after today); or superseded by a later one. */
  state: 'in-effect' | 'to-come' | 'superseded';
}
export class Definitions {
  /** @internal */
  constructor(
    private readonly ctx: Context,
    private readonly call: Call,
  ) {}

  /** The definition of SOP `id` as the source holds it now, checked. */
  get(id: string): Promise<SopDefinition> {
    return this.call(() => this.ctx.sops.load(id));
  }

  /**
   * Publishes SOP `id` of the source (the SOP folder, or memory) from its
   * tanggal efektif (or `effectiveOn`, YYYY-MM-DD) on: new instances start
   * with it from that day. A maintainer or an administrator.
   */
  publish(id: string, options: { effectiveOn?: string } & Changing = {}): Promise<Published> {
    return this.call(async () => {
      const { publishSop } = await import('./runtime/publish.js');
      return changing(this.ctx, 'publish', { sop: id, effectiveOn: options.effectiveOn ?? null }, options.requestId, (ctx) => publishSop(ctx, id, options));
    });
  }

  /** Whether the source has an office calendar of its own to publish (calendar.yaml). */
  hasCalendar(): Promise<boolean> {
    return this.call(() => this.ctx.sops.hasCalendar());
  }

  /** Publishes the office calendar of the source (calendar.yaml): due times count in it from now on. */
  publishCalendar(options: Changing = {}): Promise<Published> {
    return this.call(async () => {
      const { publishCalendar } = await import('./runtime/publish.js');
      return changing(this.ctx, 'publish calendar', {}, options.requestId, (ctx) => publishCalendar(ctx));
    });
  }

  /**
   * What is published: every publication of SOP `sop` (or of every SOP), in
   * the order published, with its nomor and nama, the one in effect today
   * marked (`inEffect`), and where each stands (`state`: in effect, to come
   * from a later tanggal efektif, or superseded); the calendar's.
   */
  published(sop?: string): Promise<{ sops: PublishedSop[]; calendar: Published | null }> {
    return this.call(() => {
      const store = this.ctx.store;
      const today = this.ctx.today();
      const all = store.publishedSops(sop);
      const inEffect = new Set([...new Set(all.map((p) => p.sop!))].map((id) => store.publishedSop(id, today)?.seq).filter((seq): seq is number => seq !== undefined));
      const sops = all.map((p): PublishedSop => {
        const def = this.ctx.office.pinnedDefinition(p.hash);
        const state = inEffect.has(p.seq) ? 'in-effect' : p.effectiveOn > today ? 'to-come' : 'superseded';
        return { ...p, number: def.identity.number, name: def.identity.name, inEffect: state === 'in-effect', state };
      });
      return { sops, calendar: store.publishedCalendar('9999-12-31')?.published ?? null };
    });
  }

  /** The definition of SOP `id` in effect today: what a new instance starts with. */
  inEffect(id: string): Promise<SopDefinition> {
    return this.call(async () => {
      const { publicationInEffect } = await import('./runtime/publish.js');
      return this.ctx.office.pinnedDefinition(publicationInEffect(this.ctx, id).hash);
    });
  }

  /** Every SOP of the source: id, nomor, nama, steps, actors, total time standard; and the files that are not valid. */
  catalog(): Promise<{ sops: CatalogEntry[]; invalid: { file: string; errors: number }[] }> {
    return this.call(async () => {
      const { addDurations, formatTotal } = await import('./definition/duration.js');
      const checked = this.ctx.sops.checkAll();
      const sops = checked.flatMap((c): CatalogEntry[] => {
        const d = c.definition;
        if (!d) return [];
        const total = addDurations(d.steps.map((s) => s.time));
        return [
          {
            id: d.id,
            file: c.file,
            number: d.identity.number,
            name: d.identity.name,
            revision: d.revision,
            steps: d.steps.length,
            actors: d.actors.map((a) => ({ id: a.id, name: a.name, kind: a.kind })),
            totalTime: { ...total, text: formatTotal(total) },
          },
        ];
      });
      const invalid = checked.filter((c) => !c.definition).map((c) => ({ file: c.file, errors: c.problems.filter((p) => p.severity === 'error').length }));
      return { sops, invalid };
    });
  }

  /**
   * Checks SOP files (and office calendars) against the schema and the
   * rules of the language: `paths` are files or folders, by default the
   * SOP folder (or every SOP held in memory). Lint findings are warnings;
   * with `strict` they fail too.
   */
  validate(paths?: string[], options: { strict?: boolean } = {}): Promise<Validation> {
    return this.call(async () => {
      const { validatePaths, validationOf } = await import('./definition/validate.js');
      const folder = this.ctx.sops.folder;
      if (paths?.length || folder !== undefined) return validatePaths(paths?.length ? paths : [folder!], options);
      return validationOf(this.ctx.sops.checkAll(), options);
    });
  }

  /** The flowchart of SOP `id`: Mermaid or Graphviz DOT text, one swimlane per actor. */
  graph(id: string, format: 'mermaid' | 'dot'): Promise<string> {
    return this.call(async () => {
      const def = this.ctx.sops.load(id);
      return format === 'dot' ? (await import('./tooling/graph-dot.js')).dotFlowchart(def) : (await import('./tooling/graph-mermaid.js')).mermaidFlowchart(def);
    });
  }

  /** Every path from the start to an end of SOP `id`, with its total waktu in the office calendar's working time. */
  paths(id: string): Promise<SopPaths> {
    return this.call(async () => {
      const def = this.ctx.sops.load(id);
      const { sopPaths, workingDayMinutes } = await import('./tooling/paths.js');
      return sopPaths(def, { minutesPerDay: workingDayMinutes(this.ctx.sops.calendar()) });
    });
  }

  /** SOP `id` as its signed document draws it: a self-contained A4-landscape HTML page, or Markdown. */
  render(id: string, format: 'html' | 'md'): Promise<string> {
    return this.call(async () => {
      const def = this.ctx.sops.load(id);
      return format === 'md' ? (await import('./tooling/render-md.js')).renderMarkdown(def) : (await import('./tooling/render-html.js')).renderHtml(def);
    });
  }

  /**
   * The YAML text of a new SOP `id`: a complete, commented example that
   * validates (`sop new`). SopError `sop.exists` when the source holds that
   * id already, `sop.invalid` when the options make it invalid (a name too long).
   */
  skeleton(id: string, options: SkeletonOptions): Promise<string> {
    return this.call(async () => {
      const { assertNewSopId, sopSkeleton } = await import('./tooling/skeleton.js');
      const { checkSopSource } = await import('./definition/load.js');
      assertNewSopId(id);
      const sops = this.ctx.sops;
      if (sops.has(id)) throw new SopError('sop.exists', `SOP "${id}" already exists in ${sops.name}`, { data: { sop: id, source: sops.name } });
      const text = sopSkeleton(id, options);
      const errors = checkSopSource(`${id}.yaml`, text, (other) => sops.has(other)).problems.filter((p) => p.severity === 'error');
      if (errors.length > 0) throw new SopError('sop.invalid', 'the skeleton would not be a valid SOP with these options', { problems: errors, data: { sop: id } });
      return text;
    });
  }

  /** The published JSON Schema of SOP files (`sop`) or of the office calendar (`calendar`), with its stable `$id`. */
  schema(kind: 'sop' | 'calendar'): Promise<Record<string, unknown>> {
    return this.call(async () => {
      const generated = await import('./definition/generated/sop-validator.js');
      return (kind === 'calendar' ? generated.calendarSchemaJson : generated.schemaJson) as Record<string, unknown>;
    });
  }

  /** The office calendar that times every waktu. */
  calendar(): Promise<OfficeCalendar> {
    return this.call(() => this.ctx.calendar);
  }

  /**
   * Publishes SOP `id` from the YAML text of its file (what a maintainer
   * sends the server), checked as `validate` checks a file; or, with `id`
   * "calendar", the office calendar from calendar.yaml's text.
   */
  publishText(id: string, yaml: string, options: { effectiveOn?: string } & Changing = {}): Promise<Published> {
    return this.call(async () => {
      const { publishDefinition, publishCalendarOf } = await import('./runtime/publish.js');
      const { sopFromText, calendarFromText } = await import('./runtime/publish-text.js');
      if (id === 'calendar') {
        const calendar = calendarFromText(yaml);
        return changing(this.ctx, 'publish calendar', { text: yaml }, options.requestId, (ctx) => publishCalendarOf(ctx, calendar));
      }
      const def = sopFromText(this.ctx, id, yaml);
      return changing(this.ctx, 'publish', { sop: id, text: yaml, effectiveOn: options.effectiveOn ?? null }, options.requestId, (ctx) => publishDefinition(ctx, def, options));
    });
  }
}

/**
 * Proven identity (issue 11): logins with a password, sessions, API tokens,
 * passwords. The server authenticates each request through it, then acts
 * as that person with `engine.as(...)`. See runtime/auth.ts.
 */
export class Auth {
  /** API tokens: for scripts and clients, listed and revocable. */
  readonly tokens: AuthTokens;

  /** @internal */
  constructor(
    private readonly ctx: Context,
    private readonly call: Call,
  ) {
    this.tokens = new AuthTokens(ctx, call);
  }

  /**
   * Opens a session with a password: its token (known only to the caller)
   * and when it expires. `auth.bad-credentials` whether the user is unknown
   * or the password wrong; `auth.rate-limited` after too many failures;
   * `auth.password-change-required` for a password an administrator set,
   * unless `newPassword` is given (then it is set, and the session opened).
   */
  login(user: string, password: string, options: { client?: string; newPassword?: string } = {}): Promise<LoginResult> {
    return this.call(async () => (await import('./runtime/auth.js')).login(this.ctx, user, password, options));
  }

  /** Ends the session of this token. */
  logout(token: string): Promise<{ ended: boolean }> {
    return this.call(async () => (await import('./runtime/auth.js')).logout(this.ctx, token));
  }

  /** Who a session token or an API token stands for, and how they proved it (`via`). */
  authenticate(token: string): Promise<Authenticated> {
    return this.call(async () => (await import('./runtime/auth.js')).authenticate(this.ctx, token));
  }

  /**
   * Sets the password of `user`: the acting person's own (with
   * `oldPassword` when they have one), or anyone's by an administrator, to
   * be changed at their first login. A program acting `via: 'program'` (the
   * demo office) needs no old password and says `mustChange` itself.
   */
  setPassword(user: string, password: string, options: { oldPassword?: string; mustChange?: boolean } & Changing = {}): Promise<{ user: string; mustChange: boolean }> {
    return this.call(async () => (await import('./runtime/auth.js')).setPassword(this.ctx, user, password, options));
  }
}

export class AuthTokens {
  /** @internal */
  constructor(
    private readonly ctx: Context,
    private readonly call: Call,
  ) {}

  /** Makes an API token for the acting person (an administrator: for `user`); its secret is in the answer, this once. */
  create(label: string, options: { user?: string } & Changing = {}): Promise<NewToken> {
    return this.call(async () => (await import('./runtime/auth.js')).createToken(this.ctx, { label, ...options }));
  }

  /** The acting person's tokens (an administrator: `user`'s, or everyone's with `all`), revoked ones included; never a secret. */
  list(options: { user?: string; all?: boolean } = {}): Promise<ApiToken[]> {
    return this.call(async () => (await import('./runtime/auth.js')).listTokens(this.ctx, options));
  }

  /** Revokes an API token: one's own, or any by an administrator. */
  revoke(id: string, options: Changing = {}): Promise<ApiToken> {
    return this.call(async () => (await import('./runtime/auth.js')).revokeToken(this.ctx, id, options));
  }
}

/** The public members of a class (its methods and fields), as an interface another object can implement. */
type PublicPart<T> = { [K in keyof T]: T[K] };

/**
 * What every engine offers, in process (`Engine`) or over HTTP (the CLI's
 * client of `sop serve`): the use cases, grouped as on `Engine`.
 */
export interface SopEngine {
  readonly instances: PublicPart<Instances>;
  readonly people: PublicPart<People>;
  readonly audit: PublicPart<Audit>;
  readonly definitions: PublicPart<Definitions>;
  readonly auth: { readonly tokens: PublicPart<AuthTokens> } & PublicPart<Omit<Auth, 'tokens'>>;
  /** Where the store is: its file, or the server's address. */
  readonly db: string;
  /** Where SOP definitions come from (the folder as given, or "memory"). */
  readonly sops: string;
  close(): Promise<void>;
}

export { SopError };
