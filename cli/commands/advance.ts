import type { Command } from 'commander';
import type { OutputInput } from '../../engine/index.js';
import type { Io } from '../io.js';
import { printJson } from '../io.js';
import { withEngine } from '../engine.js';
import { CliError } from '../errors.js';
import { requestIdOf, REQUEST_ID_HELP } from '../options.js';
import { parseOutputArg } from '../output-args.js';
import { readSecrets } from '../secret-input.js';

const collect = (v: string, all: string[]) => [...all, v];

export function registerAdvance(program: Command, io: Io): void {
  program
    .command('advance')
    .description('complete the current step of an instance')
    .argument('<instance>', 'instance id')
    .option('--choice <exit>', "a decision's exit: its id or its label")
    .option('--output <id=value>', 'an output: "<id>=<text>" or "<id>=@<file>"; repeatable', collect, [])
    .option('--note <text>', 'a note for the record')
    .option('--step <step-id>', 'the step you mean to complete; if someone completed it first, you get a conflict instead of completing the next one')
    .option('--expect-version <n>', 'the version you read with sop status; a conflict if the instance changed since', (v) => {
      if (!/^\d+$/.test(v)) throw new CliError('advance.version', '--expect-version takes a whole number', { usage: true });
      return Number(v);
    })
    .option('--json', 'print the new status as JSON (the shape of sop status --json)')
    .addHelpText(
      'after',
      `
Sensitive outputs (a temporary password) are never taken from the command
line: you are asked for them with echo off, or they are read from standard
input, one line each in the order the step declares them:
  printf '%s\\n' "$PASSWORD" | sop advance <instance> --output username=budi`,
    )
    .option('--request-id <id>', REQUEST_ID_HELP)
    .action(async (id: string, opts: { choice?: string; output: string[]; note?: string; step?: string; expectVersion?: number; json?: boolean }, cmd: Command) => {
      const outputs: OutputInput[] = opts.output.map(parseOutputArg);
      const done = await withEngine(cmd, (engine) =>
        engine.instances.advance(id, {
          outputs,
          ...(opts.choice !== undefined ? { choice: opts.choice } : {}),
          ...(opts.note !== undefined ? { note: opts.note } : {}),
          ...(opts.step !== undefined ? { step: opts.step } : {}),
          ...(opts.expectVersion !== undefined ? { expectVersion: opts.expectVersion } : {}),
          ...requestIdOf(cmd),
          askSecrets: (specs) => readSecrets(specs, io.err),
        }),
      );
      if (opts.json) return printJson(io, done.status);
      const st = done.status;
      const next = st.current[0];
      io.out(`completed ${done.completed}${done.choice ? ` (${done.choice})` : ''} of ${st.id}\n`);
      if (st.status !== 'active') io.out(`instance ${st.status}${st.outcome ? `: ${st.outcome}` : ''}\n`);
      else if (next) io.out(`next: step ${next.number} ${next.name} (${next.actorName}${next.assignee ? `: ${next.assignee}` : ''})${next.dueLocal ? `, due ${next.dueLocal}` : ''}\n`);
    });
}
