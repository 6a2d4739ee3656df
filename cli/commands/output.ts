import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import type { Io } from '../io.js';
import { printJson } from '../io.js';
import { withEngine } from '../engine.js';
import { CliError } from '../errors.js';

export function registerOutput(program: Command, io: Io): void {
  program
    .command('output')
    .description('read a stored output of an instance back (to stdout, or to a file)')
    .argument('<instance>', 'instance id')
    .argument('<output-id>', 'output id, as the step declares it')
    .option('--to <file>', 'write the content to this file (not overwritten if it exists)')
    .option('--json', 'print {id, step, at, by, sha256, size} instead of the content')
    .action(async (id: string, outputId: string, opts: { to?: string; json?: boolean }, cmd: Command) => {
      const out = await withEngine(cmd, (engine) => engine.instances.output(id, outputId));
      if (opts.json) return printJson(io, { id: out.id, step: out.step, at: out.at, by: out.by, sha256: out.sha256, size: out.size });
      if (opts.to) {
        try {
          writeFileSync(opts.to, out.content, { flag: 'wx' });
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          throw new CliError('output.write', `cannot write ${opts.to}: ${code === 'EEXIST' ? 'it already exists' : code}`, { hint: 'choose a new file name' });
        }
        io.out(`wrote ${out.size} bytes to ${opts.to}\n`);
      } else process.stdout.write(out.content);
    });
}
