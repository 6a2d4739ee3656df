/**
 * What the files of the SOP folder hold, for the hot commands, through the
 * store's source cache: a file is known by its path and stat(), and only a
 * file never seen in this state is parsed and checked, so `sop status` and
 * `sop tasks` normally parse no YAML (and never load the YAML library,
 * which parse-yaml.ts loads on first use).
 */
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SopError } from '../errors.js';
import type { IsoWeekday, OfficeCalendar, WorkingInterval } from '../calendar/calendar.js';
import { sopFileIn } from '../definition/sop-files.js';
import { checkSopFile, loadSop } from '../definition/load.js';
import { checksVersion } from '../definition/generated/checks-version.js';
import type { SopDefinition } from '../definition/types.js';
import { CALENDAR_FILES, loadCalendar } from '../calendar/load-calendar.js';
import { canonicalJson } from '../store/canonical-json.js';
import { definitionHash } from '../store/definitions.js';
import type { Store, WriteTx } from '../store/index.js';

/**
 * Where the source cache is read and written: the store, and the changing
 * command's transaction when there is one (a row written there is gone
 * with the command if it is refused).
 */
export interface SourceIo {
  /** Absent for the tools that read SOP files without a store (paths, graph): then nothing is cached. */
  store?: Store | undefined;
  tx?: WriteTx | undefined;
}

function cached(io: SourceIo, key: string, kind: 'sop' | 'calendar'): string | undefined {
  return io.store?.cachedSource(key, kind);
}

function remember(io: SourceIo, key: string, kind: 'sop' | 'calendar', result: string): void {
  if (io.tx) io.tx.cacheSource(key, kind, result);
  else io.store?.cacheSource(key, kind, result);
}

/** The office calendar of `sopsDir` (the default without a calendar file), as loadCalendar gives it. */
export function cachedCalendar(io: SourceIo, sopsDir: string): OfficeCalendar {
  const present = CALENDAR_FILES.map((n) => fileKey(join(sopsDir, n))).filter((key) => key !== undefined);
  // No file (the default calendar) or two (an error): loadCalendar says which.
  if (present.length !== 1) return loadCalendar(sopsDir);
  const key = present[0]!;
  const hit = cached(io, key, 'calendar');
  if (hit !== undefined) return fromJson(hit);
  const calendar = loadCalendar(sopsDir);
  remember(io, key, 'calendar', canonicalJson(toJson(calendar)));
  return calendar;
}

export type SopFileState = { state: 'same' } | { state: 'other'; revision: number; hash: string } | { state: 'missing' } | { state: 'invalid'; file: string };

/** Whether the SOP file of `sopId` now holds the definition `hash`, another one, an invalid one, or none. */
export function sopFileState(io: SourceIo, sopsDir: string, sopId: string, hash: string): SopFileState {
  const file = sopFileIn(sopsDir, sopId);
  const key = file === undefined ? undefined : fileKey(file);
  if (file === undefined || key === undefined) return { state: 'missing' };
  const hit = cached(io, key, 'sop');
  if (hit !== undefined) {
    const known = JSON.parse(hit) as { hash: string; revision: number };
    return known.hash === hash ? { state: 'same' } : { state: 'other', ...known };
  }
  const current = checkSopFile(file).definition;
  // An invalid file is not cached: what makes it invalid may lie in another file (a related SOP).
  if (!current) return { state: 'invalid', file };
  const currentHash = definitionHash(current);
  remember(io, key, 'sop', canonicalJson({ hash: currentHash, revision: current.revision }));
  return currentHash === hash ? { state: 'same' } : { state: 'other', revision: current.revision, hash: currentHash };
}

/**
 * A regular file as stat() sees it, and the checks that read it: any write
 * changes its size or its modification time, and a build with other checks
 * has another checksVersion. Undefined when the file is not there.
 */
function fileKey(file: string): string | undefined {
  try {
    const st = statSync(file, { bigint: true });
    if (!st.isFile()) return undefined;
    return `${resolve(file)}\n${st.size}\n${st.mtimeNs}\n${st.ino}\n${checksVersion}`;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new SopError('file.unreadable', `cannot read ${file}: ${code}`, { data: { file, reason: code ?? 'unknown' } });
  }
}

/**
 * The definition the SOP file of `sopId` holds now, as loadSop gives it
 * (SopError when it is missing or invalid); `stored` is its hash when the
 * store keeps it already. A file seen before, whose definition the store
 * keeps, is not parsed again; its related SOPs are looked up again, since
 * their files are the one thing outside it that decides whether it is valid.
 */
export function currentDefinition(
  io: SourceIo,
  sopsDir: string,
  sopId: string,
  stored: (hash: string) => SopDefinition | undefined = (hash) => io.store?.getDefinition(hash),
): { definition: SopDefinition; stored?: string } {
  const file = sopFileIn(sopsDir, sopId);
  const key = file === undefined ? undefined : fileKey(file);
  const hit = key === undefined ? undefined : cached(io, key, 'sop');
  if (hit !== undefined) {
    const hash = (JSON.parse(hit) as { hash: string }).hash;
    const definition = stored(hash);
    if (definition?.related.every((r) => r.sop === undefined || sopFileIn(sopsDir, r.sop) !== undefined)) return { definition, stored: hash };
  }
  const definition = loadSop(sopsDir, sopId);
  if (key !== undefined) remember(io, key, 'sop', canonicalJson({ hash: definitionHash(definition), revision: definition.revision }));
  return { definition };
}

interface CalendarJson {
  timeZone: string;
  workingHours: Record<string, WorkingInterval[]>;
  holidays: [string, string][];
}

function toJson(c: OfficeCalendar): CalendarJson {
  return {
    timeZone: c.timeZone,
    workingHours: Object.fromEntries(Object.entries(c.workingHours).map(([d, spans]) => [d, spans.map((s) => ({ start: s.start, end: s.end }))])),
    holidays: [...c.holidays],
  };
}

function fromJson(text: string): OfficeCalendar {
  const j = JSON.parse(text) as CalendarJson;
  return { timeZone: j.timeZone, workingHours: j.workingHours as unknown as Record<IsoWeekday, WorkingInterval[]>, holidays: new Map(j.holidays) };
}
