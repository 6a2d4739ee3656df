import type { Command } from 'commander';
import type { Io } from '../io.js';
import { printJson } from '../io.js';
import { withEngine } from '../engine.js';
import { requestIdOf, REQUEST_ID_HELP } from '../options.js';

export function registerCancel(program: Command, io: Io): void {
  program
    .command('cancel')
    .description('cancel an active instance (its starter or an administrator), with a reason on record')
    .argument('<instance>', 'instance id')
    .requiredOption('--reason <text>', 'why it is cancelled')
    .option('--json', 'print {"id", "status"}')
    .option('--request-id <id>', REQUEST_ID_HELP)
    .action(async (id: string, opts: { reason: string; json?: boolean }, cmd: Command) => {
      const inst = await withEngine(cmd, (engine) => engine.instances.cancel(id, { reason: opts.reason, ...requestIdOf(cmd) }));
      if (opts.json) printJson(io, { id: inst.id, status: inst.status });
      else io.out(`cancelled ${inst.id}\n`);
    });
}
