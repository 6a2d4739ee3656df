/**
 * The shapes the store reads and writes. Event payloads are stored as
 * canonical JSON in the log, so every field must be plain JSON data.
 */

/** Who did something: the sop user, the role they acted in, and the OS account that ran the command. */
export interface ActorMeta {
  user: string;
  role?: string;
  osUser: string;
}

export type EventType = 'started' | 'completed' | 'refused' | 'cancelled';

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
  /** `started` (or later): case actor id → user name. */
  assignments?: Record<string, string>;
  /** `refused`, `cancelled`: why. */
  reason?: string;
  /** The request id of the command that wrote it (see Store.runRequest). */
  request?: string;
}

export type InstanceStatus = 'active' | 'completed' | 'cancelled';

export interface Instance<S = unknown> {
  id: string;
  sopId: string;
  definitionHash: string;
  title: string;
  status: InstanceStatus;
  outcome: string | null;
  /** Number of state-changing events so far; the `started` event creates version 1. */
  version: number;
  /** The cached state; replaying the instance's events must give exactly this. */
  state: S;
  startedBy: string;
  startedAt: string;
  updatedAt: string;
}

/** Changes to the instance row that come with an event (besides version and state). */
export interface InstanceUpdate {
  status?: InstanceStatus;
  outcome?: string | null;
  title?: string;
}

export interface InstanceFilter {
  status?: InstanceStatus | InstanceStatus[];
  sopId?: string;
  limit?: number;
}

export type LogKind = 'definition' | 'event' | 'user';

/** A raw log entry; payload is the exact stored canonical JSON text (what a hash chain hashes). */
export interface LogEntry {
  seq: number;
  kind: LogKind;
  instanceId: string | null;
  /** The instance version this entry created; null for refusals and non-event entries. */
  version: number | null;
  at: string;
  payload: string;
  /** The chain: the hash of the entry before, and this entry's hash. */
  prevHash: string;
  hash: string;
}

/** An instance event read back from the log. */
export interface StoredEvent {
  seq: number;
  instanceId: string;
  /** null for a refusal, which does not change the instance. */
  version: number | null;
  at: string;
  event: SopEvent;
}

/** Where a refusal landed in the log. */
export interface Recorded {
  seq: number;
  at: string;
}

/** Where an append landed. */
export interface Appended extends Recorded {
  /** The instance version the event created. */
  version: number;
}

export interface User {
  name: string;
  isAdmin: boolean;
  /** Sorted. */
  roles: string[];
  createdAt: string;
}

export type UserAction = 'init-admin' | 'add' | 'set-roles' | 'add-roles' | 'remove-roles' | 'remove';

/** Payload of a 'user' log entry. `roles` is the user's full role list after the change. */
export interface UserChange {
  action: UserAction;
  user: string;
  admin?: boolean;
  roles?: string[];
  by: ActorMeta;
  /** The request id of the command that wrote it. */
  request?: string;
}

/** Payload of a 'definition' log entry. */
export interface DefinitionStored {
  hash: string;
  sop: string;
  revision: number;
  /** The request id of the command that stored it (the first start of that definition). */
  request?: string;
}

export interface BlobRef {
  sha256: string;
  size: number;
}
