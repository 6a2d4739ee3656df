/**
 * Where maintainers write and check SOP definitions and the office
 * calendar before they publish them: a folder of YAML files (the office's
 * `sops/`), or YAML held in memory by a program that embeds the engine.
 * Every definition goes through the same checks (schema, semantics). What
 * runs is never read from here: instances start from what was published
 * into the store (see publish.ts).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SopError } from '../errors.js';
import type { OfficeCalendar } from '../calendar/calendar.js';
import { DEFAULT_CALENDAR } from '../calendar/calendar.js';
import { CALENDAR_FILES, checkCalendarSource, loadCalendar } from '../calendar/load-calendar.js';
import type { SopDefinition } from '../definition/types.js';
import { assertSopDir, checkSopFile, checkSopSource, expandSopPaths, loadSop, type CheckedFile } from '../definition/load.js';
import { displayPath } from '../definition/display-path.js';
import { sopFileIn } from '../definition/sop-files.js';
import { relatedSopsIn, relatedSopsOf } from '../definition/related-lookup.js';
import { printable } from '../text.js';

export interface SopSource {
  /** Where the definitions come from, for messages: the folder as given, or "memory". */
  readonly name: string;
  /** The folder, when they come from one. */
  readonly folder: string | undefined;
  /** Whether the source holds SOP `id` (valid or not); SopError `sops.unreadable` when a folder cannot be read. */
  has(id: string): boolean;
  /** The definition of SOP `id`, read and checked now: SopError `sop.not-found` or `sop.invalid` (with its problems) otherwise. */
  load(id: string): SopDefinition;
  /** Whether the source has an office calendar of its own (calendar.yaml). */
  hasCalendar(): boolean;
  /** Its office calendar, checked (the documented default when it has none). */
  calendar(): OfficeCalendar;
  /** Every SOP of the source checked, valid or not, with its problems, in id order. */
  checkAll(): CheckedFile[];
}

/** The SOP files of a folder (`sops/` by default) and its calendar.yaml. */
export function sopsFromFolder(folder: string): SopSource {
  return {
    name: displayPath(folder),
    folder,
    load: (id) => loadSop(folder, id),
    has: (id) => {
      assertSopDir(folder);
      return sopFileIn(folder, id) !== undefined;
    },
    hasCalendar: () => CALENDAR_FILES.some((name) => existsSync(join(folder, name))),
    calendar: () => loadCalendar(folder),
    checkAll: () => {
      assertSopDir(folder);
      const related = relatedSopsIn(folder);
      return expandSopPaths([folder]).files.map((f) => checkSopFile(f, undefined, related));
    },
  };
}

/**
 * SOPs held in memory: `files` maps each SOP id to its YAML text, as the
 * file `<id>.yaml` would hold it; `calendar` is the text of an office
 * calendar (calendar.yaml). Checked once, when first used.
 *
 * @example
 * const engine = await openEngine({ db: ':memory:', create: true, sops: sopsInMemory({ 'izin-cuti': yamlText }) });
 */
export function sopsInMemory(files: Readonly<Record<string, string>>, options: { calendar?: string } = {}): SopSource {
  let checked: Map<string, CheckedFile> | undefined;
  const all = (): Map<string, CheckedFile> => {
    if (!checked) {
      const ids = Object.keys(files).sort();
      const related = relatedSopsOf((id) => (Object.hasOwn(files, id) ? files[id] : undefined));
      checked = new Map(ids.map((id) => [id, checkSopSource(`${id}.yaml`, files[id]!, (other) => Object.hasOwn(files, other), related)]));
    }
    return checked;
  };
  let calendar: OfficeCalendar | undefined;
  return {
    name: 'memory',
    folder: undefined,
    load: (id) => {
      const found = all().get(id);
      if (!found) throw new SopError('sop.not-found', `no SOP "${printable(id)}" in memory`, { data: { sop: id, source: 'memory', known: [...all().keys()] } });
      if (!found.definition) throw new SopError('sop.invalid', `${found.file} is not a valid SOP`, { problems: found.problems, data: { sop: id, file: found.file } });
      return found.definition;
    },
    has: (id) => Object.hasOwn(files, id),
    hasCalendar: () => options.calendar !== undefined,
    calendar: () => {
      if (options.calendar === undefined) return DEFAULT_CALENDAR;
      if (!calendar) {
        const result = checkCalendarSource('calendar.yaml', options.calendar);
        if (!result.calendar) throw new SopError('calendar.invalid', 'calendar.yaml is not a valid office calendar', { problems: result.problems, data: { file: 'calendar.yaml' } });
        calendar = result.calendar;
      }
      return calendar;
    },
    checkAll: () => [...all().values()],
  };
}
