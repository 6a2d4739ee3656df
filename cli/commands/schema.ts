import type { Command } from 'commander';
import { Option } from 'commander';
import type { Io } from '../io.js';
import { withEngine } from '../engine.js';
import { writeOrPrint } from '../write-file.js';

export function registerSchema(program: Command, io: Io): void {
  program
    .command('schema')
    .description('print the JSON Schema of SOP files (or of the office calendar), for editors and other tools')
    .addOption(new Option('--for <kind>', 'sop (an SOP file) or calendar (calendar.yaml)').choices(['sop', 'calendar']).default('sop'))
    .option('--id', 'print only its $id, the stable identifier of this version of the format')
    .option('--out <file>', 'write it to this file instead of standard output')
    .addHelpText(
      'after',
      `
The $id (urn:sop:schemas:sop:1, urn:sop:schemas:calendar:1) names the
format, not a place to download it from: its number changes only when files
valid before would be refused. Save the schema beside the SOPs and point
each file's first line at it, so an editor with the YAML language server
completes and checks what you type:
  sop schema --out sops/sop.schema.json
  # yaml-language-server: $schema=sop.schema.json      (first line of each SOP file)`,
    )
    .action(async (opts: { for: 'sop' | 'calendar'; id?: boolean; out?: string }, cmd: Command) => {
      const schema = await withEngine(cmd, (engine) => engine.definitions.schema(opts.for), { anonymous: true });
      writeOrPrint(io, opts.id ? `${String(schema.$id)}\n` : `${JSON.stringify(schema, null, 2)}\n`, opts.out);
    });
}
