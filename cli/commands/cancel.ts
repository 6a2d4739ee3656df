import type { Command } from 'commander';
import type { Io } from '../io.js';
import { printJson } from '../io.js';
import { withSession } from '../session.js';
import { cancelInstance } from '../../engine/runtime/cancel.js';

export function registerCancel(program: Command, io: Io): void {
  program
    .command('cancel')
    .description('cancel an active instance (its starter or an administrator), with a reason on record')
    .argument('<instance>', 'instance id')
    .requiredOption('--reason <text>', 'why it is cancelled')
    .option('--json', 'print {"id", "status"}')
    .action((id: string, opts: { reason: string; json?: boolean }, cmd: Command) => {
      const inst = withSession(cmd, (s) => cancelInstance(s, id, opts.reason));
      if (opts.json) printJson(io, { id: inst.id, status: inst.status });
      else io.out(`cancelled ${inst.id}\n`);
    });
}
