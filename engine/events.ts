/**
 * What the log records, as plain JSON: the payloads of instance events,
 * user changes and stored definitions. These are the history's own shapes:
 * the store keeps them, the runtime writes them, the audit reads them.
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
  /** The request id of the command that wrote it (see Store.transact). */
  request?: string;
}

export type InstanceStatus = 'active' | 'completed' | 'cancelled';

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
