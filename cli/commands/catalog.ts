import type { Command } from 'commander';
import type { Io } from '../io.js';
import { printJson } from '../io.js';
import { withEngine } from '../engine.js';
import { safe } from '../render/safe.js';
import { setExitCode, EXIT_REFUSED } from '../options.js';
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
This is the SOP folder, where maintainers write and check; what the office
runs is what they published (sop published).

The total time standard adds up every row of the procedure table; working
days and minutes are kept apart (a day is a working day of the calendar).
An invalid file is named on stderr and makes the exit code 1.

JSON shape: {"sops": [{"id","file","number","name","revision","steps",
  "actors": [{"id","name","kind"}], "totalTime": {"days","minutes","text"}}],
  "invalid": [{"file","errors"}]}`,
    )
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const found = await withEngine(cmd, async (engine) => ({ ...(await engine.definitions.catalog()), source: engine.sops }), { anonymous: true });
      // JSON escapes on its own (printJson); the text is shown escaped.
      const { sops, invalid, source } = opts.json ? found : safe(found);
      if (opts.json) printJson(io, { sops, invalid });
      else {
        if (sops.length === 0) io.out(`no valid SOPs in ${source}\n`);
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
