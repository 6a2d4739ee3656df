import { join } from 'node:path';
import type { Command } from 'commander';
import type { Io } from '../io.js';
import { globalOptions } from '../program.js';
import { assertNewSopId, sopSkeleton } from '../../engine/tooling/skeleton.js';
import { assertSopDir, checkSopSource, displayPath, sopFileIn } from '../../engine/definition/load.js';
import { SopError } from '../../engine/errors.js';
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
    .action((id: string, opts: { name?: string }, cmd: Command) => {
      assertNewSopId(id);
      const dir = globalOptions(cmd).sops;
      assertSopDir(dir);
      const existing = sopFileIn(dir, id);
      if (existing) {
        throw new SopError('file.exists', `${displayPath(existing)} already exists; sop new does not overwrite it`, {
          hint: `edit it, or choose another id`,
        });
      }
      const file = join(dir, `${id}.yaml`);
      const text = sopSkeleton(id, { today: localDate(new Date()), ...(opts.name !== undefined ? { name: opts.name } : {}) });
      // A --name the format cannot hold (too long, empty) must not leave an invalid file behind.
      const checked = checkSopSource(displayPath(file), text, (other) => sopFileIn(dir, other) !== undefined);
      const errors = checked.problems.filter((p) => p.severity === 'error');
      if (errors.length > 0) {
        throw new SopError('sop.invalid', 'the skeleton would not be a valid SOP with these options; nothing was written', { problems: errors });
      }
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
