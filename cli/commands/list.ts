import type { Command } from 'commander';
import type { Io } from '../io.js';
import { printJson } from '../io.js';
import { withEngine } from '../engine.js';
import { safe } from '../render/safe.js';
import { renderList } from '../render/instance.js';

export function registerList(program: Command, io: Io): void {
  program
    .command('list')
    .description('list instances, oldest first')
    .option('--sop <id>', 'only instances of this SOP')
    .option('--status <status>', 'only active, completed or cancelled instances')
    .option('--json', 'print the list as JSON: [{id, sop, title, status, outcome, current, startedBy, startedAt, updatedAt}]')
    .action(async (opts: { sop?: string; status?: string; json?: boolean }, cmd: Command) => {
      await withEngine(cmd, async (engine) => {
        const list = await engine.instances.list({ ...(opts.sop ? { sop: opts.sop } : {}), ...(opts.status ? { status: opts.status } : {}) });
        if (opts.json) printJson(io, list);
        else io.out(renderList(safe(list), await engine.definitions.calendar()).join('\n') + '\n');
      });
    });
}
