import type { Command } from 'commander';
import type { Io } from '../io.js';
import { printJson } from '../io.js';
import { globalOptions, setExitCode, EXIT_REFUSED } from '../program.js';
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { checkSopFile, displayPath, expandSopPaths } from '../../engine/definition/load.js';
import { checkCalendarFile, CALENDAR_FILES } from '../../engine/calendar/load-calendar.js';
import { formatProblem } from '../../engine/errors.js';
import { relatedSopsIn } from '../../engine/definition/related-lookup.js';
import type { RelatedLookup } from '../../engine/index.js';

const isCalendarFile = (p: string) => (CALENDAR_FILES as readonly string[]).includes(basename(p));
import type { Problem } from '../../engine/index.js';

export function registerValidate(program: Command, io: Io): void {
  program
    .command('validate')
    .description('check SOP files against the schema and the rules of the language')
    .argument('[paths...]', 'SOP files or folders (default: the SOP folder)')
    .option('--json', 'print the result as JSON')
    .option('--strict', 'fail on warnings too')
    .addHelpText(
      'after',
      `
Every problem is printed as "file:line:col CODE message". Lint findings
(lint.*) are warnings: they fail the run only with --strict. Exit 0 when
every file is valid, 1 when any is not, 2 on a usage error.

JSON shape: {"valid": bool, "errors": n, "warnings": n,
  "files": [{"file", "id", "valid", "problems": [{"file","line","col","code","severity","message","path"}]}]}`,
    )
    .action((paths: string[], opts: { json?: boolean; strict?: boolean }, cmd: Command) => {
      const targets = paths.length ? paths : [globalOptions(cmd).sops];
      const expanded = expandSopPaths(targets.filter((t) => !isCalendarFile(t)));
      // The office calendar lives beside the SOPs; a folder's calendar is checked with it.
      const calendars = [
        ...targets.filter(isCalendarFile),
        ...targets.flatMap((t) => CALENDAR_FILES.map((name) => join(t, name)).filter((f) => existsSync(f))),
      ];
      // One lookup of keterkaitan per folder, shared by its files: each file is read at most once more.
      const lookups = new Map<string, RelatedLookup>();
      const relatedOf = (f: string): RelatedLookup => {
        const dir = resolve(dirname(f));
        if (!lookups.has(dir)) lookups.set(dir, relatedSopsIn(dir));
        return lookups.get(dir)!;
      };
      const results = [...expanded.files.map((f) => checkSopFile(f, undefined, relatedOf(f))), ...calendars.map((f) => ({ file: displayPath(f), ...checkCalendarFile(f), definition: undefined, calendar: true }))];
      const fails = (p: Problem) => p.severity === 'error' || opts.strict === true;
      const files = [
        ...expanded.problems.map((p) => ({ file: p.file, id: null, valid: false, problems: [p] })),
        ...results.map((r) => ({
          file: r.file,
          id: r.definition?.id ?? null,
          valid: ('calendar' in r ? r.problems.every((p) => p.severity !== 'error') : r.definition !== undefined) && !r.problems.some(fails),
          problems: r.problems,
        })),
      ];
      const all = files.flatMap((f) => f.problems);
      const errors = all.filter((p) => p.severity === 'error').length;
      const warnings = all.length - errors;
      const valid = files.every((f) => f.valid);
      if (opts.json) {
        printJson(io, { valid, errors, warnings, files });
      } else {
        for (const p of all) io.out(formatProblem(p) + '\n');
        const invalid = files.filter((f) => !f.valid).length;
        const summary = `${files.length} file(s) checked: ${files.length - invalid} valid, ${invalid} invalid; ${errors} error(s), ${warnings} warning(s)`;
        io.out((valid ? 'ok: ' : 'FAILED: ') + summary + '\n');
      }
      if (!valid) setExitCode(cmd, EXIT_REFUSED);
    });
}
