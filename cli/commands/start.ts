import type { Command } from 'commander';
import type { Io } from '../io.js';
import { printJson } from '../io.js';
import { withSession } from '../session.js';
import { SopError } from '../../engine/errors.js';
import { startInstance } from '../../engine/runtime/start.js';

const collectAssign = (v: string, all: Record<string, string>) => {
  const eq = v.indexOf('=');
  if (eq <= 0 || eq === v.length - 1) throw new SopError('assign.syntax', `--assign takes <actor>=<user>, not "${v.slice(0, 80)}"`, { exitCode: 2 });
  return { ...all, [v.slice(0, eq)]: v.slice(eq + 1) };
};

export function registerStart(program: Command, io: Io): void {
  program
    .command('start')
    .description('start an instance of an SOP; prints its id')
    .argument('<sop-id>', 'the SOP to run (see sop catalog)')
    .option('--title <text>', 'what this instance is about (default: the SOP name)')
    .option('--assign <actor=user>', 'bind a person of the case, e.g. pemohon=budi (default: you); repeatable', collectAssign, {})
    .option('--json', 'print {"id": ...}')
    .option('--request-id <id>', 'an id for this change (e.g. a UUID): run again with the same id after a timeout or crash, it is applied once and answers as the first run (default: random)')
    .action((sopId: string, opts: { title?: string; assign: Record<string, string>; json?: boolean }, cmd: Command) => {
      const args = { sop: sopId, title: opts.title ?? null, assign: opts.assign };
      const inst = withSession(cmd, (s, once) =>
        once({ command: 'start', args }, () => ({ id: startInstance(s, sopId, { ...(opts.title !== undefined ? { title: opts.title } : {}), assign: opts.assign }).id })),
      );
      if (opts.json) printJson(io, { id: inst.id });
      else io.out(`${inst.id}\n`);
    });
}
