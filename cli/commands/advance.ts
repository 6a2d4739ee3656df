import type { Command } from 'commander';
import type { Io } from '../io.js';
import { printJson } from '../io.js';
import { withSession } from '../session.js';
import { advanceInstance } from '../../engine/runtime/advance.js';
import { instanceStatus, pendingStep } from '../../engine/runtime/status.js';
import { SopError } from '../../engine/errors.js';
import type { OutputInput } from '../../engine/index.js';
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
      if (!/^\d+$/.test(v)) throw new SopError('advance.version', '--expect-version takes a whole number', { exitCode: 2 });
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
    .option('--request-id <id>', 'an id for this change (e.g. a UUID): run again with the same id after a timeout or crash, it is applied once and answers as the first run (default: random)')
    .action((id: string, opts: { choice?: string; output: string[]; note?: string; step?: string; expectVersion?: number; json?: boolean }, cmd: Command) => {
      const outputs: OutputInput[] = opts.output.map(parseOutputArg);
      const view = withSession(cmd, (s, once) => {
        const requestId = (cmd.opts() as { requestId?: string }).requestId;
        // What the command line asks; a secret given there (refused below) counts only as given: its value must shape nothing kept.
        const step = pendingStep(s, id);
        const sensitive = new Set((step?.outputs ?? []).filter((o) => o.sensitive).map((o) => o.id));
        const asked = {
          instance: id,
          choice: opts.choice ?? null,
          note: opts.note ?? null,
          step: opts.step ?? null,
          expectVersion: opts.expectVersion ?? null,
          outputs: outputs.map((o) => (sensitive.has(o.id) ? { id: o.id, given: true } : { id: o.id, value: o.value })),
        };
        // Secrets are read before the write transaction, so nobody holds the store's lock while a person types;
        // and not at all for a retry that will be answered from the record.
        if (requestId === undefined || s.store.request(requestId) === undefined) {
          const given = new Set(outputs.map((o) => o.id));
          const secrets = readSecrets((step?.outputs ?? []).filter((o) => o.sensitive && !given.has(o.id)), io.err);
          for (const [secretId, value] of secrets) outputs.push({ id: secretId, value, protected: true });
        }
        return once({ command: 'advance', args: asked }, () => {
          const done = advanceInstance(s, id, {
            outputs,
            ...(opts.choice !== undefined ? { choice: opts.choice } : {}),
            ...(opts.note !== undefined ? { note: opts.note } : {}),
            ...(opts.step !== undefined ? { step: opts.step } : {}),
            ...(opts.expectVersion !== undefined ? { expectVersion: opts.expectVersion } : {}),
          });
          return { done: { completed: done.completed, ...(done.choice !== undefined ? { choice: done.choice } : {}) }, status: instanceStatus(s, id) };
        });
      });
      if (opts.json) return printJson(io, view.status);
      const st = view.status;
      const next = st.current[0];
      io.out(`completed ${view.done.completed}${view.done.choice ? ` (${view.done.choice})` : ''} of ${st.id}\n`);
      if (st.status !== 'active') io.out(`instance ${st.status}${st.outcome ? `: ${st.outcome}` : ''}\n`);
      else if (next) io.out(`next: step ${next.number} ${next.name} (${next.actorName}${next.assignee ? `: ${next.assignee}` : ''})${next.dueLocal ? `, due ${next.dueLocal}` : ''}\n`);
    });
}
