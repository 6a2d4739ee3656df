import { Option } from 'commander';
import type { Command } from 'commander';
import type { Io } from '../io.js';
import { withEngine } from '../engine.js';
import { writeOrPrint } from '../write-file.js';

export function registerRender(program: Command, io: Io): void {
  program
    .command('render')
    .description('write the SOP document (identity, sections, procedure table with its flowchart) as HTML or Markdown')
    .argument('<id>', 'SOP id (the file name without .yaml)')
    .addOption(new Option('--format <format>', 'html or md').choices(['html', 'md']).default('html'))
    .option('--out <file>', 'write to this file instead of standard output')
    .addHelpText(
      'after',
      `
HTML is one self-contained file (inline CSS and SVG, no script, no network)
that prints on A4 landscape: open it in a browser and print. The procedure
table has one column per actor holding each step's symbol (terminator,
process box, decision diamond), joined by arrows; an arrow to another row
leaves and enters through lettered connectors (A, B, ...), as the documents
draw it. Markdown holds the same content as tables, with the flowchart as a
Mermaid block.

Example:
  sop render pengecualian-smki --out pengecualian-smki.html`,
    )
    .action(async (id: string, opts: { format: 'html' | 'md'; out?: string }, cmd: Command) => {
      const text = await withEngine(cmd, (engine) => engine.definitions.render(id, opts.format), { anonymous: true });
      writeOrPrint(io, text, opts.out);
    });
}
