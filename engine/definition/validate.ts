/**
 * `validate`: SOP files and office calendars checked against the schema and
 * the rules of the language, each file with its problems, and the verdict.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Problem } from '../errors.js';
import { CALENDAR_FILES, checkCalendarFile } from '../calendar/load-calendar.js';
import { checkSopFile, displayPath, expandSopPaths, type CheckedFile } from './load.js';
import { relatedSopsIn } from './related-lookup.js';
import type { RelatedLookup } from './lint.js';

export interface ValidatedFile {
  file: string;
  /** The SOP id, when the file is a valid SOP. */
  id: string | null;
  valid: boolean;
  problems: Problem[];
}

export interface Validation {
  valid: boolean;
  errors: number;
  warnings: number;
  files: ValidatedFile[];
}

const isCalendarFile = (p: string): boolean => (CALENDAR_FILES as readonly string[]).includes(basename(p));

/**
 * Checks files and folders (a folder's *.yaml, and its calendar.yaml). Lint
 * findings are warnings: they fail a file only with `strict`.
 */
export function validatePaths(targets: readonly string[], options: { strict?: boolean } = {}): Validation {
  const expanded = expandSopPaths(targets.filter((t) => !isCalendarFile(t)));
  // The office calendar lives beside the SOPs; a folder's calendar is checked with it.
  const calendars = [...targets.filter(isCalendarFile), ...targets.flatMap((t) => CALENDAR_FILES.map((name) => join(t, name)).filter((f) => existsSync(f)))];
  // One lookup of keterkaitan per folder, shared by its files: each file is read at most once more.
  const lookups = new Map<string, RelatedLookup>();
  const relatedOf = (f: string): RelatedLookup => {
    const dir = resolve(dirname(f));
    let lookup = lookups.get(dir);
    if (!lookup) {
      lookup = relatedSopsIn(dir);
      lookups.set(dir, lookup);
    }
    return lookup;
  };
  const fails = failing(options);
  const files: ValidatedFile[] = [
    ...expanded.problems.map((p) => ({ file: p.file, id: null, valid: false, problems: [p] })),
    ...expanded.files.map((f) => validated(checkSopFile(f, undefined, relatedOf(f)), fails)),
    ...calendars.map((f) => {
      const problems = checkCalendarFile(f).problems;
      return { file: displayPath(f), id: null, valid: problems.every((p) => p.severity !== 'error') && !problems.some(fails), problems };
    }),
  ];
  return summary(files);
}

/** The verdict on SOPs already checked (held in memory). */
export function validationOf(checked: readonly CheckedFile[], options: { strict?: boolean } = {}): Validation {
  return summary(checked.map((c) => validated(c, failing(options))));
}

function failing(options: { strict?: boolean }): (p: Problem) => boolean {
  return (p) => p.severity === 'error' || options.strict === true;
}

function validated(c: CheckedFile, fails: (p: Problem) => boolean): ValidatedFile {
  return { file: c.file, id: c.definition?.id ?? null, valid: c.definition !== undefined && !c.problems.some(fails), problems: c.problems };
}

function summary(files: ValidatedFile[]): Validation {
  const all = files.flatMap((f) => f.problems);
  const errors = all.filter((p) => p.severity === 'error').length;
  return { valid: files.every((f) => f.valid), errors, warnings: all.length - errors, files };
}
