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
    .option('--request-id <id>', 'an id for this change (e.g. a UUID): run again with the same id after a timeout or crash, it is applied once and answers as the first run (default: random)')
    .action((id: string, opts: { reason: string; json?: boolean }, cmd: Command) => {
      const inst = withSession(cmd, (s, once) =>
        once({ command: 'cancel', args: { instance: id, reason: opts.reason } }, () => {
          const cancelled = cancelInstance(s, id, opts.reason);
          return { id: cancelled.id, status: cancelled.status };
        }),
      );
      if (opts.json) printJson(io, { id: inst.id, status: inst.status });
      else io.out(`cancelled ${inst.id}\n`);
    });
}
