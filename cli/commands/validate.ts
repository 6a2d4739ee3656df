import type { Command } from 'commander';
import type { Io } from '../io.js';
import { printJson } from '../io.js';
import { withEngine } from '../engine.js';
import { setExitCode, EXIT_REFUSED } from '../options.js';
import { formatProblem } from '../../engine/index.js';

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
    .action(async (paths: string[], opts: { json?: boolean; strict?: boolean }, cmd: Command) => {
      const result = await withEngine(cmd, (engine) => engine.definitions.validate(paths, { strict: opts.strict === true }), { anonymous: true });
      const { valid, errors, warnings, files } = result;
      if (opts.json) {
        printJson(io, result);
      } else {
        for (const p of files.flatMap((f) => f.problems)) io.out(formatProblem(p) + '\n');
        const invalid = files.filter((f) => !f.valid).length;
        const summary = `${files.length} file(s) checked: ${files.length - invalid} valid, ${invalid} invalid; ${errors} error(s), ${warnings} warning(s)`;
        io.out((valid ? 'ok: ' : 'FAILED: ') + summary + '\n');
      }
      if (!valid) setExitCode(cmd, EXIT_REFUSED);
    });
}
