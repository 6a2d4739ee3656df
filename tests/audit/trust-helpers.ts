/**
 * Helpers for the tests of what `verify` checks beyond the chain (issue 11):
 * an engine on a copy of the audit fixture (tests/audit/fixture.ts), acting
 * on a clock after the fixture's own entries, and the tampering a careful
 * forger does: every guard dropped, and the chain recomputed from the entry
 * changed on, so that only the new checks can tell.
 */
import type Database from 'better-sqlite3';
import { chainHash } from '../../engine/store/chain.js';
import { openOffice, type TestOffice } from '../helpers/engine.js';
import { logRows, type LogRow } from './fixture.js';

/** After the fixture's last entry (2026-11-16, about 02:20 UTC): the engine on a copy never writes before it. */
export function laterClock(start = '2026-11-17T01:00:00Z'): { clock: () => Date; tick: (minutes?: number) => void } {
  let now = new Date(start);
  return { clock: () => now, tick: (minutes = 1) => (now = new Date(now.getTime() + minutes * 60_000)) };
}

/** The engine on a store file that exists (a copy of the fixture), on a later clock. */
export function openCopy(file: string, clock = laterClock().clock): Promise<TestOffice> {
  return openOffice(file, { clock, create: false });
}

/** Drops every guard of the store: the triggers of the log, definitions, blobs, calendars, publications and requests. */
export function dropGuards(db: Database.Database): void {
  const triggers = db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").pluck().all() as string[];
  for (const t of triggers) db.exec(`DROP TRIGGER "${t}"`);
  db.pragma('foreign_keys = OFF');
}

/** Recomputes the hash of every entry from `from` on, as a forger who changed one does. */
export function rechain(db: Database.Database, from: number): void {
  const rows = logRows(db);
  let prev = rows.filter((r) => r.seq < from).at(-1)?.hash ?? '0'.repeat(64);
  const update = db.prepare('UPDATE log SET prev_hash = ?, hash = ? WHERE seq = ?');
  for (const r of rows.filter((x) => x.seq >= from)) {
    const hash = chainHash(prev, { seq: r.seq, kind: r.kind, instanceId: r.instance_id, version: r.version, at: r.at }, r.payload);
    update.run(prev, hash, r.seq);
    prev = hash;
  }
}

/** Rewrites one entry's payload (through `edit` of its parsed JSON, or of its text) and recomputes the chain from it. */
export function rewriteEntry(db: Database.Database, seq: number, edit: (payload: Record<string, unknown>) => void): void {
  const row = db.prepare('SELECT payload FROM log WHERE seq = ?').get(seq) as { payload: string };
  const payload = JSON.parse(row.payload) as Record<string, unknown>;
  edit(payload);
  db.prepare('UPDATE log SET payload = ? WHERE seq = ?').run(JSON.stringify(payload), seq);
  rechain(db, seq);
}

/** The entries of the log, parsed. */
export function entries(db: Database.Database): (LogRow & { data: Record<string, unknown> })[] {
  return logRows(db).map((r) => ({ ...r, data: JSON.parse(r.payload) as Record<string, unknown> }));
}
