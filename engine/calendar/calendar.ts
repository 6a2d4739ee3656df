/**
 * The office calendar: when the office works. Time standards (waktu) of SOP
 * steps count working time, so a step's due time depends on it.
 */

/** ISO weekday: 1 = Monday (Senin) ... 7 = Sunday (Minggu). */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/**
 * One stretch of work on a day, local time of the office, 'HH:MM' 24-hour.
 * `end` is after `start` and may be '24:00' for work until midnight.
 */
export interface WorkingInterval {
  start: string;
  end: string;
}

export interface OfficeCalendar {
  /** IANA time zone of the office, e.g. Asia/Makassar (WITA). */
  timeZone: string;
  /** Working intervals per ISO weekday, in order, not overlapping; a break is the gap between two. Empty: no work that day. */
  workingHours: Readonly<Record<IsoWeekday, readonly WorkingInterval[]>>;
  /** Days off by local date 'YYYY-MM-DD', with their name (e.g. "Hari Raya Natal"). */
  holidays: ReadonlyMap<string, string>;
}

export const WEEKDAY_NAMES: Readonly<Record<IsoWeekday, string>> = {
  1: 'monday',
  2: 'tuesday',
  3: 'wednesday',
  4: 'thursday',
  5: 'friday',
  6: 'saturday',
  7: 'sunday',
};

const OFFICE_DAY: readonly WorkingInterval[] = Object.freeze([Object.freeze({ start: '08:00', end: '16:00' })]);
const NO_WORK: readonly WorkingInterval[] = Object.freeze([]);

/**
 * The calendar used when the SOP folder has no calendar.yaml: the office in
 * Kutai Kartanegara (Asia/Makassar, WITA, UTC+8, no daylight saving time),
 * Monday to Friday 08:00-16:00 without a break, no holidays. It is a safe
 * guess so that due times exist at all; a real office writes its own
 * calendar.yaml with its hours, breaks and the year's holidays.
 */
export const DEFAULT_CALENDAR: OfficeCalendar = Object.freeze({
  timeZone: 'Asia/Makassar',
  workingHours: Object.freeze({ 1: OFFICE_DAY, 2: OFFICE_DAY, 3: OFFICE_DAY, 4: OFFICE_DAY, 5: OFFICE_DAY, 6: NO_WORK, 7: NO_WORK }),
  holidays: new Map<string, string>(),
});

const CLOCK = /^(\d{1,2})[:.](\d{2})$/;

/**
 * Minutes after local midnight of a clock time 'HH:MM' (07:30 -> 450), or
 * undefined when it is not one. '24:00' is allowed, as the end of a day.
 * A dot is accepted as well ("07.30"), as Indonesian letters write it.
 */
export function parseClock(text: string): number | undefined {
  const m = CLOCK.exec(text.trim());
  if (!m) return undefined;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (min > 59 || h > 24 || (h === 24 && min > 0)) return undefined;
  return h * 60 + min;
}

/** 450 -> '07:30': the canonical form stored in a calendar. */
export function formatClock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/**
 * The canonical name of an IANA time zone as ICU knows it ('asia/makassar' ->
 * 'Asia/Makassar'), or undefined for a zone it does not know. Intl is the
 * judge because it is what later converts the times.
 */
export function canonicalTimeZone(name: string): string | undefined {
  if (name.trim() === '' || name !== name.trim()) return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}
