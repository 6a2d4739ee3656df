/**
 * Publishing what a maintainer sends as text (the server's `POST
 * /api/v1/publish`, the CLI in client mode): an SOP file's YAML, or the
 * office calendar's, checked exactly as `validate` checks a file, then
 * published as from the SOP folder (publish.ts).
 */
import { SopError } from '../errors.js';
import type { OfficeCalendar } from '../calendar/calendar.js';
import { checkCalendarSource } from '../calendar/load-calendar.js';
import { checkSopSource } from '../definition/load.js';
import type { SopDefinition } from '../definition/types.js';
import { assertNewSopId } from '../tooling/skeleton.js';
import type { Context } from './context.js';

/** The longest SOP or calendar text taken: far more than any real SOP. */
export const MAX_SOP_TEXT = 1024 * 1024;

/**
 * The definition in `yaml`, as the file `<id>.yaml` holding it: an SOP it
 * names as related must be published already or be in the server's SOP
 * folder. SopError `sop.invalid` with its problems otherwise.
 */
export function sopFromText(ctx: Context, id: string, yaml: string): SopDefinition {
  assertNewSopId(id);
  tooLong(yaml, `${id}.yaml`);
  const known = (other: string): boolean => {
    if (other === id || ctx.store.publishedSops(other).length > 0) return true;
    try {
      return ctx.sops.has(other);
    } catch {
      // The server may have no SOP folder: then only what is published counts.
      return false;
    }
  };
  const checked = checkSopSource(`${id}.yaml`, yaml, known);
  if (!checked.definition) {
    throw new SopError('sop.invalid', `${id}.yaml is not a valid SOP`, { problems: checked.problems.filter((p) => p.severity === 'error'), data: { sop: id, file: `${id}.yaml` } });
  }
  return checked.definition;
}

/** The office calendar in `yaml` (calendar.yaml's text), checked. */
export function calendarFromText(yaml: string): OfficeCalendar {
  tooLong(yaml, 'calendar.yaml');
  const result = checkCalendarSource('calendar.yaml', yaml);
  if (!result.calendar) throw new SopError('calendar.invalid', 'calendar.yaml is not a valid office calendar', { problems: result.problems, data: { file: 'calendar.yaml' } });
  return result.calendar;
}

function tooLong(text: string, file: string): void {
  if (typeof text !== 'string' || text.length > MAX_SOP_TEXT) {
    throw new SopError('sop.invalid', `${file} is longer than ${MAX_SOP_TEXT} characters`, { data: { file, max: MAX_SOP_TEXT } });
  }
}
