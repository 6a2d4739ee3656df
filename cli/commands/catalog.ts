import type { Command } from 'commander';
import type { Io } from '../io.js';
import { printJson } from '../io.js';
import { globalOptions, setExitCode, EXIT_REFUSED } from '../program.js';
import { addDurations, formatTotal } from '../../engine/definition/duration.js';
import { assertSopDir, checkSopFile, expandSopPaths } from '../../engine/definition/load.js';
import { labelled } from '../render/wrap.js';

export function registerCatalog(program: Command, io: Io): void {
  program
    .command('catalog')
    .alias('sops')
    .description('list the SOPs in the SOP folder: id, nomor, nama, steps, actors, total time standard')
    .option('--json', 'print the list as JSON')
    .addHelpText(
      'after',
      `
The total time standard adds up every row of the procedure table; working
days and minutes are kept apart (a day is a working day of the calendar).
An invalid file is named on stderr and makes the exit code 1.

JSON shape: {"sops": [{"id","file","number","name","revision","steps",
  "actors": [{"id","name","kind"}], "totalTime": {"days","minutes","text"}}],
  "invalid": [{"file","errors"}]}`,
    )
    .action((opts: { json?: boolean }, cmd: Command) => {
      const dir = globalOptions(cmd).sops;
      assertSopDir(dir);
      const checked = expandSopPaths([dir]).files.map((f) => checkSopFile(f));
      const sops = checked.flatMap((c) => {
        const d = c.definition;
        if (!d) return [];
        const total = addDurations(d.steps.map((s) => s.time));
        return [
          {
            id: d.id,
            file: c.file,
            number: d.identity.number,
            name: d.identity.name,
            revision: d.revision,
            steps: d.steps.length,
            actors: d.actors.map((a) => ({ id: a.id, name: a.name, kind: a.kind })),
            totalTime: { ...total, text: formatTotal(total) },
          },
        ];
      });
      const invalid = checked
        .filter((c) => !c.definition)
        .map((c) => ({ file: c.file, errors: c.problems.filter((p) => p.severity === 'error').length }));
      if (opts.json) printJson(io, { sops, invalid });
      else {
        if (sops.length === 0) io.out(`no valid SOPs in ${dir}\n`);
        for (const s of sops) {
          io.out(`${s.id}  ${s.number}\n`);
          io.out(labelled('  ', s.name, io.width).join('\n') + '\n');
          io.out(`  ${s.steps} langkah, waktu total ${s.totalTime.text}\n`);
          io.out(labelled('  Pelaksana: ', s.actors.map((a) => a.name).join(', '), io.width).join('\n') + '\n\n');
        }
      }
      for (const f of invalid) io.err(`sop: ${f.file} is not a valid SOP (${f.errors} error(s)); run: sop validate ${f.file}\n`);
      if (invalid.length) setExitCode(cmd, EXIT_REFUSED);
    });
}
