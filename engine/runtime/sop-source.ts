/**
 * Where an engine's SOP definitions and office calendar come from: a folder
 * of YAML files (the office's `sops/`), or YAML held in memory by a program
 * that embeds the engine. Either way every definition goes through the same
 * checks (schema, semantics) before anything runs on it.
 */
import { SopError } from '../errors.js';
import type { OfficeCalendar } from '../calendar/calendar.js';
import { DEFAULT_CALENDAR } from '../calendar/calendar.js';
import { checkCalendarSource } from '../calendar/load-calendar.js';
import type { SopDefinition } from '../definition/types.js';
import { assertSopDir, checkSopFile, checkSopSource, expandSopPaths, loadSop, type CheckedFile } from '../definition/load.js';
import { relatedSopsIn, relatedSopsOf } from '../definition/related-lookup.js';
import { displayPath } from '../definition/display-path.js';
import { sopFileIn } from '../definition/sop-files.js';
import { definitionHash } from '../store/definitions.js';
import { printable } from '../text.js';
import { cachedCalendar, currentDefinition, sopFileState, type SopFileState, type SourceIo } from './sources.js';

export type { SopFileState, SourceIo };

export interface SopSource {
  /** Where the definitions come from, for messages: the folder as given, or "memory". */
  readonly name: string;
  /** The folder, when they come from one. */
  readonly folder: string | undefined;
  /**
   * The definition of SOP `id` as the source holds it now: SopError
   * `sop.not-found` or `sop.invalid` (with its problems) otherwise.
   * `stored` is its hash when the store keeps it already (found through the
   * source cache, without parsing); `storedDefinition` reads one by hash.
   */
  current(id: string, io: SourceIo, storedDefinition?: (hash: string) => SopDefinition | undefined): { definition: SopDefinition; stored?: string };
  /** Whether the source now holds the definition `hash` of `id`, another revision, an invalid one, or none. */
  state(id: string, hash: string, io: SourceIo): SopFileState;
  /** Whether the source holds SOP `id` (valid or not); SopError `sops.unreadable` when a folder cannot be read. */
  has(id: string): boolean;
  /** The definition of SOP `id`, read and checked now, without the store (for tools: show, graph, paths, render). */
  load(id: string): SopDefinition;
  /** The office calendar (the documented default when the source has none). */
  calendar(io: SourceIo): OfficeCalendar;
  /** Every SOP of the source checked, valid or not, with its problems, in id order. */
  checkAll(): CheckedFile[];
}

/** The SOP files of a folder (`sops/` by default) and its calendar.yaml. */
export function sopsFromFolder(folder: string): SopSource {
  return {
    name: displayPath(folder),
    folder,
    current: (id, io, stored) => currentDefinition(io, folder, id, stored),
    load: (id) => loadSop(folder, id),
    has: (id) => {
      assertSopDir(folder);
      return sopFileIn(folder, id) !== undefined;
    },
    state: (id, hash, io) => sopFileState(io, folder, id, hash),
    calendar: (io) => cachedCalendar(io, folder),
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
  const load = (id: string): SopDefinition => {
    const found = all().get(id);
    if (!found) throw new SopError('sop.not-found', `no SOP "${printable(id)}" in memory`, { data: { sop: id, source: 'memory', known: [...all().keys()] } });
    if (!found.definition) throw new SopError('sop.invalid', `${found.file} is not a valid SOP`, { problems: found.problems, data: { sop: id, file: found.file } });
    return found.definition;
  };
  let calendar: OfficeCalendar | undefined;
  return {
    name: 'memory',
    folder: undefined,
    current: (id) => ({ definition: load(id) }),
    load,
    has: (id) => Object.hasOwn(files, id),
    state: (id, hash) => {
      const def = all().get(id)?.definition;
      if (!all().has(id)) return { state: 'missing' };
      if (!def) return { state: 'invalid', file: `${id}.yaml` };
      const now = definitionHash(def);
      return now === hash ? { state: 'same' } : { state: 'other', revision: def.revision, hash: now };
    },
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
