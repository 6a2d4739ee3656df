/**
 * Reads the office calendar: the file calendar.yaml in the SOP folder, beside
 * the SOP files. Every fault is a located problem (`calendar.*`), as for SOPs,
 * because office staff edit this file by hand once a year.
 *
 * Format (YAML, English keys, comments allowed):
 *
 *   timeZone: Asia/Makassar            # IANA name; required
 *   workingHours:                      # required; a weekday left out has no work
 *     monday: ["07:30-12:00", "13:00-16:00"]   # 'HH:MM-HH:MM' strings, in order; a break is the gap
 *     saturday: []                     # no work (same as leaving it out)
 *   holidays:                          # optional
 *     - { date: 2026-12-25, name: Hari Raya Natal }
 *
 * One form of working hours only: a list of "start-end" strings, because it
 * reads like the office's own notice ("07.30-16.00"; a dot is accepted too).
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SopError } from '../errors.js';
import type { Problem } from '../errors.js';
import { parseYaml } from '../definition/parse-yaml.js';
import type { ParsedYaml, PathSegment } from '../definition/parse-yaml.js';
import { formatPath } from '../definition/path.js';
import { closest } from '../definition/suggest.js';
import { displayPath } from '../definition/display-path.js';
import { DEFAULT_CALENDAR, WEEKDAY_NAMES, canonicalTimeZone, formatClock, parseClock } from './calendar.js';
import type { IsoWeekday, OfficeCalendar, WorkingInterval } from './calendar.js';

/** The file names of the calendar in the SOP folder, in order of preference. */
export const CALENDAR_FILES = ['calendar.yaml', 'calendar.yml'] as const;
/** Holidays for decades fit in a few kilobytes; a larger file is not a calendar. */
export const MAX_CALENDAR_FILE_BYTES = 256 * 1024;

const ROOT_KEYS = ['timeZone', 'workingHours', 'holidays'];
const HOLIDAY_KEYS = ['date', 'name'];
const DAY_BY_NAME = new Map(Object.entries(WEEKDAY_NAMES).map(([n, name]) => [name, Number(n) as IsoWeekday]));
/** Office staff may write the days in Indonesian; the keys are English, so say which one is meant. */
const INDONESIAN_DAYS: Readonly<Record<string, string>> = {
  senin: 'monday',
  selasa: 'tuesday',
  rabu: 'wednesday',
  kamis: 'thursday',
  jumat: 'friday',
  "jum'at": 'friday',
  sabtu: 'saturday',
  minggu: 'sunday',
};
const INTERVAL = /^\s*([^-\s]+)\s*-\s*([^-\s]+)\s*$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * The calendar of the SOP folder `sopsDir`: DEFAULT_CALENDAR when it has no
 * calendar file. Throws SopError `calendar.invalid` (with the problems) when
 * the file has errors: due times must never be computed on a calendar the
 * office did not mean.
 */
export function loadCalendar(sopsDir: string): OfficeCalendar {
  const present = CALENDAR_FILES.map((n) => join(sopsDir, n)).filter(exists);
  if (present.length === 0) return DEFAULT_CALENDAR;
  if (present.length > 1) {
    throw new SopError('calendar.ambiguous', `${displayPath(sopsDir)} holds both ${CALENDAR_FILES.join(' and ')}`, { data: { folder: displayPath(sopsDir) } });
  }
  const checked = checkCalendarFile(present[0]!);
  if (!checked.calendar) {
    throw new SopError('calendar.invalid', `${displayPath(present[0]!)} is not a valid office calendar`, {
      problems: checked.problems,
      data: { file: displayPath(present[0]!) },
    });
  }
  return checked.calendar;
}

/** Reads and checks a calendar file. Never throws for a bad file: its problems are returned. */
export function checkCalendarFile(path: string): { calendar?: OfficeCalendar; problems: Problem[] } {
  const file = displayPath(path);
  const fail = (code: string, message: string) => ({
    problems: [{ file, line: 0, col: 0, code, severity: 'error' as const, message, path: '' }],
  });
  let bytes: Buffer;
  try {
    const st = statSync(path);
    if (!st.isFile()) return fail('file.unreadable', 'is not a regular file');
    if (st.size > MAX_CALENDAR_FILE_BYTES) return fail('file.too-large', `is ${st.size} bytes; a calendar file may be at most ${MAX_CALENDAR_FILE_BYTES}`);
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return fail(code === 'ENOENT' ? 'file.not-found' : 'file.unreadable', `cannot be read: ${code ?? (e as Error).message}`);
  }
  if (bytes.length > MAX_CALENDAR_FILE_BYTES) return fail('file.too-large', `is larger than ${MAX_CALENDAR_FILE_BYTES} bytes`);
  if (bytes.includes(0)) return fail('file.binary', 'holds binary data (a NUL byte); a calendar file is UTF-8 text');
  let source: string;
  try {
    source = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail('file.encoding', 'is not valid UTF-8; save it as UTF-8');
  }
  return checkCalendarSource(file, source.replace(/^\uFEFF/, ''));
}

/** Checks calendar text as if it were the file `file`. Pure. */
export function checkCalendarSource(file: string, source: string): { calendar?: OfficeCalendar; problems: Problem[] } {
  const parsed = parseYaml(file, source);
  if (parsed.problems.length > 0) return { problems: parsed.problems };
  const problems: Problem[] = [];
  const report = (code: string, path: PathSegment[], message: string, atKey = false) => {
    problems.push({ file, ...parsed.locate(path, atKey), code, severity: 'error', message, path: formatPath(path) });
  };
  const calendar = readCalendar(parsed, report);
  problems.sort((a, b) => a.line - b.line || a.col - b.col);
  return problems.length === 0 && calendar ? { calendar, problems } : { problems };
}

type Report = (code: string, path: PathSegment[], message: string, atKey?: boolean) => void;

function readCalendar(parsed: ParsedYaml, report: Report): OfficeCalendar | undefined {
  const root = parsed.value;
  if (!isRecord(root)) {
    report('calendar.type', [], 'the calendar is a mapping with timeZone, workingHours and holidays');
    return undefined;
  }
  unknownKeys(root, [], ROOT_KEYS, report);
  const timeZone = readTimeZone(root, report);
  const workingHours = readWorkingHours(root, report);
  const holidays = readHolidays(root, report);
  return timeZone && workingHours && holidays ? { timeZone, workingHours, holidays } : undefined;
}

function readTimeZone(root: Record<string, unknown>, report: Report): string | undefined {
  const value = root.timeZone;
  if (value === undefined) return void report('calendar.required', [], 'timeZone is missing; the office in Kutai Kartanegara is in Asia/Makassar (WITA)');
  if (typeof value !== 'string') return void report('calendar.type', ['timeZone'], 'timeZone is an IANA time zone name such as Asia/Makassar');
  const tz = canonicalTimeZone(value);
  if (!tz) {
    const guess = closest(value, Intl.supportedValuesOf('timeZone'));
    const hint = guess ? `; did you mean "${guess}"?` : '; use an IANA name such as Asia/Makassar (WITA), Asia/Jakarta (WIB), Asia/Jayapura (WIT)';
    return void report('calendar.time-zone', ['timeZone'], `unknown time zone "${value}"${hint}`);
  }
  return tz;
}

function readWorkingHours(root: Record<string, unknown>, report: Report): OfficeCalendar['workingHours'] | undefined {
  const value = root.workingHours;
  if (value === undefined) return void report('calendar.required', [], 'workingHours is missing: give the working hours of each working weekday');
  if (!isRecord(value)) return void report('calendar.type', ['workingHours'], 'workingHours maps weekdays (monday ... sunday) to lists of "HH:MM-HH:MM"');
  unknownKeys(value, ['workingHours'], [...DAY_BY_NAME.keys()], report, INDONESIAN_DAYS);
  const hours: Record<IsoWeekday, WorkingInterval[]> = { 1: [], 2: [], 3: [], 4: [], 5: [], 6: [], 7: [] };
  let ok = true;
  for (const [name, wd] of DAY_BY_NAME) {
    const list = value[name];
    const path = ['workingHours', name];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) {
      report('calendar.type', path, `${name} is a list of "HH:MM-HH:MM", e.g. ["07:30-12:00", "13:00-16:00"], or [] for no work`);
      ok = false;
      continue;
    }
    let prevEnd = -1;
    for (const [i, item] of (list as unknown[]).entries()) {
      const interval = readInterval(item, [...path, i], report);
      if (!interval) {
        ok = false;
        continue;
      }
      const [s, e] = interval;
      if (s < prevEnd) {
        report('calendar.hours', [...path, i], `${formatClock(s)}-${formatClock(e)} starts before the interval before it ends (${formatClock(prevEnd)}); list the intervals of a day in order, without overlaps`);
        ok = false;
      }
      prevEnd = Math.max(prevEnd, e);
      hours[wd].push({ start: formatClock(s), end: formatClock(e) });
    }
  }
  if (ok && Object.values(hours).every((l) => l.length === 0)) {
    report('calendar.no-working-time', ['workingHours'], 'no weekday has working hours, so no due time could ever be computed');
    ok = false;
  }
  return ok ? hours : undefined;
}

/** "07:30-12:00" -> [450, 720] minutes, or a reported problem. */
function readInterval(item: unknown, path: PathSegment[], report: Report): [number, number] | undefined {
  if (typeof item !== 'string') {
    const hint = isRecord(item) ? ' (write "08:00-16:00", not a mapping)' : '';
    return void report('calendar.type', path, `working hours are a string "HH:MM-HH:MM"${hint}`);
  }
  const m = INTERVAL.exec(item);
  const s = m ? parseClock(m[1]!) : undefined;
  const e = m ? parseClock(m[2]!) : undefined;
  if (s === undefined || e === undefined) {
    return void report('calendar.hours', path, `"${item}" is not working hours; write "HH:MM-HH:MM" in 24-hour time, e.g. "07:30-16:00"`);
  }
  if (e <= s) return void report('calendar.hours', path, `"${item}" ends before it starts; a working interval stays within one day (00:00-24:00)`);
  return [s, e];
}

function readHolidays(root: Record<string, unknown>, report: Report): ReadonlyMap<string, string> | undefined {
  const value = root.holidays;
  const holidays = new Map<string, string>();
  if (value === undefined || value === null) return holidays;
  if (!Array.isArray(value)) return void report('calendar.type', ['holidays'], 'holidays is a list of { date: YYYY-MM-DD, name: ... }');
  let ok = true;
  const fault: Report = (...args) => {
    ok = false;
    report(...args);
  };
  for (const [i, item] of (value as unknown[]).entries()) {
    const path = ['holidays', i];
    if (!isRecord(item)) {
      fault('calendar.type', path, 'a holiday is { date: YYYY-MM-DD, name: ... }');
      continue;
    }
    unknownKeys(item, path, HOLIDAY_KEYS, fault);
    const { date, name } = item;
    if (date === undefined) fault('calendar.required', path, 'the holiday has no date');
    else if (typeof date !== 'string' || !isDate(date)) fault('calendar.holiday', [...path, 'date'], `${JSON.stringify(date)} is not a date; write YYYY-MM-DD, e.g. 2026-12-25`);
    else if (holidays.has(date)) fault('calendar.holiday', [...path, 'date'], `${date} is listed twice (also "${holidays.get(date)}"); give the day one entry`);
    if (name === undefined) fault('calendar.required', path, 'the holiday has no name');
    else if (typeof name !== 'string' || name.trim() === '') fault('calendar.type', [...path, 'name'], 'the name of a holiday is non-empty text, e.g. Hari Raya Natal');
    if (typeof date === 'string' && isDate(date) && !holidays.has(date) && typeof name === 'string') holidays.set(date, name.trim());
  }
  return ok ? holidays : undefined;
}

/** A real calendar date: 2026-02-30 is refused, not rolled over to March. */
function isDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === text;
}

function unknownKeys(obj: Record<string, unknown>, path: PathSegment[], known: string[], report: Report, translations: Readonly<Record<string, string>> = {}): void {
  for (const key of Object.keys(obj)) {
    if (known.includes(key)) continue;
    const guess = Object.hasOwn(translations, key.toLowerCase()) ? translations[key.toLowerCase()] : closest(key, known);
    const hint = guess ? `; did you mean "${guess}"?` : `; known: ${known.join(', ')}`;
    report('calendar.unknown-property', [...path, key], `unknown property "${key}"${hint}`, true);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}
