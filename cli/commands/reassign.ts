import type { Command } from 'commander';
import type { Io } from '../io.js';
import { printJson } from '../io.js';
import { withEngine } from '../engine.js';
import { requestIdOf, REQUEST_ID_HELP } from '../options.js';

export function registerReassign(program: Command, io: Io): void {
  program
    .command('reassign')
    .description('bind a person of the case (Pemohon, Pengguna) of an active instance to someone else: they left, or were removed (administrators only)')
    .argument('<instance>', 'instance id')
    .argument('<actor>', 'the actor of the case, e.g. pemohon (sop status shows who is bound)')
    .argument('<user>', 'the person bound to it from now on')
    .requiredOption('--reason <text>', 'why: kept in the history')
    .option('--json', 'print {id, version, assignments} as JSON')
    .option('--request-id <id>', REQUEST_ID_HELP)
    .action(async (id: string, actor: string, user: string, opts: { reason: string; json?: boolean }, cmd: Command) => {
      const r = await withEngine(cmd, (engine) => engine.instances.reassign(id, { actor, to: user, reason: opts.reason, ...requestIdOf(cmd) }));
      if (opts.json) return printJson(io, r);
      io.out(`reassigned ${actor} of ${r.id} to ${user}\n`);
    });
}
