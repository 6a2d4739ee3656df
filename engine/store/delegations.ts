/**
 * Delegations: a deputy (Plt. or Plh.) who acts in a holder's role for a
 * period. Each one given, and each one ended early, is a 'user' log entry
 * (actions `delegate` and `end-delegation`, the deputy as its user); the
 * delegations table is their cache, which `sop verify` replays
 * (foldDelegation in engine/machine/authority.ts).
 */
import type Database from 'better-sqlite3';
import { SopError } from '../errors.js';
import type { ActorMeta } from '../events.js';
import type { Delegation } from '../machine/authority.js';
import type { Log } from './log.js';

interface DelegationRow {
  id: string;
  role: string;
  holder: string;
  deputy: string;
  title: 'Plt.' | 'Plh.';
  starts_at: string;
  ends_at: string;
  ended_at: string | null;
}

export class Delegations {
  private readonly insert: Database.Statement;
  private readonly end: Database.Statement;
  private readonly selectOne: Database.Statement;
  private readonly selectAll: Database.Statement;
  private readonly selectOfDeputy: Database.Statement;

  constructor(
    db: Database.Database,
    private readonly log: Log,
    private readonly now: () => string,
  ) {
    this.insert = db.prepare('INSERT INTO delegations (id, role, holder, deputy, title, starts_at, ends_at, ended_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)');
    this.end = db.prepare('UPDATE delegations SET ended_at = ? WHERE id = ? AND ended_at IS NULL');
    this.selectOne = db.prepare('SELECT * FROM delegations WHERE id = ?');
    this.selectAll = db.prepare('SELECT * FROM delegations ORDER BY starts_at, id');
    this.selectOfDeputy = db.prepare('SELECT * FROM delegations WHERE deputy = ? ORDER BY starts_at, id');
  }

  /** Gives a delegation (its id chosen by the caller) and records it; call inside a write transaction (see WriteTx). */
  add(d: Omit<Delegation, 'endedAt'>, by: ActorMeta, request: string | undefined): Delegation {
    if (this.selectOne.get(d.id) !== undefined) throw new SopError('store.delegation-exists', `delegation ${d.id} already exists`, { data: { delegation: d.id } });
    this.insert.run(d.id, d.role, d.holder, d.deputy, d.title, d.startsAt, d.endsAt);
    this.log.append(
      'user',
      null,
      null,
      this.now(),
      { action: 'delegate', user: d.deputy, delegation: { id: d.id, role: d.role, holder: d.holder, title: d.title, startsAt: d.startsAt, endsAt: d.endsAt }, by },
      request,
    );
    return this.get(d.id)!;
  }

  /** Ends a delegation now and records it; call inside a write transaction (see WriteTx). */
  endNow(id: string, by: ActorMeta, request: string | undefined): Delegation {
    const d = this.get(id);
    if (!d) throw new SopError('delegation.unknown', `no delegation ${id}`, { data: { delegation: id } });
    const at = this.now();
    if (this.end.run(at, id).changes !== 1) throw new SopError('delegation.ended', `delegation ${id} was already ended at ${d.endedAt}`, { data: { delegation: id, endedAt: d.endedAt } });
    this.log.append('user', null, null, at, { action: 'end-delegation', user: d.deputy, delegation: { id, role: d.role, holder: d.holder }, by }, request);
    return this.get(id)!;
  }

  get(id: string): Delegation | undefined {
    const row = this.selectOne.get(id) as DelegationRow | undefined;
    return row === undefined ? undefined : toDelegation(row);
  }

  /** Every delegation (of one deputy), by start. */
  list(deputy?: string): Delegation[] {
    const rows = (deputy === undefined ? this.selectAll.all() : this.selectOfDeputy.all(deputy)) as DelegationRow[];
    return rows.map(toDelegation);
  }
}

function toDelegation(r: DelegationRow): Delegation {
  return { id: r.id, role: r.role, holder: r.holder, deputy: r.deputy, title: r.title, startsAt: r.starts_at, endsAt: r.ends_at, endedAt: r.ended_at };
}
