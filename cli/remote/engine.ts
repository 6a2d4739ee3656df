/**
 * The engine as the CLI sees it in client mode: the same interface as the
 * engine in process (`SopEngine`), each use case one request to the office
 * server, its refusals the same SopErrors. What reads only the SOP folder
 * on this machine (validate, show, graph, the catalogue of the folder,
 * checking a bundle) is done here by an engine that opens no store: a
 * maintainer writes and checks SOPs on their own machine, and publishing
 * sends the file's text to the server.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  calendarFromJson,
  formatCheckpoint,
  openEngine,
  SopError,
  type AdvanceRequest,
  type AdvanceResult,
  type ApiToken,
  type Authenticated,
  type BundleHeader,
  type Delegation,
  type DelegationRequest,
  type DelegationView,
  type BundleSummary,
  type CalendarJson,
  type Changing,
  type Checkpoint,
  type ComplianceReport,
  type Engine,
  type HistoryEntry,
  type InstanceHistory,
  type ListedInstance,
  type LoginResult,
  type NewToken,
  type OfficeCalendar,
  type OutputInput,
  type Profile,
  type Published,
  type ReplayView,
  type SopDefinition,
  type SignedCheckpoint,
  type SigningKey,
  type SopEngine,
  type StatusView,
  type Step,
  type StoredOutput,
  type TaskView,
  type User,
  type VerifyReport,
} from '../../engine/index.js';
import { HttpClient } from './http.js';

type Instances = SopEngine['instances'];
type People = SopEngine['people'];
type Audit = SopEngine['audit'];
type Definitions = SopEngine['definitions'];
type Auth = SopEngine['auth'];

interface UserJson {
  name: string;
  admin: boolean;
  maintainer: boolean;
  login: string | null;
  roles: string[];
  profile: User['profile'];
  createdAt: string;
}

const toUser = (u: UserJson): User => ({ name: u.name, isAdmin: u.admin, isMaintainer: u.maintainer, login: u.login, roles: u.roles, profile: u.profile, createdAt: u.createdAt });

/** A change's request id: the caller's, or a fresh one (sent as Idempotency-Key, so that the server records it). */
const rid = (options: Changing | undefined): string => options?.requestId ?? randomUUID();

const enc = encodeURIComponent;

export interface RemoteOptions {
  server: string;
  token: string | undefined;
  /** The local SOP folder: what is validated, shown and published from this machine. */
  sops: string;
  /** An administrator's emergency action on someone's behalf (sent as headers; the server records it). */
  onBehalfOf?: { user: string; reason: string };
}

/** The office server as an engine. */
export class RemoteEngine implements SopEngine {
  readonly instances: Instances;
  readonly people: People;
  readonly audit: Audit;
  readonly definitions: Definitions;
  readonly auth: Auth;
  readonly http: HttpClient;
  private local: Promise<Engine> | undefined;

  constructor(private readonly options: RemoteOptions) {
    const headers: Record<string, string> = options.onBehalfOf ? { 'sop-on-behalf-of': enc(options.onBehalfOf.user), 'sop-emergency-reason': enc(options.onBehalfOf.reason) } : {};
    this.http = new HttpClient(options.server, options.token, headers);
    const local = () => (this.local ??= openEngine({ sops: options.sops, db: ':memory:' }));
    this.instances = new RemoteInstances(this.http);
    this.people = new RemotePeople(this.http);
    this.audit = new RemoteAudit(this.http, local);
    this.definitions = new RemoteDefinitions(this.http, local, options.sops);
    this.auth = new RemoteAuth(this.http);
  }

  /** The server's address. */
  get db(): string {
    return this.options.server;
  }

  get sops(): string {
    return this.options.sops;
  }

  async close(): Promise<void> {
    if (this.local) await (await this.local).close();
  }
}

class RemoteInstances implements Instances {
  constructor(private readonly http: HttpClient) {}

  start(sopId: string, options: { title?: string; assign?: Record<string, string> } & Changing = {}): Promise<{ id: string }> {
    const { requestId: _, ...body } = options;
    return this.http.json({ method: 'POST', path: '/instances', body: { sop: sopId, ...body }, requestId: rid(options) });
  }

  async advance(id: string, request: AdvanceRequest = {}): Promise<AdvanceResult> {
    const { askSecrets, outputs = [], requestId: _, ...rest } = request;
    const given: OutputInput[] = [...outputs];
    if (askSecrets) {
      // The sensitive outputs of the step it waits on that were not given: asked for here, sent marked protected.
      const step = await this.pendingStep(id);
      const have = new Set(given.map((o) => o.id));
      const missing = (step?.outputs ?? []).filter((o) => o.sensitive && !have.has(o.id));
      if (missing.length) for (const [output, value] of await askSecrets(missing)) given.push({ id: output, value, protected: true });
    }
    const body = {
      ...rest,
      outputs: given.map((o) => ({ id: o.id, ...(typeof o.value === 'string' ? { text: o.value } : { base64: Buffer.from(o.value).toString('base64') }), ...(o.protected ? { protected: true } : {}) })),
    };
    return this.http.json({ method: 'POST', path: `/instances/${enc(id)}/advance`, body, requestId: rid(request) });
  }

  reassign(id: string, request: { actor: string; to: string; reason: string } & Changing): Promise<{ id: string; version: number; assignments: Record<string, string> }> {
    const { requestId: _, ...body } = request;
    return this.http.json({ method: 'POST', path: `/instances/${enc(id)}/reassign`, body, requestId: rid(request) });
  }

  cancel(id: string, options: { reason: string } & Changing): Promise<{ id: string; status: string }> {
    return this.http.json({ method: 'POST', path: `/instances/${enc(id)}/cancel`, body: { reason: options.reason }, requestId: rid(options) });
  }

  status(id: string): Promise<StatusView> {
    return this.http.json({ method: 'GET', path: `/instances/${enc(id)}` });
  }

  async pendingStep(id: string): Promise<Step | undefined> {
    return (await this.http.json<{ step: Step | null }>({ method: 'GET', path: `/instances/${enc(id)}/step` })).step ?? undefined;
  }

  list(filter: { sop?: string; status?: string } = {}): Promise<ListedInstance[]> {
    return this.http.json({ method: 'GET', path: '/instances', query: filter });
  }

  tasks(options: { all?: boolean; overdue?: boolean } = {}): Promise<TaskView[]> {
    return this.http.json({ method: 'GET', path: '/tasks', query: options });
  }

  history(id: string): Promise<InstanceHistory> {
    return this.http.json<InstanceHistory & { entries: HistoryEntry[] }>({ method: 'GET', path: `/instances/${enc(id)}/history` });
  }

  async output(id: string, outputId: string): Promise<StoredOutput> {
    const answer = await this.http.send({ method: 'GET', path: `/instances/${enc(id)}/outputs/${enc(outputId)}` });
    const h = (name: string) => answer.headers.get(name) ?? '';
    return { id: outputId, step: h('sop-output-step'), at: h('sop-output-at'), by: decodeURIComponent(h('sop-output-by')), sha256: h('sop-output-sha256'), size: answer.bytes.length, content: answer.bytes };
  }
}

class RemotePeople implements People {
  constructor(private readonly http: HttpClient) {}

  init(): Promise<User> {
    return Promise.reject(new SopError('server.invalid-request', 'a store is created on the server machine, in direct file mode (sop init there, without SOP_SERVER)', { data: { where: 'command' } }));
  }

  claim(): Promise<User> {
    return Promise.reject(new SopError('server.invalid-request', 'an OS login is claimed on the server machine, in direct file mode (sop user claim there, without SOP_SERVER)', { data: { where: 'command' } }));
  }

  async add(name: string, person: { roles?: string[]; admin?: boolean; maintainer?: boolean; login?: string | null; profile?: Profile } & Changing = {}): Promise<User> {
    const { requestId: _, ...body } = person;
    return toUser(await this.http.json({ method: 'POST', path: '/users', body: { name, ...body }, requestId: rid(person) }));
  }

  async bindLogin(name: string, login: string | null, options: Changing = {}): Promise<User> {
    return toUser(await this.http.json({ method: 'PUT', path: `/users/${enc(name)}/login`, body: { login }, requestId: rid(options) }));
  }

  async setRights(name: string, rights: { admin?: boolean; maintainer?: boolean }, options: Changing = {}): Promise<User> {
    return toUser(await this.http.json({ method: 'PUT', path: `/users/${enc(name)}/rights`, body: rights, requestId: rid(options) }));
  }

  async setProfile(name: string, profile: Profile, options: Changing = {}): Promise<User> {
    return toUser(await this.http.json({ method: 'PUT', path: `/users/${enc(name)}/profile`, body: profile, requestId: rid(options) }));
  }

  async grant(name: string, roles: string[], options: Changing = {}): Promise<User> {
    return toUser(await this.http.json({ method: 'POST', path: `/users/${enc(name)}/grant`, body: { roles }, requestId: rid(options) }));
  }

  async revoke(name: string, roles: string[], options: Changing = {}): Promise<User> {
    return toUser(await this.http.json({ method: 'POST', path: `/users/${enc(name)}/revoke`, body: { roles }, requestId: rid(options) }));
  }

  async setRoles(name: string, roles: string[], options: Changing = {}): Promise<User> {
    return toUser(await this.http.json({ method: 'PUT', path: `/users/${enc(name)}/roles`, body: { roles }, requestId: rid(options) }));
  }

  remove(name: string, options: { force?: boolean } & Changing = {}): Promise<{ name: string }> {
    return this.http.json({ method: 'DELETE', path: `/users/${enc(name)}`, query: options.force ? { force: true } : {}, requestId: rid(options) });
  }

  activeCases(name: string): Promise<{ instance: string; actors: string[] }[]> {
    return this.http.json({ method: 'GET', path: `/users/${enc(name)}/cases` });
  }

  delegate(request: DelegationRequest & Changing): Promise<Delegation> {
    const { requestId: _, from, until, ...rest } = request;
    const when = (d: string | Date) => (typeof d === 'string' ? d : d.toISOString());
    return this.http.json({ method: 'POST', path: '/delegations', body: { ...rest, ...(from !== undefined ? { from: when(from) } : {}), until: when(until) }, requestId: rid(request) });
  }

  endDelegation(id: string, options: Changing = {}): Promise<Delegation> {
    return this.http.json({ method: 'DELETE', path: `/delegations/${enc(id)}`, requestId: rid(options) });
  }

  delegations(options: { all?: boolean } = {}): Promise<DelegationView[]> {
    return this.http.json({ method: 'GET', path: '/delegations', query: options.all ? { all: true } : {} });
  }

  async list(): Promise<User[]> {
    return (await this.http.json<UserJson[]>({ method: 'GET', path: '/users' })).map(toUser);
  }

  async me(): Promise<User> {
    return toUser(await this.http.json({ method: 'GET', path: '/users/me' }));
  }
}

class RemoteAudit implements Audit {
  constructor(
    private readonly http: HttpClient,
    private readonly local: () => Promise<Engine>,
  ) {}

  verify(options: { instance?: string; checkpoint?: Checkpoint } = {}): Promise<VerifyReport> {
    return this.http.json({ method: 'GET', path: '/verify', query: { instance: options.instance, checkpoint: options.checkpoint ? formatCheckpoint(options.checkpoint) : undefined } });
  }

  /** A bundle is checked here, on its own: no server needed. */
  async verifyBundle(bytes: Uint8Array, options: { checkpoint?: Checkpoint } = {}): Promise<VerifyReport> {
    return (await this.local()).audit.verifyBundle(bytes, options);
  }

  async export(scope: BundleHeader['scope'], write: (text: string) => void): Promise<BundleSummary> {
    const answer = await this.http.send({ method: 'GET', path: '/export', query: 'all' in scope ? { all: true } : { instance: scope.instance } });
    write(answer.bytes.toString('utf8'));
    return JSON.parse(answer.headers.get('sop-export-summary') ?? '{}') as BundleSummary;
  }

  checkpoint(): Promise<Checkpoint & { at: string | null }> {
    return this.http.json({ method: 'GET', path: '/checkpoint' });
  }

  /** Signed by the server, with its key: a key file of this machine has no say. */
  async signedCheckpoint(options: { keyFile?: string; create?: boolean } = {}): Promise<SignedCheckpoint & { at: string | null; line: string }> {
    if (options.keyFile !== undefined) throw serverHoldsKey();
    const answer = await this.http.json<SignedCheckpoint & { at: string | null; checkpoint: string }>({ method: 'GET', path: '/checkpoint', query: { signed: true } });
    return { seq: answer.seq, hash: answer.hash, keyId: answer.keyId, signature: answer.signature, at: answer.at, line: answer.checkpoint };
  }

  keys(): Promise<SigningKey[]> {
    return this.http.json({ method: 'GET', path: '/keys' });
  }

  async initKey(options: { keyFile?: string } & Changing = {}): Promise<SigningKey & { file: string }> {
    if (options.keyFile !== undefined) throw serverHoldsKey();
    return { ...(await this.http.json<SigningKey>({ method: 'POST', path: '/keys', requestId: rid(options) })), file: '(on the server)' };
  }

  async rotateKey(options: { keyFile?: string } & Changing = {}): Promise<{ key: SigningKey; retired: SigningKey[]; file: string }> {
    if (options.keyFile !== undefined) throw serverHoldsKey();
    return { ...(await this.http.json<{ key: SigningKey; retired: SigningKey[] }>({ method: 'POST', path: '/keys/rotate', requestId: rid(options) })), file: '(on the server)' };
  }

  replay(id: string, options: { until?: number | Date } = {}): Promise<ReplayView> {
    const until = options.until === undefined ? undefined : typeof options.until === 'number' ? String(options.until) : options.until.toISOString();
    return this.http.json({ method: 'GET', path: `/instances/${enc(id)}/replay`, query: { until } });
  }

  report(options: { sop?: string; from?: Date; to?: Date; fromText?: string; toText?: string; target?: number } = {}): Promise<ComplianceReport> {
    return this.http.json({
      method: 'GET',
      path: '/report',
      query: { sop: options.sop, from: options.from?.toISOString(), to: options.to?.toISOString(), fromText: options.fromText, toText: options.toText, target: options.target },
    });
  }
}

class RemoteDefinitions implements Definitions {
  private officeCalendar: Promise<OfficeCalendar> | undefined;

  constructor(
    private readonly http: HttpClient,
    private readonly local: () => Promise<Engine>,
    private readonly folder: string,
  ) {}

  // What the SOP folder on this machine holds: read here.
  async get(id: string): Promise<SopDefinition> {
    return (await this.local()).definitions.get(id);
  }
  async hasCalendar(): Promise<boolean> {
    return (await this.local()).definitions.hasCalendar();
  }
  async catalog(): ReturnType<Definitions['catalog']> {
    return (await this.local()).definitions.catalog();
  }
  async validate(paths?: string[], options: { strict?: boolean } = {}): ReturnType<Definitions['validate']> {
    return (await this.local()).definitions.validate(paths, options);
  }
  async graph(id: string, format: 'mermaid' | 'dot'): Promise<string> {
    return (await this.local()).definitions.graph(id, format);
  }
  async paths(id: string): ReturnType<Definitions['paths']> {
    return (await this.local()).definitions.paths(id);
  }
  async render(id: string, format: 'html' | 'md'): Promise<string> {
    return (await this.local()).definitions.render(id, format);
  }
  async skeleton(id: string, options: Parameters<Definitions['skeleton']>[1]): Promise<string> {
    return (await this.local()).definitions.skeleton(id, options);
  }
  async schema(kind: 'sop' | 'calendar'): Promise<Record<string, unknown>> {
    return (await this.local()).definitions.schema(kind);
  }

  // What the office has published: the server's.
  /** Publishes SOP `id` of the local SOP folder: its file's text goes to the server, which checks it again. */
  async publish(id: string, options: { effectiveOn?: string } & Changing = {}): Promise<Published> {
    // Checked here first, so that a file with problems is told with its lines, as sop validate tells them.
    await (await this.local()).definitions.get(id);
    return this.publishText(id, readFileSync(this.fileOf([`${id}.yaml`, `${id}.yml`], id), 'utf8'), options);
  }

  async publishCalendar(options: Changing = {}): Promise<Published> {
    return this.publishText('calendar', readFileSync(this.fileOf(['calendar.yaml', 'calendar.yml'], 'calendar'), 'utf8'), options);
  }

  publishText(id: string, yaml: string, options: { effectiveOn?: string } & Changing = {}): Promise<Published> {
    const body = id === 'calendar' ? { calendar: true, yaml } : { sop: id, yaml, ...(options.effectiveOn === undefined ? {} : { effectiveOn: options.effectiveOn }) };
    return this.http.json({ method: 'POST', path: '/publish', body, requestId: rid(options) });
  }

  published(sop?: string): ReturnType<Definitions['published']> {
    return this.http.json({ method: 'GET', path: '/published', query: { sop } });
  }

  inEffect(id: string): Promise<SopDefinition> {
    return this.http.json({ method: 'GET', path: `/published/${enc(id)}` });
  }

  /** The office calendar the server times every waktu in (read once per command). */
  calendar(): Promise<OfficeCalendar> {
    this.officeCalendar ??= this.http.json<CalendarJson>({ method: 'GET', path: '/calendar' }).then(calendarFromJson);
    return this.officeCalendar;
  }

  private fileOf(names: string[], id: string): string {
    for (const name of names) if (existsSync(join(this.folder, name))) return join(this.folder, name);
    throw new SopError(id === 'calendar' ? 'calendar.missing' : 'sop.not-found', `no ${names[0]} in ${this.folder}`, { data: { sop: id, source: this.folder } });
  }
}

class RemoteAuth implements Auth {
  readonly tokens: Auth['tokens'];

  constructor(private readonly http: HttpClient) {
    this.tokens = {
      create: (label, options = {}) => http.json<NewToken>({ method: 'POST', path: '/tokens', body: { label, ...(options.user === undefined ? {} : { user: options.user }) }, requestId: rid(options) }),
      list: (options = {}) => http.json<ApiToken[]>({ method: 'GET', path: '/tokens', query: options }),
      revoke: (id, options = {}) => http.json<ApiToken>({ method: 'DELETE', path: `/tokens/${enc(id)}`, requestId: rid(options) }),
    };
  }

  login(user: string, password: string, options: { client?: string; newPassword?: string } = {}): Promise<LoginResult> {
    return this.http.json({ method: 'POST', path: '/session', body: { user, password, ...(options.newPassword === undefined ? {} : { newPassword: options.newPassword }) }, token: null });
  }

  logout(token: string): Promise<{ ended: boolean }> {
    return this.http.json({ method: 'DELETE', path: '/session', token });
  }

  async authenticate(token: string): Promise<Authenticated> {
    const who = await this.http.json<{ user: string; via: 'password' | 'token'; expiresAt: string | null; tokenId: string | null }>({ method: 'GET', path: '/session', token });
    return { user: who.user, via: who.via, ...(who.expiresAt === null ? {} : { expiresAt: who.expiresAt }), ...(who.tokenId === null ? {} : { tokenId: who.tokenId }) };
  }

  setPassword(user: string, password: string, options: { oldPassword?: string } & Changing = {}): Promise<{ user: string; mustChange: boolean }> {
    return this.http.json({ method: 'POST', path: '/password', body: { user, password, ...(options.oldPassword === undefined ? {} : { oldPassword: options.oldPassword }) }, requestId: rid(options) });
  }
}

function serverHoldsKey(): SopError {
  return new SopError('server.invalid-request', "the signing key is the server's: --key-file is for a store opened directly (without SOP_SERVER)", { data: { where: 'command' } });
}
