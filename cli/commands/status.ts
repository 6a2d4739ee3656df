import type { Command } from 'commander';
import type { Io } from '../io.js';
import { printJson } from '../io.js';
import { withEngine } from '../engine.js';
import { renderStatus } from '../render/instance.js';
import { safe } from '../render/safe.js';
import { rememberShown } from '../shown.js';
import { globalOptions } from '../options.js';

export function registerStatus(program: Command, io: Io): void {
  program
    .command('status')
    .description('show an instance: its state, current step, who acts, and when it falls due')
    .argument('<instance>', 'instance id')
    .option('--json', 'print the status as JSON (shape in docs/reference.md)')
    .action(async (id: string, opts: { json?: boolean }, cmd: Command) => {
      await withEngine(cmd, async (engine) => {
        const view = await engine.instances.status(id);
        if (opts.json) printJson(io, view);
        else io.out(renderStatus(safe(view), await engine.definitions.calendar(), io.width).join('\n') + '\n');
        // What was shown is what a later `sop advance` without --step completes (see shown.ts).
        const current = view.current[0];
        rememberShown(globalOptions(cmd).db, current ? [{ instance: view.id, step: current.step, version: view.version }] : [], current ? [] : [view.id]);
      });
    });
}
