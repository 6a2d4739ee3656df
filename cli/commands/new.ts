import { join } from 'node:path';
import type { Command } from 'commander';
import type { Io } from '../io.js';
import { displayPath } from '../../engine/index.js';
import { withEngine } from '../engine.js';
import { globalOptions } from '../options.js';
import { writeText } from '../write-file.js';

export function registerNew(program: Command, io: Io): void {
  program
    .command('new')
    .description('write a commented skeleton of a new SOP to <SOP folder>/<id>.yaml; it validates as written')
    .argument('<id>', 'id of the new SOP: lowercase words joined by hyphens, e.g. permohonan-surat-keterangan')
    .option('--name <nama>', 'Nama SOP (default: the id in words)')
    .addHelpText(
      'after',
      `
The skeleton has every section of the format, with example values that make
a valid SOP (a process step, a decision, two ends). Edit it, then check it
with "sop validate". An existing file is never overwritten (exit 1).

Example:
  sop new permohonan-surat-keterangan --name "Permohonan Surat Keterangan"`,
    )
    .action(async (id: string, opts: { name?: string }, cmd: Command) => {
      // The engine refuses an id in use, and a --name the format cannot hold (too long, empty): no invalid file is left behind.
      const text = await withEngine(cmd, (engine) => engine.definitions.skeleton(id, { today: localDate(new Date()), ...(opts.name !== undefined ? { name: opts.name } : {}) }), {
        anonymous: true,
      });
      const file = join(globalOptions(cmd).sops, `${id}.yaml`);
      writeText(file, text, 'wx');
      io.out(`wrote ${displayPath(file)}\n`);
      io.out(`next: edit it, then run: sop validate ${displayPath(file)}\n`);
    });
}

/** YYYY-MM-DD of the machine's local day: the date a maintainer writes on the document. */
function localDate(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
