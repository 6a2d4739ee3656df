import { Option } from 'commander';
import type { Command } from 'commander';
import type { Io } from '../io.js';
import { withEngine } from '../engine.js';
import { writeOrPrint } from '../write-file.js';

export function registerGraph(program: Command, io: Io): void {
  program
    .command('graph')
    .description('draw the flowchart of an SOP in Mermaid or Graphviz DOT: one swimlane per actor')
    .argument('<id>', 'SOP id (the file name without .yaml)')
    .addOption(new Option('--format <format>', 'mermaid or dot').choices(['mermaid', 'dot']).default('mermaid'))
    .option('--out <file>', 'write to this file instead of standard output')
    .addHelpText(
      'after',
      `
One swimlane (subgraph) per actor; the start step and the ends are
terminators, process steps boxes, decisions diamonds; each exit is labelled
with its label, and an arrow that goes back to an earlier step (a loop) is
dotted (Mermaid) or dashed (DOT).

Examples:
  sop graph pengecualian-smki > smki.mmd                 # paste into a \`\`\`mermaid block
  sop graph pengecualian-smki --format dot | dot -Tsvg > smki.svg`,
    )
    .action(async (id: string, opts: { format: 'mermaid' | 'dot'; out?: string }, cmd: Command) => {
      const text = await withEngine(cmd, (engine) => engine.definitions.graph(id, opts.format), { anonymous: true });
      writeOrPrint(io, text, opts.out);
    });
}
