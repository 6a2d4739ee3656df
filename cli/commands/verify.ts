import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Io } from '../io.js';
import { printJson } from '../io.js';
import { withEngine } from '../engine.js';
import { CliError, usageError } from '../errors.js';
import { setExitCode, EXIT_REFUSED } from '../options.js';
import { formatCheckpoint, type Checkpoint, type VerifyReport } from '../../engine/index.js';
import { checkpointArgument } from '../parse-args.js';

interface VerifyOpts {
  all?: boolean;
  checkpoint?: Checkpoint;
  bundle?: string;
  json?: boolean;
}

export function registerVerify(program: Command, io: Io): void {
  program
    .command('verify')
    .description('recompute the hash chain and replay every instance against its pinned definition; exit 1 on any break')
    .argument('[instance]', 'verify only this instance: its entries in the chain, its definition and outputs, its replay')
    .option('--all', 'verify the whole store (the default)')
    .option('--checkpoint <seq:hash>', 'a head kept from `sop checkpoint`: prove the log still extends it', checkpointArgument)
    .option('--bundle <file>', 'verify an exported bundle instead of the database (no database needed)')
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      `
Checks, without trusting anything stored: every log entry against its hash
and the entry before it (an edited, deleted, inserted or moved entry breaks
the chain), every definition and stored output against its hash, every
instance's events replayed through the XState machine of its pinned
definition against its recorded state, and the users table against the
log. A cut-off tail is found only against a checkpoint kept outside the
database: keep the output of \`sop checkpoint\` and pass it with --checkpoint.

Exit 0 when everything holds, 1 on any break (the first one is named: the
entry, the instance, and what differs), 2 on a usage error.

JSON: {ok, instance, head: {seq, hash}, entries, instances, events,
definitions, blobs, users, checkpoint: {seq, hash, ok} | null,
breaks: [{code, seq?, instance?, message}], moreBreaks, ms: {chain, replay, total}}`,
    )
    .action(async (instance: string | undefined, opts: VerifyOpts, cmd: Command) => {
      if (instance !== undefined && opts.all) throw usage('give an instance or --all, not both');
      const checkpoint = opts.checkpoint ? { checkpoint: opts.checkpoint } : {};
      let report: VerifyReport;
      if (opts.bundle !== undefined) {
        if (instance !== undefined || opts.all) throw usage('--bundle checks the bundle as a whole; give no instance and no --all');
        const bytes = readBundle(opts.bundle);
        report = await withEngine(cmd, (engine) => engine.audit.verifyBundle(bytes, checkpoint), { anonymous: true });
      } else {
        report = await withEngine(cmd, (engine) => engine.audit.verify({ ...(instance !== undefined ? { instance } : {}), ...checkpoint }));
      }
      if (opts.json) printJson(io, report);
      else io.out(renderVerify(report, opts.bundle).join('\n') + '\n');
      if (!report.ok) setExitCode(cmd, EXIT_REFUSED);
    });
}

function usage(message: string): CliError {
  return usageError(message, 'see sop verify --help');
}

function readBundle(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError('bundle.unreadable', `cannot read the bundle ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code}`, {
      hint: 'give the file written by sop export',
    });
  }
}

function renderVerify(r: VerifyReport, bundle: string | undefined): string[] {
  const what = bundle ? `bundle ${bundle}` : r.instance ? `instance ${r.instance}` : 'store';
  const counts = [
    `${r.entries} chain entr${r.entries === 1 ? 'y' : 'ies'}`,
    `${r.instances} instance(s) replayed (${r.events} events)`,
    `${r.definitions} definition(s)`,
    `${r.blobs} output(s)`,
    ...(r.instance || bundle ? [] : [`${r.users} user(s)`]),
  ].join(', ');
  const lines: string[] = [];
  if (r.ok) {
    lines.push(`ok: ${what} verified: ${counts}`);
    lines.push(`head ${formatCheckpoint(r.head)}`);
    if (r.checkpoint) lines.push(`the log extends checkpoint ${formatCheckpoint(r.checkpoint)}`);
    return lines;
  }
  const total = r.breaks.length + r.moreBreaks;
  lines.push(`BROKEN: ${what}: ${total} break(s); the first:`);
  r.breaks.forEach((b, i) => {
    if (i === 1) lines.push('', 'then:');
    const where = [b.seq !== undefined ? `entry ${b.seq}` : null, b.instance ? `instance ${b.instance}` : null].filter(Boolean).join(', ');
    lines.push(`  ${where ? `${where}: ` : ''}${b.code} ${b.message}`);
  });
  if (r.moreBreaks) lines.push(`  ... and ${r.moreBreaks} more (see --json)`);
  lines.push('', `checked: ${counts}`);
  return lines;
}
