import type { Command } from 'commander';
import type { Io } from '../io.js';
import { printJson } from '../io.js';
import { withSession } from '../session.js';
import { instanceStatus } from '../../engine/runtime/status.js';
import { renderStatus } from '../render/instance.js';

export function registerStatus(program: Command, io: Io): void {
  program
    .command('status')
    .description('show an instance: its state, current step, who acts, and when it falls due')
    .argument('<instance>', 'instance id')
    .option('--json', 'print the status as JSON (shape in docs/reference.md)')
    .action((id: string, opts: { json?: boolean }, cmd: Command) => {
      withSession(cmd, (s) => {
        const view = instanceStatus(s, id);
        if (opts.json) printJson(io, view);
        else io.out(renderStatus(view, s.calendar, io.width).join('\n') + '\n');
      });
    });
}
