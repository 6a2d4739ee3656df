import type { Command } from 'commander';
import type { Io } from '../io.js';
import { printJson } from '../io.js';
import { withEngine } from '../engine.js';
import { safe } from '../render/safe.js';
import { renderHistory } from '../render/instance.js';

export function registerHistory(program: Command, io: Io): void {
  program
    .command('history')
    .description('the timeline of an instance: who did what and when, refused attempts, each step against its waktu')
    .argument('<instance>', 'instance id')
    .option('--json', 'print the timeline as JSON: {id, sop, title, entries: [...]}')
    .action(async (id: string, opts: { json?: boolean }, cmd: Command) => {
      await withEngine(cmd, async (engine) => {
        const h = await engine.instances.history(id);
        if (opts.json) printJson(io, h);
        else io.out(renderHistory(safe(h), await engine.definitions.calendar(), io.width).join('\n') + '\n');
      });
    });
}
