import type { Command } from 'commander';
import type { Io } from '../io.js';
import { printJson } from '../io.js';
import { withSession } from '../session.js';
import { instanceHistory } from '../../engine/runtime/history.js';
import { renderHistory } from '../render/instance.js';

export function registerHistory(program: Command, io: Io): void {
  program
    .command('history')
    .description('the timeline of an instance: who did what and when, refused attempts, each step against its waktu')
    .argument('<instance>', 'instance id')
    .option('--json', 'print the timeline as JSON: {id, sop, title, entries: [...]}')
    .action((id: string, opts: { json?: boolean }, cmd: Command) => {
      withSession(cmd, (s) => {
        const h = instanceHistory(s, id);
        if (opts.json) printJson(io, h);
        else io.out(renderHistory(h, s.calendar, io.width).join('\n') + '\n');
      });
    });
}
