import type { Command } from 'commander';
import type { Io } from '../io.js';
import { printJson } from '../io.js';
import { withEngine } from '../engine.js';
import { renderTasks } from '../render/instance.js';
import { safe } from '../render/safe.js';
import { rememberShown } from '../shown.js';
import { globalOptions } from '../options.js';

export function registerTasks(program: Command, io: Io): void {
  program
    .command('tasks')
    .description('your inbox: every active step you may act on, most urgent first')
    .option('--all', "everyone's active steps, not only yours")
    .option('--overdue', 'only steps past their due time')
    .option('--json', 'print the tasks as JSON: [{instance, sop, title, step, number, name, actor, assignee, dueAt, overdue, choices, outputs, ...}]')
    .action(async (opts: { all?: boolean; overdue?: boolean; json?: boolean }, cmd: Command) => {
      await withEngine(cmd, async (engine) => {
        const list = await engine.instances.tasks({ all: opts.all === true, overdue: opts.overdue === true });
        if (opts.json) printJson(io, list);
        else io.out(renderTasks(safe(list), await engine.definitions.calendar()).join('\n') + '\n');
        // Each step shown is what a later `sop advance <instance>` without --step completes (see shown.ts).
        rememberShown(
          globalOptions(cmd).db,
          list.map((t) => ({ instance: t.instance, step: t.step, version: t.version })),
        );
      });
    });
}
