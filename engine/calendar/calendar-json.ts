/**
 * An office calendar as plain JSON, the form the store keeps a published
 * calendar in (content-addressed, like definitions): holidays as a list of
 * [date, name] pairs in date order.
 */
import type { IsoWeekday, OfficeCalendar, WorkingInterval } from './calendar.js';

export interface CalendarJson {
  timeZone: string;
  workingHours: Record<string, WorkingInterval[]>;
  holidays: [string, string][];
}

export function calendarToJson(c: OfficeCalendar): CalendarJson {
  return {
    timeZone: c.timeZone,
    workingHours: Object.fromEntries(Object.entries(c.workingHours).map(([d, spans]) => [d, spans.map((s) => ({ start: s.start, end: s.end }))])),
    holidays: [...c.holidays].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)),
  };
}

export function calendarFromJson(json: CalendarJson): OfficeCalendar {
  return { timeZone: json.timeZone, workingHours: json.workingHours as unknown as Record<IsoWeekday, WorkingInterval[]>, holidays: new Map(json.holidays) };
}
