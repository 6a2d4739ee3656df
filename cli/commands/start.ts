import type { Command } from 'commander';
import type { Io } from '../io.js';
import { printJson } from '../io.js';
import { withEngine } from '../engine.js';
import { CliError } from '../errors.js';
import { requestIdOf, REQUEST_ID_HELP } from '../options.js';

const collectAssign = (v: string, all: Record<string, string>) => {
  const eq = v.indexOf('=');
  if (eq <= 0 || eq === v.length - 1) throw new CliError('assign.syntax', `--assign takes <actor>=<user>, not "${v.slice(0, 80)}"`, { usage: true });
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
    .option('--request-id <id>', REQUEST_ID_HELP)
    .action(async (sopId: string, opts: { title?: string; assign: Record<string, string>; json?: boolean }, cmd: Command) => {
      const inst = await withEngine(cmd, (engine) => engine.instances.start(sopId, { ...(opts.title !== undefined ? { title: opts.title } : {}), assign: opts.assign, ...requestIdOf(cmd) }));
      if (opts.json) printJson(io, { id: inst.id });
      else io.out(`${inst.id}\n`);
    });
}
