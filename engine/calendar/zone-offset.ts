/**
 * Offsets of time zones from UTC. Intl answers for any IANA zone, but its
 * first use in a process loads the time zone data (about 13 ms, a tenth of
 * an operator's `sop status`). Indonesia's zones have kept one offset and no
 * daylight saving time since the 1988 reform, so for instants after that
 * their offset is a constant; Intl answers for everything else.
 * tests/calendar/zone-offset.test.ts checks the constants against Intl.
 */

/** Zone -> [offset in minutes, the instant from which it holds]. */
export const FIXED_ZONES: Readonly<Record<string, readonly [minutes: number, since: number]>> = {
  'Asia/Jakarta': [420, Date.UTC(1988, 0, 1)],
  'Asia/Pontianak': [420, Date.UTC(1988, 0, 1)],
  'Asia/Makassar': [480, Date.UTC(1988, 0, 1)],
  'Asia/Ujung_Pandang': [480, Date.UTC(1988, 0, 1)],
  'Asia/Jayapura': [540, Date.UTC(1988, 0, 1)],
};

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Offset of the zone from UTC at instant `t`, in milliseconds (WITA: +8 h). */
export function offsetAt(timeZone: string, t: number): number {
  const fixed = FIXED_ZONES[timeZone];
  if (fixed && t >= fixed[1]) return fixed[0] * 60_000;
  return intlOffsetAt(timeZone, t);
}

/** The same, always asking Intl. */
export function intlOffsetAt(timeZone: string, t: number): number {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  const p: Record<string, number> = {};
  let bc = false;
  for (const part of f.formatToParts(t)) {
    if (part.type === 'era') bc = part.value.startsWith('B');
    else if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  const year = bc ? 1 - p.year! : p.year!;
  const local = new Date(0);
  local.setUTCFullYear(year, p.month! - 1, p.day);
  local.setUTCHours(p.hour!, p.minute, p.second, 0);
  return local.getTime() - Math.floor(t / 1000) * 1000;
}
