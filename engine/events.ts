/**
 * What the log records, as plain JSON: the payloads of instance events,
 * user changes and stored definitions. These are the history's own shapes:
 * the store keeps them, the runtime writes them, the audit reads them.
 *
 * The log has three kinds of entry:
 * - `event`: what happened to an instance (`SopEvent`);
 * - `definition`: what the office runs: a definition stored
 *   (`DefinitionStored`), an SOP or calendar published (`Publication`), a
 *   calendar stored (`CalendarStored`);
 * - `user`: who may do what: people, roles, rights, logins, passwords set,
 *   tokens, delegations and the writer's signing keys (`UserChange`).
 */

/**
 * How the person who acted proved who they are:
 * - `os-login`: the CLI on the store file, as the OS login bound to them;
 * - `password`: a session of the server, opened with their password;
 * - `token`: an API token of theirs, given to the server;
 * - `program`: a program that embeds the engine and acts for its people
 *   (the demo, an integration, the tests).
 */
export type Via = 'os-login' | 'password' | 'token' | 'program';

/** A deputy acting in a holder's role: Plt. (Pelaksana Tugas) or Plh. (Pelaksana Harian). */
export interface DeputyMeta {
  title: 'Plt.' | 'Plh.';
  /** The holder of the role the deputy acts for (a.n.). */
  for: string;
  /** The delegation that allowed it. */
  delegation: string;
}

/**
 * Who did something: the sop user, the role they acted in, how they proved
 * who they are and from where. Entries written before the trust issue carry
 * only `user`, `role` and `osUser`: they read as `via: 'os-login'`.
 */
export interface ActorMeta {
  user: string;
  role?: string;
  /** Absent in entries written before `via` was recorded: read as 'os-login'. */
  via?: Via;
  /** The OS login the command ran as (direct file mode, or the program's process). */
  osUser?: string;
  /** The client's address (server mode). */
  client?: string;
  /** Set when the person acted as a deputy in someone else's role. */
  deputy?: DeputyMeta;
  /** An administrator's emergency action on someone's behalf: for whom, and why. */
  onBehalfOf?: { user: string; reason: string };
}

export type EventType = 'started' | 'completed' | 'refused' | 'cancelled' | 'reassigned';

/** What an event says about one output of a step. A sensitive output's value is never stored. */
export interface OutputRecord {
  id: string;
  /** The stored blob, when the value was stored. */
  sha256?: string;
  size?: number;
  sensitive?: true;
  /** Set for a sensitive output: it was given, its value was not kept. */
  given?: true;
}

/** One instance event, as stored in the log payload. */
export interface SopEvent {
  type: EventType;
  step?: string;
  /** The exit chosen at a decision step. */
  choice?: string;
  outputs?: OutputRecord[];
  note?: string;
  by: ActorMeta;
  /** `started`: the hash of the definition the instance is pinned to, so the pinning itself is in the chain. */
  definition?: string;
  /** `started`: the instance title. */
  title?: string;
  /** `started`: case actor id → user name. */
  assignments?: Record<string, string>;
  /** `reassigned`: the case actor bound to another person, from whom, to whom. */
  actor?: string;
  from?: string;
  to?: string;
  /** `refused`, `cancelled`, `reassigned`: why. */
  reason?: string;
  /** The request id of the command that wrote it (see Store.transact). */
  request?: string;
}

export type InstanceStatus = 'active' | 'completed' | 'cancelled';

export type UserAction =
  | 'init-admin'
  | 'add'
  | 'set-roles'
  | 'add-roles'
  | 'remove-roles'
  | 'remove'
  /** The OS login bound to the person (null: unbound). */
  | 'bind-login'
  /** The administrator and maintainer rights. */
  | 'set-rights'
  /** Full name, NIP, jabatan. */
  | 'set-profile'
  /** A password was set (by the person, or by an administrator: then it must be changed at first login). Never the password or its hash. */
  | 'password-set'
  | 'token-created'
  | 'token-revoked'
  | 'delegate'
  | 'end-delegation'
  /** The writer's signing keys (public part only). */
  | 'key-add'
  | 'key-retire';

/**
 * Payload of a 'user' log entry. `roles` is the user's full role list
 * after the change; `admin` and `maintainer` the rights after it.
 */
export interface UserChange {
  action: UserAction;
  user: string;
  admin?: boolean;
  maintainer?: boolean;
  roles?: string[];
  /** `bind-login`, `init-admin`, `add`: the OS login bound (null: none). */
  login?: string | null;
  /** `set-profile`, `add`: how documents name the person. */
  profile?: { fullName?: string | null; nip?: string | null; jabatan?: string | null };
  /** `password-set`: set by an administrator, to be changed at the first login. */
  mustChange?: boolean;
  /** `token-created`, `token-revoked`: the token's public id and label. */
  token?: { id: string; label?: string };
  /** `delegate`, `end-delegation`: `user` is the deputy. */
  delegation?: { id: string; role?: string; holder?: string; title?: 'Plt.' | 'Plh.'; startsAt?: string; endsAt?: string };
  /** `key-add`, `key-retire`: the writer's signing key (`user` is the administrator who added it). */
  key?: { id: string; publicKey?: string; algorithm?: 'ed25519' };
  by: ActorMeta;
  /** The request id of the command that wrote it. */
  request?: string;
}

/** Payload of a 'definition' log entry that stores a definition. */
export interface DefinitionStored {
  hash: string;
  sop: string;
  revision: number;
  /** The request id of the command that stored it. */
  request?: string;
}

/** Payload of a 'definition' log entry that stores an office calendar. */
export interface CalendarStored {
  action: 'store-calendar';
  hash: string;
  request?: string;
}

/** Payload of a 'definition' log entry that publishes an SOP definition or the office calendar. */
export interface Publication {
  action: 'publish';
  kind: 'sop' | 'calendar';
  /** The definition's (or calendar's) hash: stored before, by an entry of its own. */
  hash: string;
  /** For an SOP: its id and revision. */
  sop?: string;
  revision?: number;
  /** Tanggal efektif, YYYY-MM-DD: from this date on, new instances start with it. */
  effectiveOn: string;
  by: ActorMeta;
  request?: string;
}
