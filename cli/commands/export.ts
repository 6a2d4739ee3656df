import { closeSync, existsSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Command } from 'commander';
import type { Io } from '../io.js';
import { printJson } from '../io.js';
import { withEngine } from '../engine.js';
import { CliError, usageError } from '../errors.js';
import { escapeControls, formatCheckpoint, type BundleSummary } from '../../engine/index.js';

export function registerExport(program: Command, io: Io): void {
  program
    .command('export')
    .description('write a self-contained bundle of an instance (or of the whole store) that sop verify --bundle checks offline')
    .argument('[instance]', 'the instance to export')
    .option('--all', 'export the whole store')
    .option('--out <file>', 'write the bundle to this file (refused if it exists); default: standard output')
    .option('--unsigned', "do not sign the bundle's head")
    .option('--key-file <file>', 'the signing key (default: <db>.signing-key beside the store)')
    .option('--json', 'print the summary as JSON: {file, lines, entries, instances, definitions, outputs, head, signed, unsigned}')
    .addHelpText(
      'after',
      `
A bundle is JSON Lines: the pinned definitions, the instances with their
recorded state, the hashes of their stored outputs, the log entries of the
chain from the instance's first one to the head (other instances' entries
only by the digest of their content), the signing keys of the log, and the
head checkpoint, signed with the writer's key (the first administrator to
export creates it; without the key at hand the bundle is unsigned, and
standard error says why). On another machine, \`sop verify --bundle <file>\`
checks it with no database: the signature makes an entry moved out of the
instance, with the chain recomputed, show.`,
    )
    .action(async (instance: string | undefined, opts: { all?: boolean; out?: string; json?: boolean; unsigned?: boolean; keyFile?: string }, cmd: Command) => {
      if ((instance === undefined) === !opts.all) {
        throw usageError(instance === undefined ? 'give an instance to export, or --all' : 'give an instance or --all, not both', 'see sop export --help');
      }
      const scope = instance === undefined ? ({ all: true } as const) : { instance };
      const out = opts.out;
      const signing = { ...(opts.unsigned ? { sign: false } : {}), ...(opts.keyFile !== undefined ? { keyFile: opts.keyFile } : {}) };
      const summary = await withEngine(cmd, (engine) => {
        if (out === undefined) return engine.audit.export(scope, (text) => io.out(text), signing);
        return writeFileAtomically(out, (write) => engine.audit.export(scope, write, signing));
      });
      if (opts.out === undefined) {
        // The bundle is on stdout: the summary must not mix into it.
        io.err(`exported ${describe(summary)}\n`);
      } else if (opts.json) {
        printJson(io, { file: opts.out, ...summary });
      } else {
        io.out(`wrote ${opts.out}: ${describe(summary)}\n`);
      }
      if (!summary.signed && !opts.unsigned && summary.unsigned) io.err(`not signed: ${escapeControls(summary.unsigned)}\n`);
    });
}

function describe(s: BundleSummary): string {
  return `${s.entries} entries, ${s.instances} instance(s), ${s.definitions} definition(s), ${s.outputs} output hash(es); head ${formatCheckpoint(s.head)}${s.signed ? `, signed by key ${s.signed.keyId}` : ', unsigned'}`;
}

/** Writes to a temporary file beside `file` and renames it into place: a failed export leaves no half bundle. */
async function writeFileAtomically<T>(file: string, fill: (write: (text: string) => void) => Promise<T>): Promise<T> {
  if (existsSync(file)) throw new CliError('export.exists', `${file} already exists`, { hint: 'choose a new file name; a bundle is never overwritten' });
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  let fd: number;
  try {
    fd = openSync(temp, 'wx');
  } catch (e) {
    throw new CliError('export.unwritable', `cannot write ${file}: ${(e as NodeJS.ErrnoException).code}`, { hint: 'check that the directory exists and is writable' });
  }
  try {
    const result = await fill((text) => {
      writeSync(fd, text);
    });
    closeSync(fd);
    renameSync(temp, file);
    return result;
  } catch (e) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    rmSync(temp, { force: true });
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && code.startsWith('E')) throw new CliError('export.unwritable', `cannot write ${file}: ${code}`, { hint: 'check the free space and permissions of its directory' });
    throw e;
  }
}
