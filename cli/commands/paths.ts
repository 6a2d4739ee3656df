import type { Command } from 'commander';
import type { Io } from '../io.js';
import { printJson } from '../io.js';
import { withEngine } from '../engine.js';
import { renderPaths } from '../render/paths.js';

export function registerPaths(program: Command, io: Io): void {
  program
    .command('paths')
    .description('list every path from the start to each end, with its steps, actors and total time standard')
    .argument('<id>', 'SOP id (the file name without .yaml)')
    .option('--json', 'print the paths as JSON')
    .addHelpText(
      'after',
      `
A loop is walked at most once: each arrow back to an earlier step is taken
at most once per path, and such a path is flagged. Totals keep working days
and minutes apart; shortest and longest compare them with a working day as
the office calendar's average working day (sops/calendar.yaml; 450 minutes
for the seed office). Ties are all marked.

JSON shape: {"sop", "name", "minutesPerDay", "paths": [{"number", "end": {"id","name","outcome"},
  "steps": [{"id","number","activity","actor","actorName","time","timeText","choice","again"}],
  "actors": [{"id","name"}], "total": {"days","minutes","text"}, "workingMinutes",
  "untimedSteps", "loops": [{"from","to","label"}], "shortest", "longest"}]}`,
    )
    .action(async (id: string, opts: { json?: boolean }, cmd: Command) => {
      const result = await withEngine(cmd, (engine) => engine.definitions.paths(id), { anonymous: true });
      if (opts.json) printJson(io, result);
      else io.out(renderPaths(result, io.width).join('\n') + '\n');
    });
}
