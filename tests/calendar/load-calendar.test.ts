/**
 * The calendar file: calendar.yaml in the SOP folder. Each fault is reported
 * with its code at the line:col of the fault; no file means the default.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CALENDAR } from '../../engine/calendar/calendar.js';
import { checkCalendarFile, checkCalendarSource, loadCalendar } from '../../engine/calendar/load-calendar.js';
import { addWorkingTime, formatLocal } from '../../engine/calendar/working-time.js';
import type { Problem } from '../../engine/errors.js';

const sopsDir = fileURLToPath(new URL('../../sops/', import.meta.url));
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
function tempDir(files: Record<string, string | Buffer> = {}): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'sop-calendar-'));
  dirs.push(d);
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(d, name), content);
  return d;
}

const brief = (p: Problem) => ({ code: p.code, line: p.line, col: p.col });
const check = (source: string) => checkCalendarSource('calendar.yaml', source);

const VALID = `# Kalender kerja kantor
timeZone: Asia/Makassar
workingHours:
  monday: ["07:30-12:00", "13:00-16:00"]
  friday: ["7.30-11.30", 13:00 - 16:30]
  saturday: []
holidays:
  - { date: 2026-12-25, name: Hari Raya Natal }
`;

describe('a valid calendar file', () => {
  it('reads hours (normalized to HH:MM), days left out as no work, and holidays', () => {
    const { calendar, problems } = check(VALID);
    expect(problems).toEqual([]);
    expect(calendar?.timeZone).toBe('Asia/Makassar');
    expect(calendar?.workingHours[1]).toEqual([
      { start: '07:30', end: '12:00' },
      { start: '13:00', end: '16:00' },
    ]);
    expect(calendar?.workingHours[5]).toEqual([
      { start: '07:30', end: '11:30' },
      { start: '13:00', end: '16:30' },
    ]);
    expect(calendar?.workingHours[2]).toEqual([]);
    expect(calendar?.workingHours[6]).toEqual([]);
    expect([...(calendar?.holidays ?? [])]).toEqual([['2026-12-25', 'Hari Raya Natal']]);
  });

  it('needs no holidays and takes the canonical name of the zone', () => {
    const { calendar, problems } = check('timeZone: asia/makassar\nworkingHours:\n  monday: ["08:00-16:00"]\n');
    expect(problems).toEqual([]);
    expect(calendar?.timeZone).toBe('Asia/Makassar');
    expect(calendar?.holidays.size).toBe(0);
  });

  it('allows work until midnight', () => {
    const { problems } = check('timeZone: UTC\nworkingHours:\n  sunday: ["00:00-24:00"]\n');
    expect(problems).toEqual([]);
  });
});

interface Case {
  name: string;
  source: string;
  problems: { code: string; line: number; col: number }[];
  message?: RegExp;
}

const hours = (monday: string) => `timeZone: Asia/Makassar\nworkingHours:\n  monday: ${monday}\n`;
const holidays = (items: string) => `timeZone: Asia/Makassar\nworkingHours:\n  monday: ["08:00-16:00"]\nholidays:\n${items}`;

const cases: Case[] = [
  { name: 'root is not a mapping', source: '- 08:00-16:00\n', problems: [{ code: 'calendar.type', line: 1, col: 1 }] },
  {
    name: 'unknown root key, and the key it misspells is then missing',
    source: 'timezone: Asia/Makassar\nworkingHours:\n  monday: ["08:00-16:00"]\n',
    problems: [
      { code: 'calendar.unknown-property', line: 1, col: 1 },
      { code: 'calendar.required', line: 1, col: 1 },
    ],
    message: /did you mean "timeZone"/,
  },
  { name: 'missing workingHours', source: '# kalender\ntimeZone: Asia/Makassar\n', problems: [{ code: 'calendar.required', line: 2, col: 1 }], message: /workingHours/ },
  {
    name: 'unknown time zone',
    source: 'timeZone: Asia/Makasar\nworkingHours:\n  monday: ["08:00-16:00"]\n',
    problems: [{ code: 'calendar.time-zone', line: 1, col: 11 }],
    message: /did you mean "Asia\/Makassar"/,
  },
  { name: 'time zone abbreviation', source: 'timeZone: WITA\nworkingHours:\n  monday: ["08:00-16:00"]\n', problems: [{ code: 'calendar.time-zone', line: 1, col: 11 }] },
  { name: 'time zone not text', source: 'timeZone: 8\nworkingHours:\n  monday: ["08:00-16:00"]\n', problems: [{ code: 'calendar.type', line: 1, col: 11 }] },
  { name: 'workingHours not a mapping', source: 'timeZone: Asia/Makassar\nworkingHours: 08:00-16:00\n', problems: [{ code: 'calendar.type', line: 2, col: 15 }] },
  {
    name: 'misspelled weekday',
    source: 'timeZone: Asia/Makassar\nworkingHours:\n  mondy: ["08:00-16:00"]\n  tuesday: ["08:00-16:00"]\n',
    problems: [{ code: 'calendar.unknown-property', line: 3, col: 3 }],
    message: /did you mean "monday"/,
  },
  {
    name: 'Indonesian weekday name',
    source: 'timeZone: Asia/Makassar\nworkingHours:\n  senin: ["08:00-16:00"]\n  tuesday: ["08:00-16:00"]\n',
    problems: [{ code: 'calendar.unknown-property', line: 3, col: 3 }],
    message: /did you mean "monday"/,
  },
  {
    name: 'unknown weekday',
    source: 'timeZone: Asia/Makassar\nworkingHours:\n  holiday: []\n  tuesday: ["08:00-16:00"]\n',
    problems: [{ code: 'calendar.unknown-property', line: 3, col: 3 }],
    message: /known: monday, tuesday/,
  },
  { name: 'hours not a list', source: hours('"08:00-16:00"'), problems: [{ code: 'calendar.type', line: 3, col: 11 }] },
  { name: 'hours as a mapping', source: hours('[{ start: "08:00", end: "16:00" }]'), problems: [{ code: 'calendar.type', line: 3, col: 12 }], message: /not a mapping/ },
  { name: 'hour 25', source: hours('["08:00-25:00"]'), problems: [{ code: 'calendar.hours', line: 3, col: 12 }], message: /HH:MM-HH:MM/ },
  { name: 'minute 60', source: hours('["08:60-16:00"]'), problems: [{ code: 'calendar.hours', line: 3, col: 12 }] },
  { name: 'one time only', source: hours('["08:00"]'), problems: [{ code: 'calendar.hours', line: 3, col: 12 }] },
  { name: 'end before start', source: hours('["16:00-08:00"]'), problems: [{ code: 'calendar.hours', line: 3, col: 12 }], message: /ends before it starts/ },
  { name: 'empty interval', source: hours('["08:00-08:00"]'), problems: [{ code: 'calendar.hours', line: 3, col: 12 }] },
  { name: 'overlap', source: hours('["08:00-12:00", "11:00-16:00"]'), problems: [{ code: 'calendar.hours', line: 3, col: 27 }], message: /overlap/ },
  { name: 'out of order', source: hours('["13:00-16:00", "08:00-12:00"]'), problems: [{ code: 'calendar.hours', line: 3, col: 27 }] },
  { name: 'no working time at all', source: 'timeZone: Asia/Makassar\nworkingHours:\n  monday: []\n  sunday: []\n', problems: [{ code: 'calendar.no-working-time', line: 3, col: 3 }] },
  { name: 'holidays not a list', source: holidays('  2026-12-25: Natal\n'), problems: [{ code: 'calendar.type', line: 5, col: 3 }] },
  { name: 'holiday not a mapping', source: holidays('  - 2026-12-25\n'), problems: [{ code: 'calendar.type', line: 5, col: 5 }] },
  { name: 'no such date', source: holidays('  - { date: 2026-02-30, name: Libur }\n'), problems: [{ code: 'calendar.holiday', line: 5, col: 13 }], message: /not a date/ },
  { name: 'day-month-year date', source: holidays('  - { date: 25-12-2026, name: Natal }\n'), problems: [{ code: 'calendar.holiday', line: 5, col: 13 }] },
  { name: 'date as a number', source: holidays('  - { date: 20261225, name: Natal }\n'), problems: [{ code: 'calendar.holiday', line: 5, col: 13 }] },
  {
    name: 'the same date twice',
    source: holidays('  - { date: 2026-12-25, name: Natal }\n  - date: 2026-12-25\n    name: Hari Raya Natal\n'),
    problems: [{ code: 'calendar.holiday', line: 6, col: 11 }],
    message: /listed twice/,
  },
  { name: 'holiday without name', source: holidays('  - { date: 2026-12-25 }\n'), problems: [{ code: 'calendar.required', line: 5, col: 5 }] },
  { name: 'holiday with empty name', source: holidays('  - { date: 2026-12-25, name: "" }\n'), problems: [{ code: 'calendar.type', line: 5, col: 31 }] },
  { name: 'holiday without date', source: holidays('  - name: Natal\n'), problems: [{ code: 'calendar.required', line: 5, col: 5 }] },
  {
    name: 'unknown holiday key',
    source: holidays('  - date: 2026-12-25\n    nama: Natal\n'),
    problems: [
      { code: 'calendar.required', line: 5, col: 5 },
      { code: 'calendar.unknown-property', line: 6, col: 5 },
    ],
    message: /did you mean "name"/,
  },
  { name: 'YAML syntax error', source: 'timeZone: Asia/Makassar\nworkingHours:\n  monday: ["08:00-16:00"\n', problems: [{ code: 'yaml.syntax', line: 4, col: 1 }] },
  { name: 'duplicate key', source: 'timeZone: Asia/Makassar\ntimeZone: UTC\nworkingHours:\n  monday: ["08:00-16:00"]\n', problems: [{ code: 'yaml.duplicate-key', line: 2, col: 1 }] },
];

describe('calendar file problems, each with its code at the fault', () => {
  it.each(cases)('$name', ({ source, problems, message }) => {
    const result = check(source);
    expect(result.calendar).toBeUndefined();
    expect(result.problems.map(brief)).toEqual(problems);
    for (const p of result.problems) {
      expect(p.file).toBe('calendar.yaml');
      expect(p.severity).toBe('error');
    }
    if (message) expect(result.problems.map((p) => p.message).join('\n')).toMatch(message);
  });

  it('gives the path of the fault', () => {
    const { problems } = check(holidays('  - { date: 2026-12-25, name: Natal }\n  - { date: 2026-13-01, name: Libur }\n'));
    expect(problems.map((p) => p.path)).toEqual(['holidays[1].date']);
    expect(check(hours('["08:00-12:00", "x"]')).problems.map((p) => p.path)).toEqual(['workingHours.monday[1]']);
  });

  it('reports every problem of the file at once, in the order of the file', () => {
    const source = 'timeZone: Mars/Base\nworkingHours:\n  monday: ["8-16"]\nholidays:\n  - { date: 2026-02-30, name: Libur }\n';
    expect(check(source).problems.map(brief)).toEqual([
      { code: 'calendar.time-zone', line: 1, col: 11 },
      { code: 'calendar.hours', line: 3, col: 12 },
      { code: 'calendar.holiday', line: 5, col: 13 },
    ]);
  });
});

describe('the calendar file on disk', () => {
  it('is the default calendar when the SOP folder has none', () => {
    expect(loadCalendar(tempDir())).toBe(DEFAULT_CALENDAR);
  });

  it('reads calendar.yaml, or calendar.yml, of the SOP folder', () => {
    expect(loadCalendar(tempDir({ 'calendar.yaml': VALID })).holidays.get('2026-12-25')).toBe('Hari Raya Natal');
    expect(loadCalendar(tempDir({ 'calendar.yml': VALID })).workingHours[1]).toHaveLength(2);
  });

  it('refuses a folder with both calendar.yaml and calendar.yml', () => {
    const dir = tempDir({ 'calendar.yaml': VALID, 'calendar.yml': VALID });
    expect(() => loadCalendar(dir)).toThrow(expect.objectContaining({ code: 'calendar.ambiguous' }));
  });

  it('refuses an invalid file with its located problems', () => {
    const dir = tempDir({ 'calendar.yaml': 'timeZone: Asia/Makasar\nworkingHours:\n  monday: ["08:00-16:00"]\n' });
    let error: unknown;
    try {
      loadCalendar(dir);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'calendar.invalid' });
    const problems = (error as { problems: Problem[] }).problems;
    expect(problems.map(brief)).toEqual([{ code: 'calendar.time-zone', line: 1, col: 11 }]);
    expect(problems[0]!.file).toMatch(/calendar\.yaml$/);
  });

  it('reports unreadable, binary and non-UTF-8 files without throwing', () => {
    const dir = tempDir({ 'bin.yaml': Buffer.from([0x74, 0x00, 0x7a]), 'latin1.yaml': Buffer.from([0x74, 0x3a, 0x20, 0xe9, 0x0a]) });
    expect(checkCalendarFile(path.join(dir, 'missing.yaml')).problems.map((p) => p.code)).toEqual(['file.not-found']);
    expect(checkCalendarFile(dir).problems.map((p) => p.code)).toEqual(['file.unreadable']);
    expect(checkCalendarFile(path.join(dir, 'bin.yaml')).problems.map((p) => p.code)).toEqual(['file.binary']);
    expect(checkCalendarFile(path.join(dir, 'latin1.yaml')).problems.map((p) => p.code)).toEqual(['file.encoding']);
  });

  it('reads a file with a byte order mark', () => {
    const dir = tempDir({ 'calendar.yaml': `\uFEFF${VALID}` });
    expect(checkCalendarFile(path.join(dir, 'calendar.yaml')).problems).toEqual([]);
  });
});

describe('sops/calendar.yaml, the real office calendar', () => {
  const cal = loadCalendar(sopsDir);

  it('is valid: WITA, five working days with breaks, the 2026 national holidays', () => {
    expect(cal).not.toBe(DEFAULT_CALENDAR);
    expect(cal.timeZone).toBe('Asia/Makassar');
    expect(cal.workingHours[6]).toEqual([]);
    expect(cal.workingHours[7]).toEqual([]);
    for (const wd of [1, 2, 3, 4, 5] as const) expect(cal.workingHours[wd].length).toBeGreaterThan(0);
    for (const date of ['2026-01-01', '2026-05-01', '2026-06-01', '2026-08-17', '2026-12-25']) expect(cal.holidays.has(date)).toBe(true);
  });

  it('gives the Friday due times of the brief', () => {
    const friday = (hhmm: string) => new Date(`2026-11-20T${hhmm}:00+08:00`);
    expect(formatLocal(addWorkingTime(friday('15:00'), { amount: 1, unit: 'day' }, cal), cal)).toBe('2026-11-23 15:00 WITA');
    // The office works to 16:30 on Friday and starts at 07:30.
    expect(formatLocal(addWorkingTime(friday('16:25'), { amount: 10, unit: 'minute' }, cal), cal)).toBe('2026-11-23 07:35 WITA');
  });

  it('skips the Independence Day holiday (Monday 17 August 2026)', () => {
    const friday = new Date('2026-08-14T10:00:00+08:00');
    expect(formatLocal(addWorkingTime(friday, { amount: 1, unit: 'day' }, cal), cal)).toBe('2026-08-18 10:00 WITA');
  });
});
