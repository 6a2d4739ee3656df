import type { Command } from 'commander';
import type { Io } from '../io.js';
import { printJson } from '../io.js';
import { withEngine } from '../engine.js';
import { formatCheckpoint } from '../../engine/index.js';

export function registerCheckpoint(program: Command, io: Io): void {
  program
    .command('checkpoint')
    .description('print the head of the log (sequence number and hash) for an auditor to keep')
    .option('--json', 'print {seq, hash, at, checkpoint}')
    .addHelpText(
      'after',
      `
Keep the printed line somewhere the database cannot reach (a signed letter,
another machine). Later, \`sop verify --checkpoint <line>\` proves that the
log still extends it: nothing up to it was changed, and its tail was not cut
off.`,
    )
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const head = await withEngine(cmd, (engine) => engine.audit.checkpoint());
      if (opts.json) printJson(io, { seq: head.seq, hash: head.hash, at: head.at ?? null, checkpoint: formatCheckpoint(head) });
      else io.out(`${formatCheckpoint(head)}\n`);
    });
}
