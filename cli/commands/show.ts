import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import type { Io } from '../io.js';
import { printJson } from '../io.js';
import { withEngine } from '../engine.js';
import { safe } from '../render/safe.js';
import { renderDocument } from '../render/document.js';

export function registerShow(program: Command, io: Io): void {
  program
    .command('show')
    .description('print an SOP as its document shows it: identity, sections and the procedure table')
    .argument('<id>', 'SOP id (the file name without .yaml)')
    .option('--json', 'print the normalized definition as JSON')
    .option('--width <columns>', 'wrap text at this many columns', (v) => parseWidth(v), 80)
    .addHelpText(
      'after',
      `
The procedure table prints one block per row: No and Uraian Prosedur, then
Pelaksana, Kelengkapan, Waktu, Output, Keterangan and, for a decision, its
exits. --json prints the normalized definition (defaults filled in, time
standards parsed into {amount, unit} with unit "minute" or "day").`,
    )
    .action(async (id: string, opts: { json?: boolean; width: number }, cmd: Command) => {
      const def = await withEngine(cmd, (engine) => engine.definitions.get(id), { anonymous: true });
      if (opts.json) printJson(io, def);
      else io.out(renderDocument(safe(def), opts.width).join('\n') + '\n');
    });
}

function parseWidth(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 40 || n > 400) {
    // Commander turns this into a usage error (exit 2).
    throw new InvalidArgumentError(`a whole number from 40 to 400, not "${v}"`);
  }
  return n;
}
