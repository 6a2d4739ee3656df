/**
 * Working time on the office calendar: due times (addWorkingTime), elapsed
 * working time (workingMinutesBetween) and how they are shown. Times are
 * written in WITA (UTC+8), as the office reads them.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CALENDAR } from '../../engine/calendar/calendar.js';
import type { OfficeCalendar, WorkingInterval } from '../../engine/calendar/calendar.js';
import { addWorkingTime, formatLocal, isOverdue, workingMinutesBetween } from '../../engine/calendar/working-time.js';
import type { Duration } from '../../engine/definition/duration.js';

/** '2026-11-20 15:00' in WITA. */
const wita = (s: string): Date => new Date(`${s.replace(' ', 'T')}:00+08:00`);
const minutes = (amount: number): Duration => ({ amount, unit: 'minute' });
const days = (amount: number): Duration => ({ amount, unit: 'day' });

function calendar(over: Partial<OfficeCalendar> = {}): OfficeCalendar {
  return { ...DEFAULT_CALENDAR, ...over };
}
const withHolidays = (...dates: string[]) => calendar({ holidays: new Map(dates.map((d) => [d, 'Libur'])) });

const week = (weekday: WorkingInterval[], friday: WorkingInterval[] = weekday) => ({
  1: weekday,
  2: weekday,
  3: weekday,
  4: weekday,
  5: friday,
  6: [],
  7: [],
});
/** The civil-service week of sops/calendar.yaml: breaks 12:00-13:00, on Friday 11:30-13:00. */
const OFFICE = calendar({
  workingHours: week(
    [
      { start: '07:30', end: '12:00' },
      { start: '13:00', end: '16:00' },
    ],
    [
      { start: '07:30', end: '11:30' },
      { start: '13:00', end: '16:30' },
    ],
  ),
});

const due = (start: string, d: Duration, cal: OfficeCalendar = DEFAULT_CALENDAR) => formatLocal(addWorkingTime(wita(start), d, cal), cal);

describe('the Friday afternoon cases (2026-11-20 is a Friday)', () => {
  it('"1 Hari" from Friday 15:00 is due Monday 15:00', () => {
    expect(due('2026-11-20 15:00', days(1))).toBe('2026-11-23 15:00 WITA');
  });

  it('"10 Menit" from Friday 15:55 is due Monday 08:05: 5 minutes on Friday, 5 on Monday', () => {
    expect(due('2026-11-20 15:55', minutes(10))).toBe('2026-11-23 08:05 WITA');
  });

  it('a holiday on the Monday pushes both to Tuesday', () => {
    const cal = withHolidays('2026-11-23');
    expect(due('2026-11-20 15:00', days(1), cal)).toBe('2026-11-24 15:00 WITA');
    expect(due('2026-11-20 15:55', minutes(10), cal)).toBe('2026-11-24 08:05 WITA');
  });

  it('returns the instant itself, in UTC', () => {
    expect(addWorkingTime(wita('2026-11-20 15:00'), days(1), DEFAULT_CALENDAR).toISOString()).toBe('2026-11-23T07:00:00.000Z');
  });
});

describe('minutes walk the working intervals', () => {
  it('stays within the interval when it fits', () => {
    expect(due('2026-11-23 09:00', minutes(30))).toBe('2026-11-23 09:30 WITA');
    expect(due('2026-11-23 09:00', minutes(120))).toBe('2026-11-23 11:00 WITA');
  });

  it('is due at the end of work when the amount ends exactly there, not the next morning', () => {
    expect(due('2026-11-20 15:50', minutes(10))).toBe('2026-11-20 16:00 WITA');
    expect(due('2026-11-23 08:00', minutes(480))).toBe('2026-11-23 16:00 WITA');
  });

  it('starts counting at the start of work when activated before it, after it or on a weekend', () => {
    expect(due('2026-11-23 06:00', minutes(30))).toBe('2026-11-23 08:30 WITA');
    expect(due('2026-11-23 17:00', minutes(30))).toBe('2026-11-24 08:30 WITA');
    expect(due('2026-11-21 10:00', minutes(10))).toBe('2026-11-23 08:10 WITA'); // Saturday
    expect(due('2026-11-22 23:59', minutes(10))).toBe('2026-11-23 08:10 WITA'); // Sunday night
  });

  it('skips breaks', () => {
    expect(due('2026-11-23 11:50', minutes(20), OFFICE)).toBe('2026-11-23 13:10 WITA');
    expect(due('2026-11-23 12:30', minutes(10), OFFICE)).toBe('2026-11-23 13:10 WITA'); // activated during the break
    expect(due('2026-11-20 11:00', minutes(60), OFFICE)).toBe('2026-11-20 13:30 WITA'); // Friday: break from 11:30
    expect(due('2026-11-20 16:20', minutes(20), OFFICE)).toBe('2026-11-23 07:40 WITA'); // Friday ends 16:30
  });

  it('spans several days, weeks and holidays', () => {
    // 5 days of 480 minutes from Monday 08:00 end on Friday 16:00; one more minute is next Monday.
    expect(due('2026-11-23 08:00', minutes(2400))).toBe('2026-11-27 16:00 WITA');
    expect(due('2026-11-23 08:00', minutes(2401))).toBe('2026-11-30 08:01 WITA');
    expect(due('2026-11-23 08:00', minutes(3 * 2400 + 90))).toBe('2026-12-14 09:30 WITA');
    // Christmas (Friday 25 December) off: Thursday 15:00 + 2 Jam is Monday 09:00.
    expect(due('2026-12-24 15:00', minutes(120), withHolidays('2026-12-25'))).toBe('2026-12-28 09:00 WITA');
  });

  it('keeps the seconds of the start', () => {
    const end = addWorkingTime(new Date('2026-11-20T15:55:30+08:00'), minutes(10), DEFAULT_CALENDAR);
    expect(end.toISOString()).toBe('2026-11-23T00:05:30.000Z');
  });
});

describe('days are the same time of day on the Nth following working day', () => {
  it('skips weekends and holidays', () => {
    expect(due('2026-11-23 10:00', days(1))).toBe('2026-11-24 10:00 WITA');
    expect(due('2026-11-26 10:00', days(2))).toBe('2026-11-30 10:00 WITA');
    expect(due('2026-11-26 10:00', days(2), withHolidays('2026-11-27', '2026-11-30'))).toBe('2026-12-02 10:00 WITA');
    expect(due('2026-11-23 10:00', days(10))).toBe('2026-12-07 10:00 WITA');
  });

  it('moves a start outside working hours to the start of the next working interval first', () => {
    expect(due('2026-11-23 06:00', days(1))).toBe('2026-11-24 08:00 WITA'); // before work: Monday 08:00 is the start
    expect(due('2026-11-23 17:00', days(1))).toBe('2026-11-25 08:00 WITA'); // after work: Tuesday 08:00 is the start
    expect(due('2026-11-21 10:00', days(1))).toBe('2026-11-24 08:00 WITA'); // Saturday: Monday 08:00 is the start
    expect(due('2026-11-23 12:30', days(1), OFFICE)).toBe('2026-11-24 13:00 WITA'); // during the break
    expect(due('2026-11-23 10:00', days(1), withHolidays('2026-11-23'))).toBe('2026-11-25 08:00 WITA'); // on a holiday
  });

  it('counts the end of work as inside working hours', () => {
    expect(due('2026-11-20 16:00', days(1))).toBe('2026-11-23 16:00 WITA');
  });

  it('clamps a time of day the due day does not work to the end of work before it', () => {
    // Friday 16:15 (Friday works to 16:30) + 1 Hari: Monday ends at 16:00.
    expect(due('2026-11-20 16:15', days(1), OFFICE)).toBe('2026-11-23 16:00 WITA');
    // Thursday 11:45 + 1 Hari: Friday's break starts 11:30.
    expect(due('2026-11-26 11:45', days(1), OFFICE)).toBe('2026-11-27 11:30 WITA');
    // Before the due day's first interval: the day's start of work.
    const saturdayMorning = calendar({ workingHours: { ...week([{ start: '07:30', end: '16:00' }]), 6: [{ start: '09:00', end: '12:00' }] } });
    expect(due('2026-11-20 07:30', days(1), saturdayMorning)).toBe('2026-11-21 09:00 WITA');
  });

  it('"1 Hari" is one working day of working minutes from a time inside working hours', () => {
    for (const start of ['2026-11-20 15:00', '2026-11-23 08:00', '2026-11-23 13:37', '2026-11-27 16:00']) {
      expect(workingMinutesBetween(wita(start), addWorkingTime(wita(start), days(1), DEFAULT_CALENDAR), DEFAULT_CALENDAR)).toBe(480);
    }
  });
});

describe('edge cases', () => {
  it('adds nothing for an amount of 0', () => {
    expect(due('2026-11-21 10:00', minutes(0))).toBe('2026-11-21 10:00 WITA');
    expect(due('2026-11-21 10:00', days(0))).toBe('2026-11-21 10:00 WITA');
  });

  it('refuses a negative amount, fractional days and an invalid date', () => {
    expect(() => addWorkingTime(wita('2026-11-20 10:00'), minutes(-1), DEFAULT_CALENDAR)).toThrow(expect.objectContaining({ code: 'calendar.duration' }));
    expect(() => addWorkingTime(wita('2026-11-20 10:00'), days(1.5), DEFAULT_CALENDAR)).toThrow(expect.objectContaining({ code: 'calendar.duration' }));
    expect(() => addWorkingTime(new Date('nope'), days(1), DEFAULT_CALENDAR)).toThrow(expect.objectContaining({ code: 'calendar.invalid-date' }));
  });

  it('ends with calendar.no-working-time on a calendar without working hours', () => {
    const none = calendar({ workingHours: { 1: [], 2: [], 3: [], 4: [], 5: [], 6: [], 7: [] } });
    const code = expect.objectContaining({ code: 'calendar.no-working-time' });
    expect(() => addWorkingTime(wita('2026-11-20 10:00'), minutes(10), none)).toThrow(code);
    expect(() => addWorkingTime(wita('2026-11-20 10:00'), days(1), none)).toThrow(code);
    expect(() => workingMinutesBetween(wita('2026-11-20 10:00'), wita('2026-11-27 10:00'), none)).toThrow(code);
  });

  it('refuses an unknown time zone and malformed hours in a calendar built in code', () => {
    expect(() => addWorkingTime(wita('2026-11-20 10:00'), days(1), calendar({ timeZone: 'Asia/Makasar' }))).toThrow(expect.objectContaining({ code: 'calendar.time-zone' }));
    const bad = calendar({ workingHours: week([{ start: '16:00', end: '08:00' }]) });
    expect(() => addWorkingTime(wita('2026-11-20 10:00'), days(1), bad)).toThrow(expect.objectContaining({ code: 'calendar.hours' }));
  });

  it('treats overlapping intervals of a calendar built in code as one', () => {
    const overlapping = calendar({
      workingHours: week([
        { start: '08:00', end: '12:00' },
        { start: '10:00', end: '16:00' },
      ]),
    });
    expect(workingMinutesBetween(wita('2026-11-23 00:00'), wita('2026-11-24 00:00'), overlapping)).toBe(480);
  });

  it('works in a zone with daylight saving time (Berlin, 29 March 2026 has 23 hours)', () => {
    const allDay = [{ start: '00:00', end: '24:00' }];
    const berlin = calendar({ timeZone: 'Europe/Berlin', workingHours: { 1: allDay, 2: allDay, 3: allDay, 4: allDay, 5: allDay, 6: allDay, 7: allDay } });
    const sat = new Date('2026-03-28T23:00:00Z'); // Sunday 00:00 in Berlin (CET)
    const mon = new Date('2026-03-29T22:00:00Z'); // Monday 00:00 in Berlin (CEST)
    expect(workingMinutesBetween(sat, mon, berlin)).toBe(23 * 60);
    expect(addWorkingTime(sat, minutes(23 * 60), berlin).toISOString()).toBe(mon.toISOString());
    expect(formatLocal(mon, berlin)).toBe('2026-03-30 00:00 UTC+02:00');
  });
});

describe('workingMinutesBetween', () => {
  it('counts only working time', () => {
    expect(workingMinutesBetween(wita('2026-11-20 15:00'), wita('2026-11-23 15:00'), DEFAULT_CALENDAR)).toBe(480);
    expect(workingMinutesBetween(wita('2026-11-21 00:00'), wita('2026-11-22 23:59'), DEFAULT_CALENDAR)).toBe(0);
    expect(workingMinutesBetween(wita('2026-11-23 11:00'), wita('2026-11-23 14:00'), OFFICE)).toBe(120);
    expect(workingMinutesBetween(wita('2026-11-23 00:00'), wita('2026-11-30 00:00'), OFFICE)).toBe(4 * 450 + 450);
    expect(workingMinutesBetween(wita('2026-11-23 00:00'), wita('2026-11-30 00:00'), withHolidays('2026-11-25'))).toBe(4 * 480);
  });

  it('is 0 for the same instant and negative when the end is before the start', () => {
    expect(workingMinutesBetween(wita('2026-11-23 10:00'), wita('2026-11-23 10:00'), DEFAULT_CALENDAR)).toBe(0);
    expect(workingMinutesBetween(wita('2026-11-23 11:00'), wita('2026-11-23 10:00'), DEFAULT_CALENDAR)).toBe(-60);
    expect(Object.is(workingMinutesBetween(wita('2026-11-22 11:00'), wita('2026-11-22 10:00'), DEFAULT_CALENDAR), 0)).toBe(true);
  });

  it('has fractions when the instants have seconds', () => {
    expect(workingMinutesBetween(new Date('2026-11-23T10:00:00+08:00'), new Date('2026-11-23T10:00:30+08:00'), DEFAULT_CALENDAR)).toBe(0.5);
  });

  it('undoes addWorkingTime: between(s, add(s, m minutes)) = m for many s and m', () => {
    // A fixed seed, so a failure can be replayed.
    let seed = 20261120;
    const random = () => {
      seed = (seed * 48_271) % 2_147_483_647;
      return seed / 2_147_483_647;
    };
    const cals = [DEFAULT_CALENDAR, OFFICE, withHolidays('2026-11-23', '2026-12-24', '2026-12-25', '2027-01-01')];
    const from = wita('2026-10-01 00:00').getTime();
    for (let i = 0; i < 600; i++) {
      const cal = cals[i % cals.length]!;
      const s = new Date(from + Math.floor(random() * 120 * 86_400) * 1000); // any second of four months
      const m = 1 + Math.floor(random() * (i % 2 ? 600 : 20_000));
      const end = addWorkingTime(s, minutes(m), cal);
      expect(end.getTime()).toBeGreaterThan(s.getTime());
      expect(workingMinutesBetween(s, end, cal)).toBe(m);
      expect(workingMinutesBetween(end, s, cal)).toBe(-m);
    }
  });

  it('is additive: between(a, c) = between(a, b) + between(b, c)', () => {
    const a = wita('2026-11-18 14:12');
    const b = wita('2026-11-21 09:00');
    const c = wita('2026-12-02 12:31');
    expect(workingMinutesBetween(a, c, OFFICE)).toBe(workingMinutesBetween(a, b, OFFICE) + workingMinutesBetween(b, c, OFFICE));
  });
});

// How long this takes (no minute-by-minute loop) is measured by the benchmark (npm run bench, 6f).
describe('years of working time', () => {
  it('handles five years of working time, in minutes and in days', () => {
    const end = addWorkingTime(wita('2026-01-01 08:00'), minutes(480 * 250 * 5), DEFAULT_CALENDAR);
    expect(workingMinutesBetween(wita('2026-01-01 08:00'), end, DEFAULT_CALENDAR)).toBe(480 * 250 * 5);
    expect(due('2026-01-01 08:00', days(250 * 5))).toBe('2030-10-17 08:00 WITA');
  });
});

describe('formatLocal and isOverdue', () => {
  it('shows the local time with the Indonesian zone names, others as a UTC offset', () => {
    const t = new Date('2026-11-23T07:00:59Z');
    expect(formatLocal(t, DEFAULT_CALENDAR)).toBe('2026-11-23 15:00 WITA');
    expect(formatLocal(t, calendar({ timeZone: 'Asia/Jakarta' }))).toBe('2026-11-23 14:00 WIB');
    expect(formatLocal(t, calendar({ timeZone: 'Asia/Jayapura' }))).toBe('2026-11-23 16:00 WIT');
    expect(formatLocal(t, calendar({ timeZone: 'Europe/Berlin' }))).toBe('2026-11-23 08:00 UTC+01:00');
    expect(formatLocal(t, calendar({ timeZone: 'America/St_Johns' }))).toBe('2026-11-23 03:30 UTC-03:30');
    expect(formatLocal(t, calendar({ timeZone: 'UTC' }))).toBe('2026-11-23 07:00 UTC+00:00');
  });

  it('crosses midnight into the local date', () => {
    expect(formatLocal(new Date('2026-11-22T16:30:00Z'), DEFAULT_CALENDAR)).toBe('2026-11-23 00:30 WITA');
  });

  it('is overdue only after the due time', () => {
    const d = wita('2026-11-23 15:00');
    expect(isOverdue(d, wita('2026-11-23 14:59'))).toBe(false);
    expect(isOverdue(d, d)).toBe(false);
    expect(isOverdue(d, new Date(d.getTime() + 1))).toBe(true);
  });
});

describe('DEFAULT_CALENDAR', () => {
  it('is Asia/Makassar, Monday-Friday 08:00-16:00, no holidays', () => {
    expect(DEFAULT_CALENDAR.timeZone).toBe('Asia/Makassar');
    for (const wd of [1, 2, 3, 4, 5] as const) expect(DEFAULT_CALENDAR.workingHours[wd]).toEqual([{ start: '08:00', end: '16:00' }]);
    expect(DEFAULT_CALENDAR.workingHours[6]).toEqual([]);
    expect(DEFAULT_CALENDAR.workingHours[7]).toEqual([]);
    expect(DEFAULT_CALENDAR.holidays.size).toBe(0);
  });
});
