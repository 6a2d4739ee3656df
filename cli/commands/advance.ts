import type { Command } from 'commander';
import type { OutputInput } from '../../engine/index.js';
import type { Io } from '../io.js';
import { printJson } from '../io.js';
import { withEngine } from '../engine.js';
import { CliError } from '../errors.js';
import { globalOptions, requestIdOf, REQUEST_ID_HELP } from '../options.js';
import { safe } from '../render/safe.js';
import { lastShown, rememberRequest, rememberShown, shownForRequest } from '../shown.js';
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
    .option(
      '--step <step-id>',
      'the step you mean to complete (default: the one sop status, sop tasks or sop advance last showed you); if someone completed it first, you get a conflict instead of completing the next one',
    )
    .option('--expect-version <n>', 'the version you read with sop status; a conflict if the instance changed since', (v) => {
      if (!/^\d+$/.test(v)) throw new CliError('advance.version', '--expect-version takes a whole number', { usage: true });
      return Number(v);
    })
    .option('--json', 'print the new status as JSON (the shape of sop status --json)')
    .addHelpText(
      'after',
      `
Without --step, it completes the step that sop status, sop tasks or the
previous sop advance last showed you for this instance, as it was then: if
the instance moved on since, you get a conflict (run sop status again). When
you were shown no step of it, it refuses: look first, or name the step.

Sensitive outputs (a temporary password) are never taken from the command
line: you are asked for them with echo off, or they are read from standard
input, one line each in the order the step declares them:
  printf '%s\\n' "$PASSWORD" | sop advance <instance> --step <step> --output username=budi`,
    )
    .option('--request-id <id>', REQUEST_ID_HELP)
    .action(async (id: string, opts: { choice?: string; output: string[]; note?: string; step?: string; expectVersion?: number; json?: boolean }, cmd: Command) => {
      const outputs: OutputInput[] = opts.output.map(parseOutputArg);
      const db = globalOptions(cmd).db;
      const done = await withEngine(cmd, async (engine) => {
        let step = opts.step;
        let expectVersion = opts.expectVersion;
        if (step === undefined) {
          // No step by mistake: the one this person was last shown, as it was then (see shown.ts).
          const requestId = requestIdOf(cmd).requestId;
          const shown = (requestId === undefined ? undefined : shownForRequest(db, requestId, id)) ?? lastShown(db, id);
          if (shown) {
            if (requestId !== undefined) rememberRequest(db, requestId, id, shown);
            step = shown.step;
            expectVersion ??= shown.version;
          } else {
            // Who you are comes first (a login bound to nobody is told so), then an unknown instance is said as such,
            // and a finished one has nothing to complete by mistake.
            await engine.people.me();
            const status = await engine.instances.status(id);
            const current = status.current[0];
            if (current) {
              throw new CliError('advance.step-required', `you were shown no step of ${status.id}: say which step you complete`, {
                usage: true,
                hint: `look first: sop status ${status.id} (then sop advance ${status.id}), or name it: --step ${current.step}`,
              });
            }
          }
        }
        return engine.instances.advance(id, {
          outputs,
          ...(opts.choice !== undefined ? { choice: opts.choice } : {}),
          ...(opts.note !== undefined ? { note: opts.note } : {}),
          ...(step !== undefined ? { step } : {}),
          ...(expectVersion !== undefined ? { expectVersion } : {}),
          ...requestIdOf(cmd),
          askSecrets: (specs) => readSecrets(specs, io.err),
        });
      });
      const st = done.status;
      const next = st.current[0];
      // The next step is shown (or the JSON status given): that is what a following advance completes.
      rememberShown(db, next ? [{ instance: st.id, step: next.step, version: st.version }] : [], next ? [] : [st.id]);
      if (opts.json) return printJson(io, st);
      io.out(`completed ${done.completed}${done.choice ? ` (${done.choice})` : ''} of ${st.id}\n`);
      if (st.status !== 'active') io.out(`instance ${st.status}${st.outcome ? `: ${st.outcome}` : ''}\n`);
      else if (next) io.out(`next: step ${safe(next.number)} ${safe(next.name)} (${safe(next.actorName)}${next.assignee ? `: ${next.assignee}` : ''})${next.dueLocal ? `, due ${next.dueLocal}` : ''}\n`);
    });
}
