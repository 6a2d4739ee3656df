/**
 * What the office has published to run: SOP definitions, each with its
 * tanggal efektif, and the office calendar. A publication is a
 * `definition` log entry (who, when, what, from when on); the tables are its
 * cache. Calendars are stored content-addressed, like definitions.
 */
import type Database from 'better-sqlite3';
import type { ActorMeta, CalendarStored, Publication } from '../events.js';
import { canonicalJson } from './canonical-json.js';
import type { Log } from './log.js';
import { sha256Hex } from './sha256.js';
import { damaged } from './failures.js';

/** A publication as the store keeps it. */
export interface Published {
  seq: number;
  kind: 'sop' | 'calendar';
  sop: string | null;
  hash: string;
  revision: number | null;
  effectiveOn: string;
  /** When it was published (its log entry's time) and by whom. */
  at: string;
  by: string;
}

interface PublicationRow {
  log_seq: number;
  kind: 'sop' | 'calendar';
  sop_id: string | null;
  hash: string;
  revision: number | null;
  effective_on: string;
  at: string;
  payload: string;
}

const SELECT = `SELECT p.log_seq, p.kind, p.sop_id, p.hash, p.revision, p.effective_on, l.at, l.payload FROM publications p JOIN log l ON l.seq = p.log_seq`;

export class Publications {
  private readonly insert: Database.Statement;
  private readonly selectInEffect: Database.Statement;
  private readonly selectOfSop: Database.Statement;
  private readonly selectAllSops: Database.Statement;
  private readonly selectCalendarInEffect: Database.Statement;
  private readonly insertCalendar: Database.Statement;
  private readonly selectCalendar: Database.Statement;
  private readonly selectHeadSeq: Database.Statement;
  private readonly file: string;

  constructor(
    db: Database.Database,
    private readonly log: Log,
    private readonly now: () => string,
  ) {
    this.file = db.name;
    this.insert = db.prepare('INSERT INTO publications (log_seq, kind, sop_id, hash, revision, effective_on) VALUES (?, ?, ?, ?, ?, ?)');
    // The one in effect on a day: the latest effective date not after it; among equal dates, the latest published.
    this.selectInEffect = db.prepare(`${SELECT} WHERE p.kind = 'sop' AND p.sop_id = ? AND p.effective_on <= ? ORDER BY p.effective_on DESC, p.log_seq DESC LIMIT 1`);
    this.selectOfSop = db.prepare(`${SELECT} WHERE p.kind = 'sop' AND p.sop_id = ? ORDER BY p.log_seq`);
    this.selectAllSops = db.prepare(`${SELECT} WHERE p.kind = 'sop' ORDER BY p.sop_id, p.log_seq`);
    // A calendar counts from its publication on ("due times use the latest published calendar"): the latest published, not the latest
    // effective date, which is the publisher's today in the time zone of the calendar then in force and so not in order across zones.
    this.selectCalendarInEffect = db.prepare(`${SELECT} WHERE p.kind = 'calendar' AND p.effective_on <= ? ORDER BY p.log_seq DESC LIMIT 1`);
    this.insertCalendar = db.prepare('INSERT INTO calendars (hash, body, log_seq) VALUES (?, ?, ?)');
    this.selectCalendar = db.prepare('SELECT body FROM calendars WHERE hash = ?').pluck();
    this.selectHeadSeq = db.prepare("SELECT max(log_seq) FROM publications WHERE kind = 'calendar'").pluck();
  }

  /**
   * Publishes what `entry` names (stored before, by an entry of its own);
   * call inside a write transaction (see WriteTx).
   */
  publish(entry: Omit<Publication, 'action' | 'by' | 'request'>, by: ActorMeta, request: string | undefined): Published {
    const payload: Publication = { action: 'publish', ...entry, by };
    const at = this.now();
    const seq = this.log.append('definition', null, null, at, payload, request);
    this.insert.run(seq, entry.kind, entry.sop ?? null, entry.hash, entry.revision ?? null, entry.effectiveOn);
    return { seq, kind: entry.kind, sop: entry.sop ?? null, hash: entry.hash, revision: entry.revision ?? null, effectiveOn: entry.effectiveOn, at, by: by.user };
  }

  /** Stores a calendar (its canonical JSON) once and returns its hash; call inside a write transaction. */
  putCalendar(calendar: unknown, request: string | undefined): string {
    const body = canonicalJson(calendar);
    const hash = sha256Hex(body);
    if (this.selectCalendar.get(hash) !== undefined) return hash;
    const payload: CalendarStored = { action: 'store-calendar', hash };
    const seq = this.log.append('definition', null, null, this.now(), payload, request);
    this.insertCalendar.run(hash, body, seq);
    return hash;
  }

  /** The publication of SOP `sopId` in effect on `day` (YYYY-MM-DD), if any. */
  sopInEffect(sopId: string, day: string): Published | undefined {
    const row = this.selectInEffect.get(sopId, day) as PublicationRow | undefined;
    return row && toPublished(row, this.file);
  }

  /** Every publication of SOP `sopId` (every SOP without one), in the order published. */
  sops(sopId?: string): Published[] {
    const rows = (sopId === undefined ? this.selectAllSops.all() : this.selectOfSop.all(sopId)) as PublicationRow[];
    return rows.map((r) => toPublished(r, this.file));
  }

  /** The calendar publication in effect on `day`, and the calendar's canonical JSON. */
  calendarInEffect(day: string): { published: Published; body: string } | undefined {
    const row = this.selectCalendarInEffect.get(day) as PublicationRow | undefined;
    if (!row) return undefined;
    return { published: toPublished(row, this.file), body: this.selectCalendar.get(row.hash) as string };
  }

  /** The seq of the latest calendar publication (0 when none): what a long-lived engine checks to know its calendar is current. */
  latestCalendarSeq(): number {
    return (this.selectHeadSeq.get() as number | null) ?? 0;
  }
}

function toPublished(r: PublicationRow, file: string): Published {
  let by: string;
  try {
    by = (JSON.parse(r.payload) as Publication).by?.user ?? '';
  } catch (e) {
    // Every write that checks roles reads the publications: a damaged entry is a refusal, not an internal error.
    throw damaged(file, `log entry ${r.log_seq}, a publication, is not readable`, e);
  }
  return { seq: r.log_seq, kind: r.kind, sop: r.sop_id, hash: r.hash, revision: r.revision, effectiveOn: r.effective_on, at: r.at, by };
}
