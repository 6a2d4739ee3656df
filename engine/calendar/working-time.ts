/**
 * Working time on the office calendar: due times of steps and how long a step
 * took, counted only while the office works. Pure functions of their inputs;
 * the time zone is converted with Intl (full ICU), no date library.
 *
 * Loops go day by day (a few Intl calls per working day), never minute by
 * minute, so a span of years stays fast.
 */
import { SopError } from '../errors.js';
import type { Duration } from '../definition/duration.js';
import { canonicalTimeZone, parseClock } from './calendar.js';
import { FIXED_ZONES, offsetAt } from './zone-offset.js';
import type { IsoWeekday, OfficeCalendar } from './calendar.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

/** A local day of the office as days since 1970-01-01: easy to step and compare, free of time zones. */
type DayNumber = number;
/** Milliseconds after local midnight: [start, end]. */
type Span = readonly [number, number];

interface Compiled {
  timeZone: string;
  /** Index 1..7 (ISO weekday): sorted, merged intervals of the day. */
  hours: readonly Span[][];
  holidays: ReadonlyMap<string, string>;
  /**
   * No run of days without work can be longer: every week has a working
   * weekday, and only holidays can take them away. A guard, so that a loop
   * ends even on a calendar nobody checked.
   */
  maxIdleDays: number;
}

/**
 * The due time of a step activated at `start` with time standard `d`.
 *
 * Minutes: `d.amount` working minutes are walked across the working
 * intervals; an amount that ends exactly at the end of an interval is due
 * then (Friday 15:50 + 10 minutes = Friday 16:00), not on the next morning.
 *
 * Days: the same local time of day on the `d.amount`-th following working
 * day, because that is how people read "1 Hari" (Friday 15:00 -> Monday
 * 15:00). A start outside working hours first moves to the start of the next
 * working interval (Saturday -> Monday 08:00 -> "1 Hari" is Tuesday 08:00);
 * the end of an interval counts as inside (Friday 16:00 + 1 Hari = Monday
 * 16:00). When that time of day is not working time on the due day (shorter
 * hours, a break), it moves back to the end of the last interval before it,
 * so a deadline is never later than the working day it falls on; before the
 * day's first interval it is the day's start of work.
 *
 * An amount of 0 returns `start`. Throws SopError `calendar.no-working-time`
 * for a calendar without any working hours.
 */
export function addWorkingTime(start: Date, d: Duration, cal: OfficeCalendar): Date {
  const t = timeOf(start, 'start');
  if (!Number.isFinite(d.amount) || d.amount < 0) {
    throw new SopError('calendar.duration', `cannot add ${d.amount} ${d.unit}s: a time standard is a number of at least 0`);
  }
  const c = compile(cal);
  if (d.amount === 0) return new Date(t);
  if (d.unit === 'minute') return new Date(addMinutes(c, t, d.amount * MINUTE));
  if (d.unit === 'day') {
    if (!Number.isInteger(d.amount)) throw new SopError('calendar.duration', `cannot add ${d.amount} working days: days are whole`);
    return new Date(addDays(c, t, d.amount));
  }
  throw new SopError('calendar.duration', `unknown time standard unit "${String(d.unit)}"`);
}

/**
 * Working minutes between `a` and `b`: how long a step took in working time.
 * Exact, so it may have a fraction when the instants have seconds; round for
 * display. Negative when `b` is before `a`, so that it stays the inverse of
 * addWorkingTime: workingMinutesBetween(s, addWorkingTime(s, m minutes)) = m.
 */
export function workingMinutesBetween(a: Date, b: Date, cal: OfficeCalendar): number {
  const ta = timeOf(a, 'a');
  const tb = timeOf(b, 'b');
  if (tb < ta) return -workingMinutesBetween(b, a, cal) || 0;
  const c = compile(cal);
  let total = 0;
  const last = localTime(c.timeZone, tb).day;
  for (let day = localTime(c.timeZone, ta).day; day <= last; day++) {
    for (const [s, e] of instantSpans(c, day)) total += Math.max(0, Math.min(e, tb) - Math.max(s, ta));
  }
  return total / MINUTE;
}

/** Overdue once `now` is past the due time; at the due time itself the step is still on time. */
export function isOverdue(due: Date, now: Date): boolean {
  return now.getTime() > due.getTime();
}

/** Indonesian zones by their official abbreviations, with the offset they stand for (minutes). */
const ZONE_NAMES: Readonly<Record<string, readonly [string, number]>> = {
  'Asia/Jakarta': ['WIB', 420],
  'Asia/Pontianak': ['WIB', 420],
  'Asia/Makassar': ['WITA', 480],
  'Asia/Ujung_Pandang': ['WITA', 480],
  'Asia/Jayapura': ['WIT', 540],
};

/**
 * Local time of the office to the minute, with its zone: "2026-11-23 15:00
 * WITA". The abbreviation is used only when the offset is the one it stands
 * for (historic dates had others); other zones show "UTC+08:00".
 */
export function formatLocal(date: Date, cal: OfficeCalendar): string {
  const tz = zoneOf(cal.timeZone);
  const t = timeOf(date, 'date');
  const offset = offsetAt(tz, t);
  const local = new Date(Math.floor((t + offset) / MINUTE) * MINUTE).toISOString();
  const minutes = Math.round(offset / MINUTE);
  const named = ZONE_NAMES[tz];
  let zone: string;
  if (named && named[1] === minutes) zone = named[0];
  else {
    const abs = Math.abs(minutes);
    const hh = String(Math.floor(abs / 60)).padStart(2, '0');
    const mm = String(abs % 60).padStart(2, '0');
    zone = `UTC${minutes < 0 ? '-' : '+'}${hh}:${mm}`;
  }
  return `${local.slice(0, 10)} ${local.slice(11, 16)} ${zone}`;
}

function addMinutes(c: Compiled, t: number, amount: number): number {
  let remaining = amount;
  let idle = 0;
  for (let day = localTime(c.timeZone, t).day; ; day++) {
    const spans = instantSpans(c, day);
    for (const [s, e] of spans) {
      if (e <= t) continue;
      const from = Math.max(s, t);
      if (remaining <= e - from) return from + remaining;
      remaining -= e - from;
    }
    idle = spans.length > 0 ? 0 : idle + 1;
    if (idle > c.maxIdleDays) throw noWorkingTime();
  }
}

function addDays(c: Compiled, t: number, amount: number): number {
  const { day, ms } = localTime(c.timeZone, t);
  const today = spansOn(c, day);
  let anchor: DayNumber = day;
  let timeOfDay = ms;
  if (!today.some(([s, e]) => s <= ms && ms <= e)) {
    const later = today.find(([s]) => s > ms);
    if (!later) anchor = nextWorkingDay(c, day);
    timeOfDay = (later ?? spansOn(c, anchor)[0]!)[0];
  }
  let due = anchor;
  for (let i = 0; i < amount; i++) due = nextWorkingDay(c, due);
  const spans = spansOn(c, due);
  if (!spans.some(([s, e]) => s <= timeOfDay && timeOfDay <= e)) {
    const before = spans.filter(([, e]) => e < timeOfDay).pop();
    timeOfDay = before ? before[1] : spans[0]![0];
  }
  return instantOf(c.timeZone, due, timeOfDay);
}

function nextWorkingDay(c: Compiled, day: DayNumber): DayNumber {
  for (let next = day + 1; next <= day + c.maxIdleDays + 1; next++) {
    if (spansOn(c, next).length > 0) return next;
  }
  throw noWorkingTime();
}

/** The working intervals of a local day, in local milliseconds; none on a holiday. */
function spansOn(c: Compiled, day: DayNumber): readonly Span[] {
  if (c.holidays.size > 0 && c.holidays.has(new Date(day * DAY).toISOString().slice(0, 10))) return [];
  return c.hours[weekdayOf(day)]!;
}

/**
 * The working intervals of a local day as instants, so that counting is real
 * elapsed time. Intl is slow (microseconds a call): when the offset is the
 * same at both ends of the day, as on every day in Indonesia, one offset
 * serves all intervals; only a day with a change looks each time up.
 */
function instantSpans(c: Compiled, day: DayNumber): Span[] {
  const spans = spansOn(c, day);
  if (spans.length === 0) return [];
  const midnight = instantOf(c.timeZone, day, 0);
  const offset = day * DAY - midnight;
  if (offsetAt(c.timeZone, midnight + DAY - 1) === offset) {
    return spans.map(([s, e]) => [midnight + s, midnight + e] as const);
  }
  return spans.map(([s, e]) => [instantOf(c.timeZone, day, s), instantOf(c.timeZone, day, e)] as const);
}

/** 1970-01-01 was a Thursday (ISO 4). */
function weekdayOf(day: DayNumber): IsoWeekday {
  return (((((day + 3) % 7) + 7) % 7) + 1) as IsoWeekday;
}

/**
 * Checks and normalizes a calendar once per call: a calendar built in code
 * gets the same guarantees as one read from calendar.yaml.
 */
function compile(cal: OfficeCalendar): Compiled {
  const timeZone = zoneOf(cal.timeZone);
  const hours: Span[][] = [[]];
  let any = false;
  for (let wd = 1; wd <= 7; wd++) {
    const spans: [number, number][] = [];
    for (const iv of cal.workingHours[wd as IsoWeekday] ?? []) {
      const s = parseClock(iv.start);
      const e = parseClock(iv.end);
      if (s === undefined || e === undefined || e <= s) {
        throw new SopError('calendar.hours', `working hours ${iv.start}-${iv.end} are not two times 'HH:MM' with the end after the start`);
      }
      spans.push([s * MINUTE, e * MINUTE]);
    }
    spans.sort((x, y) => x[0] - y[0]);
    // Overlapping or touching intervals are one stretch of work.
    const merged: [number, number][] = [];
    for (const sp of spans) {
      const prev = merged[merged.length - 1];
      if (prev && sp[0] <= prev[1]) prev[1] = Math.max(prev[1], sp[1]);
      else merged.push(sp);
    }
    any ||= merged.length > 0;
    hours.push(merged);
  }
  if (!any) throw noWorkingTime();
  return { timeZone, hours, holidays: cal.holidays, maxIdleDays: 7 * (cal.holidays.size + 1) };
}

function noWorkingTime(): SopError {
  return new SopError('calendar.no-working-time', 'the office calendar has no working hours, so no due time can be computed');
}

function zoneOf(name: string): string {
  // A zone of the table is already canonical; asking Intl would load its time zone data for nothing.
  if (Object.hasOwn(FIXED_ZONES, name)) return name;
  const tz = canonicalTimeZone(name);
  if (!tz) throw new SopError('calendar.time-zone', `unknown time zone "${name}"; use an IANA name such as Asia/Makassar`);
  return tz;
}

function timeOf(d: Date, what: string): number {
  const t = d instanceof Date ? d.getTime() : NaN;
  if (!Number.isFinite(t)) throw new SopError('calendar.invalid-date', `${what} is not a valid date`);
  return t;
}

// ---- Time zone arithmetic (zone-offset.ts) ------------------------------

/** The office's local date of `date`, as YYYY-MM-DD: the day a tanggal efektif is compared with. */
export function localDate(date: Date, cal: OfficeCalendar): string {
  return formatLocal(date, cal).slice(0, 10);
}

/** The local day and time of day of instant `t`. */
function localTime(timeZone: string, t: number): { day: DayNumber; ms: number } {
  const local = t + offsetAt(timeZone, t);
  const day = Math.floor(local / DAY);
  return { day, ms: local - day * DAY };
}

/**
 * The instant of local time `ms` on `day`. The offset is looked up twice
 * because it is the offset at the answer, not at the naive guess, that
 * counts near a daylight-saving change (none in Indonesia, but any IANA zone
 * is accepted).
 */
function instantOf(timeZone: string, day: DayNumber, ms: number): number {
  const naive = day * DAY + ms;
  const first = naive - offsetAt(timeZone, naive);
  const second = naive - offsetAt(timeZone, first);
  return second;
}

const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/;
const ZONED_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

/**
 * A time as a person types it on the command line: "2026-11-20" (the start
 * of that day), "2026-11-20 10:00" or "2026-11-20T10:00" in the office's
 * local time, or an ISO 8601 instant with its zone ("2026-11-20T02:00:00Z").
 * Undefined when it is none of these.
 */
export function parseLocalTime(text: string, cal: OfficeCalendar): Date | undefined {
  const s = text.trim();
  if (ZONED_TIME.test(s)) {
    const d = new Date(s);
    return Number.isFinite(d.getTime()) ? d : undefined;
  }
  const m = LOCAL_TIME.exec(s);
  if (!m) return undefined;
  const [y, mo, d, h, mi, sec] = m.slice(1).map((x): number => (x === undefined ? 0 : Number(x)));
  const naive = Date.UTC(y!, mo! - 1, d, h, mi, sec);
  const check = new Date(naive);
  // Date.UTC rolls 2026-02-30 over into March: refuse what is not a real date and time.
  if (check.getUTCMonth() !== mo! - 1 || check.getUTCDate() !== d! || h! > 23 || mi! > 59 || sec! > 59) return undefined;
  const day = Math.floor(naive / DAY);
  return new Date(instantOf(zoneOf(cal.timeZone), day, naive - day * DAY));
}
