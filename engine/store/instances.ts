/**
 * Instances and their events. The log holds the events (the truth); the
 * instance row caches the state they lead to, with a version that counts
 * the state-changing events. Writers say which version they read
 * (optimistic concurrency): if someone else wrote in between, the append is
 * refused with `store.conflict` and nothing is written.
 */
import type Database from 'better-sqlite3';
import { SopError } from '../errors.js';
import { canonicalJson } from './canonical-json.js';
import type { Log } from './log.js';
import type { Appended, Instance, InstanceFilter, InstanceStatus, InstanceUpdate, Recorded, SopEvent, StoredEvent } from './types.js';

/** An instances row as stored. */
export interface InstanceRow {
  id: string;
  sop_id: string;
  definition_hash: string;
  title: string;
  status: InstanceStatus;
  outcome: string | null;
  version: number;
  state: string;
  started_by: string;
  started_at: string;
  updated_at: string;
}

export interface NewInstance<S = unknown> {
  id: string;
  definitionHash: string;
  title: string;
  /** The state after the `started` event. */
  state: S;
  /** Must have type `started`; `by.user` becomes started_by. */
  event: SopEvent;
}

export class Instances {
  private readonly selectOne: Database.Statement;
  private readonly selectVersion: Database.Statement;
  private readonly selectSop: Database.Statement;
  private readonly insert: Database.Statement;
  private readonly update: Database.Statement;
  private readonly updateKeepTime: Database.Statement;
  private readonly updateAll: Database.Statement;
  private readonly selectEvents: Database.Statement;
  /** The list query has a few shapes (which filters are set); each is prepared once. */
  private readonly listStatements = new Map<string, Database.Statement>();

  constructor(
    private readonly db: Database.Database,
    private readonly log: Log,
    private readonly now: () => string,
  ) {
    this.selectOne = db.prepare('SELECT * FROM instances WHERE id = ?');
    this.selectVersion = db.prepare('SELECT version FROM instances WHERE id = ?');
    this.selectSop = db.prepare('SELECT sop_id FROM definitions WHERE hash = ?');
    this.insert = db.prepare(
      `INSERT INTO instances (id, sop_id, definition_hash, title, status, outcome, version, state, started_by, started_at, updated_at)
       VALUES (?, ?, ?, ?, 'active', NULL, 1, ?, ?, ?, ?)`,
    );
    // Most events change only the version and the state. SQLite rewrites the
    // entries of every index that holds a column the SET names, changed or
    // not: naming status (in two indexes) on every event cost two page
    // writes of each durable commit. So the status, outcome and title are
    // set only by the events that change them.
    this.update = db.prepare('UPDATE instances SET version = ?, state = ?, updated_at = ? WHERE id = ? AND version = ?');
    this.updateKeepTime = db.prepare('UPDATE instances SET version = ?, state = ? WHERE id = ? AND version = ?');
    // coalesce keeps a column when the update does not mention it; outcome
    // uses a flag because null is a value it may be set to.
    this.updateAll = db.prepare(
      `UPDATE instances SET version = ?, state = ?, updated_at = ?,
         status = coalesce(?, status), title = coalesce(?, title),
         outcome = CASE WHEN ? THEN ? ELSE outcome END
       WHERE id = ? AND version = ?`,
    );
    this.selectEvents = db.prepare(
      `SELECT seq, instance_id, version, at, payload FROM log
       WHERE instance_id = ? AND kind = 'event' ORDER BY seq`,
    );
  }

  /** Creates the instance at version 1 together with its `started` event; call inside a write transaction (see WriteTx). */
  create<S>(input: NewInstance<S>, request: string | undefined): Instance<S> {
    expectType(input.event, ['started'], 'create an instance');
    const def = this.selectSop.get(input.definitionHash) as { sop_id: string } | undefined;
    if (def === undefined) {
      throw new SopError('store.unknown-definition', `no stored definition ${input.definitionHash}`, { data: { definition: input.definitionHash } });
    }
    if (this.selectVersion.get(input.id) !== undefined) {
      throw new SopError('store.instance-exists', `instance ${input.id} already exists`, { data: { instance: input.id } });
    }
    const at = this.now();
    this.insert.run(input.id, def.sop_id, input.definitionHash, input.title, canonicalJson(input.state), input.event.by.user, at, at);
    // The pinning goes into the chained event itself: the instance row is only a cache.
    this.log.append('event', input.id, 1, at, { ...input.event, definition: input.definitionHash }, request);
    return this.get<S>(input.id)!;
  }

  /**
   * Appends a state-changing event: checks that the instance is still at
   * `expectedVersion`, writes the event as version + 1 and replaces the
   * cached state (and status/outcome/title when `update` says so); call
   * inside a write transaction (see WriteTx), which makes it atomic.
   * `alongside` runs once the version has been checked (the event's output
   * contents), so a conflict writes none of it.
   */
  append(instanceId: string, expectedVersion: number, event: SopEvent, state: unknown, update: InstanceUpdate, request: string | undefined, alongside?: () => void): Appended {
    expectType(event, ['started', 'completed', 'cancelled', 'reassigned'], 'append an event');
    this.checkVersion(instanceId, expectedVersion);
    alongside?.();
    const at = this.now();
    const version = expectedVersion + 1;
    const seq = this.log.append('event', instanceId, version, at, event, request);
    const hasOutcome = update.outcome !== undefined;
    const info =
      event.type === 'reassigned'
        ? // A reassignment binds another person; the current step stays active since it was (updated_at is when it became active).
          this.updateKeepTime.run(version, canonicalJson(state), instanceId, expectedVersion)
        : update.status === undefined && update.title === undefined && !hasOutcome
          ? this.update.run(version, canonicalJson(state), at, instanceId, expectedVersion)
          : this.updateAll.run(version, canonicalJson(state), at, update.status ?? null, update.title ?? null, hasOutcome ? 1 : 0, hasOutcome ? update.outcome : null, instanceId, expectedVersion);
    // Cannot happen inside the transaction after checkVersion; if it ever
    // does, throwing rolls the log entry back too.
    if (info.changes !== 1) throw new Error(`instance ${instanceId} was not updated`);
    return { seq, version, at };
  }

  /**
   * Records a refused attempt. It changes neither the version nor the cached
   * state, but it is still checked against `expectedVersion`: the refusal's
   * reason was judged on that version, and a log entry must be true of the
   * state just before it. If the instance moved on, the caller gets
   * `store.conflict`, re-reads and judges again (the attempt may now succeed
   * or be refused for another reason). Two refusals of the same version may
   * both be written: neither changes anything.
   *
   * `instanceId` null records a refusal that concerns no existing instance
   * (e.g. a refused start); then there is nothing to check.
   */
  refuse(instanceId: string | null, expectedVersion: number | null, event: SopEvent, request: string | undefined): Recorded {
    expectType(event, ['refused'], 'record a refusal');
    const at = this.now();
    if (instanceId === null) {
      return { seq: this.log.append('event', null, null, at, event, request), at };
    }
    if (expectedVersion === null) throw new Error('refuse: expectedVersion is required for an instance');
    this.checkVersion(instanceId, expectedVersion);
    return { seq: this.log.append('event', instanceId, null, at, event, request), at };
  }

  get<S = unknown>(id: string): Instance<S> | undefined {
    const row = this.selectOne.get(id) as InstanceRow | undefined;
    return row === undefined ? undefined : toInstance<S>(row);
  }

  /** Instances, oldest started first. */
  list<S = unknown>(filter: InstanceFilter = {}): Instance<S>[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.status !== undefined) {
      const statuses = Array.isArray(filter.status) ? filter.status : [filter.status];
      if (statuses.length === 0) return [];
      where.push(`status IN (${statuses.map(() => '?').join(', ')})`);
      params.push(...statuses);
    }
    if (filter.sopId !== undefined) {
      where.push('sop_id = ?');
      params.push(filter.sopId);
    }
    let sql = 'SELECT * FROM instances';
    if (where.length > 0) sql += ` WHERE ${where.join(' AND ')}`;
    sql += ' ORDER BY started_at, id';
    if (filter.limit !== undefined) {
      sql += ' LIMIT ?';
      params.push(filter.limit);
    }
    let stmt = this.listStatements.get(sql);
    if (stmt === undefined) {
      stmt = this.db.prepare(sql);
      this.listStatements.set(sql, stmt);
    }
    return (stmt.all(...params) as InstanceRow[]).map((r) => toInstance<S>(r));
  }

  /** All events of the instance in log order, refusals included (version null). */
  events(instanceId: string): StoredEvent[] {
    const rows = this.selectEvents.all(instanceId) as { seq: number; instance_id: string; version: number | null; at: string; payload: string }[];
    return rows.map((r) => ({
      seq: r.seq,
      instanceId: r.instance_id,
      version: r.version,
      at: r.at,
      event: JSON.parse(r.payload) as SopEvent,
    }));
  }

  /** Throws store.conflict (or store.unknown-instance) unless the instance is at `expected`. */
  private checkVersion(instanceId: string, expected: number): void {
    const row = this.selectVersion.get(instanceId) as { version: number } | undefined;
    if (row === undefined) {
      throw new SopError('store.unknown-instance', `no instance ${instanceId}`, { data: { instance: instanceId } });
    }
    if (row.version !== expected) {
      throw new SopError('store.conflict', `instance ${instanceId} changed since you read it (version ${expected}, now ${row.version})`, {
        data: { instance: instanceId, expected, version: row.version },
      });
    }
  }
}

function expectType(event: SopEvent, allowed: SopEvent['type'][], what: string): void {
  if (!allowed.includes(event.type)) {
    // A programming error in the caller, not a user mistake.
    throw new SopError('store.invalid-event', `cannot ${what} with an event of type "${event.type}" (expected ${allowed.join(' or ')})`);
  }
}

function toInstance<S>(r: InstanceRow): Instance<S> {
  return {
    id: r.id,
    sopId: r.sop_id,
    definitionHash: r.definition_hash,
    title: r.title,
    status: r.status,
    outcome: r.outcome,
    version: r.version,
    state: JSON.parse(r.state) as S,
    startedBy: r.started_by,
    startedAt: r.started_at,
    updatedAt: r.updated_at,
  };
}
