/**
 * The shapes the store reads and writes. Event payloads are stored as
 * canonical JSON in the log, so every field must be plain JSON data.
 */

export type { ActorMeta, EventType, OutputRecord, SopEvent, InstanceStatus, UserAction, UserChange, DefinitionStored } from '../events.js';
import type { InstanceStatus, SopEvent } from '../events.js';

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
  /** May publish SOP definitions and the office calendar. */
  isMaintainer: boolean;
  /** The OS login bound to the person (direct file mode), if any. */
  login: string | null;
  /** How documents name the person. */
  profile: { fullName: string | null; nip: string | null; jabatan: string | null };
  /** Sorted. */
  roles: string[];
  createdAt: string;
}

export interface BlobRef {
  sha256: string;
  size: number;
}
