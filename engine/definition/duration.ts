/**
 * Time standards (waktu) as the documents write them: "10 Menit", "1 Hari",
 * "2 jam", "30 minutes", "PT10M", "P1D". The canonical form keeps its unit,
 * because a day is a working day of the office calendar, not 1440 minutes.
 */
export type DurationUnit = 'minute' | 'day';

export interface Duration {
  /** Whole working minutes (unit `minute`) or whole working days (unit `day`). */
  amount: number;
  unit: DurationUnit;
}

const MINUTE_WORDS = new Set(['menit', 'mnt', 'minute', 'minutes', 'min', 'mins', 'm']);
const HOUR_WORDS = new Set(['jam', 'hour', 'hours', 'hr', 'hrs', 'h']);
const DAY_WORDS = new Set(['hari', 'hari kerja', 'day', 'days', 'working day', 'working days', 'd']);

const WORDED = /^(\d+(?:[.,]\d+)?)\s*([a-z][a-z ]*?)\.?$/;
const ISO = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/;

/**
 * Parses a time standard. Returns an error message instead of throwing, so
 * the checker can report it at the node's location.
 *
 * @example parseDuration('10 Menit') // { amount: 10, unit: 'minute' }
 * @example parseDuration('P1D')      // { amount: 1, unit: 'day' }
 */
export function parseDuration(text: string): Duration | { error: string } {
  const s = text.trim();
  const iso = ISO.exec(s);
  if (iso && s !== 'P' && s !== 'PT' && !s.endsWith('T')) {
    const [, d, h, m] = iso;
    if (d !== undefined && (h !== undefined || m !== undefined)) {
      return { error: `"${text}" mixes working days with hours or minutes; write it in one unit (e.g. P1D or PT90M)` };
    }
    if (d !== undefined) return positive({ amount: Number(d), unit: 'day' }, text);
    return positive({ amount: Number(h ?? 0) * 60 + Number(m ?? 0), unit: 'minute' }, text);
  }
  const worded = WORDED.exec(s.toLowerCase().replace(/\s+/g, ' '));
  if (worded) {
    const value = Number(worded[1]!.replace(',', '.'));
    const word = worded[2]!.trim();
    if (MINUTE_WORDS.has(word)) return whole(value, 'minute', text);
    if (HOUR_WORDS.has(word)) return whole(value * 60, 'minute', text);
    if (DAY_WORDS.has(word)) return whole(value, 'day', text);
  }
  return {
    error: `cannot read time standard "${text}"; write a number and a unit ("10 Menit", "2 Jam", "1 Hari", "30 minutes") or an ISO 8601 duration (PT10M, PT2H, P1D)`,
  };
}

function whole(amount: number, unit: DurationUnit, text: string): Duration | { error: string } {
  if (!Number.isInteger(amount)) {
    const what = unit === 'day' ? 'working days' : 'minutes';
    return { error: `"${text}" is not a whole number of ${what}; use a smaller unit` };
  }
  return positive({ amount, unit }, text);
}

/** A time standard beyond a working year is a typo, and would overflow the calendar arithmetic. */
const MAX_MINUTES = 60 * 8 * 260;
const MAX_DAYS = 260;

function positive(d: Duration, text: string): Duration | { error: string } {
  if (!(d.amount > 0)) return { error: `time standard "${text}" must be greater than zero` };
  const max = d.unit === 'day' ? MAX_DAYS : MAX_MINUTES;
  if (d.amount > max) return { error: `time standard "${text}" is longer than a working year; check the number` };
  return d;
}

export function isDuration(v: Duration | { error: string }): v is Duration {
  return !('error' in v);
}

/** ISO 8601 form of a canonical duration: PT10M, P1D. */
export function toIso(d: Duration): string {
  return d.unit === 'day' ? `P${d.amount}D` : `PT${d.amount}M`;
}

/** The Indonesian form used when printing: "10 Menit", "1 Jam 30 Menit", "2 Hari". */
export function formatDuration(d: Duration): string {
  if (d.unit === 'day') return `${d.amount} Hari`;
  const h = Math.floor(d.amount / 60);
  const m = d.amount % 60;
  if (h === 0) return `${m} Menit`;
  return m === 0 ? `${h} Jam` : `${h} Jam ${m} Menit`;
}

/** A sum of time standards keeps days and minutes apart: they convert only through a calendar. */
export interface DurationTotal {
  days: number;
  minutes: number;
}

export function addDurations(ds: Iterable<Duration | null>): DurationTotal {
  const total = { days: 0, minutes: 0 };
  for (const d of ds) {
    if (!d) continue;
    if (d.unit === 'day') total.days += d.amount;
    else total.minutes += d.amount;
  }
  return total;
}

export function formatTotal(t: DurationTotal): string {
  const parts: string[] = [];
  if (t.days) parts.push(`${t.days} Hari`);
  if (t.minutes) parts.push(formatDuration({ amount: t.minutes, unit: 'minute' }));
  return parts.length ? parts.join(' + ') : '-';
}
