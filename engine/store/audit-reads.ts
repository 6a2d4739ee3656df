/**
 * Reads for the auditor: whole tables streamed in a fixed order, as stored,
 * so that verification can recompute everything the cache tables claim
 * without trusting any of it. Nothing here writes.
 */
import type Database from 'better-sqlite3';
import type { InstanceRow } from './instances.js';

/** An instance event row of the log: [seq, instanceId, version, at, payload]. */
export type RawEventRow = [seq: number, instanceId: string, version: number | null, at: string, payload: string];

/** An instances row as stored. */
export type StoredInstanceRow = InstanceRow;

export interface StoredDefinitionRow {
  hash: string;
  sop_id: string;
  revision: number;
  body: string;
  log_seq: number;
}

export interface StoredUserRow {
  name: string;
  is_admin: number;
  is_maintainer: number;
  login: string | null;
  full_name: string | null;
  nip: string | null;
  jabatan: string | null;
  created_at: string;
  /** The user's roles, sorted, joined by a newline (roles never contain one). */
  roles: string | null;
}

export interface StoredCalendarRow {
  hash: string;
  body: string;
  log_seq: number;
}

export interface StoredPublicationRow {
  log_seq: number;
  kind: 'sop' | 'calendar';
  sop_id: string | null;
  hash: string;
  revision: number | null;
  effective_on: string;
}

export interface StoredSigningKeyRow {
  id: string;
  public_key: string;
  added_seq: number;
  retired_seq: number | null;
}

export class AuditReads {
  private readonly events: Database.Statement;
  private readonly eventsOfOne: Database.Statement;
  private readonly instances: Database.Statement;
  private readonly instanceOne: Database.Statement;
  private readonly definitions: Database.Statement;
  private readonly blobRows: Database.Statement;
  private readonly blobOne: Database.Statement;
  private readonly userRows: Database.Statement;
  private readonly userEntryRows: Database.Statement;
  private readonly calendars: Database.Statement;
  private readonly publications: Database.Statement;
  private readonly signingKeys: Database.Statement;

  constructor(db: Database.Database) {
    // Ordered by instance, then seq: the log_instance_seq index gives this order without a sort.
    this.events = db.prepare(`SELECT seq, instance_id, version, at, payload FROM log WHERE instance_id IS NOT NULL AND kind = 'event' ORDER BY instance_id, seq`).raw();
    this.eventsOfOne = db.prepare(`SELECT seq, instance_id, version, at, payload FROM log WHERE instance_id = ? AND kind = 'event' ORDER BY seq`).raw();
    this.instances = db.prepare('SELECT * FROM instances ORDER BY id');
    this.instanceOne = db.prepare('SELECT * FROM instances WHERE id = ?');
    this.definitions = db.prepare('SELECT hash, sop_id, revision, body, log_seq FROM definitions ORDER BY log_seq');
    this.blobRows = db.prepare('SELECT sha256, size, content FROM blobs ORDER BY sha256');
    this.blobOne = db.prepare('SELECT sha256, size, content FROM blobs WHERE sha256 = ?');
    this.userRows = db.prepare(
      `SELECT u.name, u.is_admin, u.is_maintainer, u.login, u.full_name, u.nip, u.jabatan, u.created_at, (SELECT group_concat(role, char(10)) FROM (SELECT role FROM user_roles r WHERE r.user = u.name ORDER BY role)) AS roles
       FROM users u ORDER BY u.name`,
    );
    this.userEntryRows = db.prepare(`SELECT seq, at, payload FROM log WHERE kind = 'user' AND seq <= ? ORDER BY seq`).raw();
    this.calendars = db.prepare('SELECT hash, body, log_seq FROM calendars ORDER BY log_seq');
    this.publications = db.prepare('SELECT log_seq, kind, sop_id, hash, revision, effective_on FROM publications ORDER BY log_seq');
    this.signingKeys = db.prepare('SELECT id, public_key, added_seq, retired_seq FROM signing_keys ORDER BY added_seq, id');
  }

  /** The user entries up to `seq`, as [seq, at, payload] (a single-instance verify reads who held what from them). */
  userEntries(upTo: number): [seq: number, at: string, payload: string][] {
    return this.userEntryRows.all(upTo) as [number, string, string][];
  }

  calendarRows(): StoredCalendarRow[] {
    return this.calendars.all() as StoredCalendarRow[];
  }

  publicationRows(): StoredPublicationRow[] {
    return this.publications.all() as StoredPublicationRow[];
  }

  signingKeyRows(): StoredSigningKeyRow[] {
    return this.signingKeys.all() as StoredSigningKeyRow[];
  }

  /** Instance events (refusals included), grouped by instance in id order, each group in log order. */
  eventRows(instanceId?: string): IterableIterator<RawEventRow> {
    return (instanceId === undefined ? this.events.iterate() : this.eventsOfOne.iterate(instanceId)) as IterableIterator<RawEventRow>;
  }

  /** Instance rows in id order (the same order as eventRows). */
  instanceRows(instanceId?: string): IterableIterator<StoredInstanceRow> {
    if (instanceId === undefined) return this.instances.iterate() as IterableIterator<StoredInstanceRow>;
    const row = this.instanceOne.get(instanceId) as StoredInstanceRow | undefined;
    return (row ? [row] : [])[Symbol.iterator]() as IterableIterator<StoredInstanceRow>;
  }

  definitionRows(): StoredDefinitionRow[] {
    return this.definitions.all() as StoredDefinitionRow[];
  }

  blobs(): IterableIterator<{ sha256: string; size: number; content: Buffer }> {
    return this.blobRows.iterate() as IterableIterator<{ sha256: string; size: number; content: Buffer }>;
  }

  blob(sha256: string): { sha256: string; size: number; content: Buffer } | undefined {
    return this.blobOne.get(sha256) as { sha256: string; size: number; content: Buffer } | undefined;
  }

  userRowsSorted(): StoredUserRow[] {
    return this.userRows.all() as StoredUserRow[];
  }
}
