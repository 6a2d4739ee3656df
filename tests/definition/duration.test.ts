/**
 * Time standards (waktu) as the documents write them. Minutes and working
 * days stay apart: a day converts to minutes only through the office calendar.
 */
import { describe, expect, it } from 'vitest';
import { addDurations, formatDuration, formatTotal, isDuration, parseDuration, toIso } from '../../engine/definition/duration.js';
import type { Duration } from '../../engine/definition/duration.js';

const minutes = (amount: number): Duration => ({ amount, unit: 'minute' });
const days = (amount: number): Duration => ({ amount, unit: 'day' });

describe('parseDuration reads the forms the documents use', () => {
  it.each([
    // Indonesian, as printed in the Mutu Baku column.
    ['10 Menit', minutes(10)],
    ['60 Menit', minutes(60)],
    ['1 Hari', days(1)],
    ['2 Hari', days(2)],
    ['10 Menit.', minutes(10)],
    ['5 menit', minutes(5)],
    ['2 Jam', minutes(120)],
    ['1,5 jam', minutes(90)],
    ['  2 Hari  ', days(2)],
    // English.
    ['30 minutes', minutes(30)],
    ['1 hour', minutes(60)],
    ['3 days', days(3)],
    // ISO 8601.
    ['PT10M', minutes(10)],
    ['PT1H30M', minutes(90)],
    ['PT2H', minutes(120)],
    ['P1D', days(1)],
  ])('Given %j, Then it is %o', (text, expected) => {
    expect(parseDuration(text)).toEqual(expected);
  });
});

describe('parseDuration refuses what is not a positive whole duration, with a message', () => {
  it.each([
    ['', /cannot read time standard ""/],
    ['sebentar', /cannot read time standard "sebentar".*"10 Menit"/],
    ['0 Menit', /greater than zero/],
    ['PT0M', /greater than zero/],
    ['P1DT1H', /mixes working days with hours or minutes/],
    ['1,5 Hari', /not a whole number of working days/],
    ['P', /cannot read/],
    ['PT', /cannot read/],
    ['10', /cannot read/],
    ['Menit', /cannot read/],
  ])('Given %j, Then it is an error matching %s', (text, message) => {
    const parsed = parseDuration(text);
    expect(isDuration(parsed)).toBe(false);
    expect((parsed as { error: string }).error).toMatch(message);
  });

  it('Given any text, When parsed, Then it never throws', () => {
    for (const text of ['P999999999999999999999D', '1e9 Menit', '-5 Menit', 'NaN Jam', '∞ Hari', 'x'.repeat(10_000)]) {
      expect(() => parseDuration(text)).not.toThrow();
    }
  });
});

describe('printing a duration', () => {
  it('formatDuration writes the Indonesian form, hours and minutes split', () => {
    expect(formatDuration(minutes(10))).toBe('10 Menit');
    expect(formatDuration(minutes(60))).toBe('1 Jam');
    expect(formatDuration(minutes(90))).toBe('1 Jam 30 Menit');
    expect(formatDuration(days(2))).toBe('2 Hari');
  });

  it('toIso writes minutes as PT..M and working days as P..D', () => {
    expect(toIso(minutes(10))).toBe('PT10M');
    expect(toIso(minutes(90))).toBe('PT90M');
    expect(toIso(days(1))).toBe('P1D');
  });

  it('Given a parsed text, When written as ISO and parsed again, Then it is the same duration', () => {
    for (const text of ['10 Menit', '1,5 jam', '2 Jam', 'P1D', '3 days']) {
      const d = parseDuration(text) as Duration;
      expect(parseDuration(toIso(d))).toEqual(d);
    }
  });
});

describe('adding the time standards of a procedure', () => {
  it('Given minutes, days and steps without a standard, When added, Then days and minutes are summed apart', () => {
    expect(addDurations([minutes(10), null, days(1), minutes(60), days(2)])).toEqual({ days: 3, minutes: 70 });
  });

  it('Given nothing to add, Then the total is zero', () => {
    expect(addDurations([])).toEqual({ days: 0, minutes: 0 });
    expect(addDurations([null, null])).toEqual({ days: 0, minutes: 0 });
  });

  it('formatTotal joins days and minutes with "+", and prints "-" for no time', () => {
    expect(formatTotal({ days: 2, minutes: 70 })).toBe('2 Hari + 1 Jam 10 Menit');
    expect(formatTotal({ days: 3, minutes: 0 })).toBe('3 Hari');
    expect(formatTotal({ days: 0, minutes: 45 })).toBe('45 Menit');
    expect(formatTotal({ days: 0, minutes: 0 })).toBe('-');
  });

  it('Given the times of the valid fixture, Then the total is 1 Hari + 2 Jam 10 Menit', () => {
    const times = ['10 Menit', '1 Hari', '2 Jam'].map((t) => parseDuration(t) as Duration);
    expect(formatTotal(addDurations(times))).toBe('1 Hari + 2 Jam 10 Menit');
  });
});
