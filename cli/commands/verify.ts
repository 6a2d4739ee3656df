import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Io } from '../io.js';
import { printJson } from '../io.js';
import { withEngine } from '../engine.js';
import { CliError, usageError } from '../errors.js';
import { setExitCode, EXIT_REFUSED } from '../options.js';
import { escapeControls, formatCheckpoint, type AnyCheckpoint, type VerifyReport } from '../../engine/index.js';
import { checkpointArgument } from '../parse-args.js';

interface VerifyOpts {
  all?: boolean;
  checkpoint?: AnyCheckpoint;
  bundle?: string;
  json?: boolean;
}

export function registerVerify(program: Command, io: Io): void {
  program
    .command('verify')
    .description('recompute the hash chain and replay every instance against its pinned definition; exit 1 on any break')
    .argument('[instance]', 'verify only this instance: its entries in the chain, its definition and outputs, its replay')
    .option('--all', 'verify the whole store (the default)')
    .option('--checkpoint <line>', 'a checkpoint kept from `sop checkpoint` (signed, or the old <seq>:<hash>): prove the log still extends it, and its signature holds', checkpointArgument)
    .option('--bundle <file>', 'verify an exported bundle instead of the database (no database needed)')
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      `
Checks, without trusting anything stored: every log entry against its hash
and the entry before it (an edited, deleted, inserted or moved entry breaks
the chain) and its time against the one before it, every definition,
calendar and stored output against its hash (and every output named by an
event), every instance's events replayed through the XState machine of its
pinned definition against its recorded state, who did each step, change and
publication against who was allowed then (the users history of the log),
that no request was applied twice, and the users, publications and signing
keys tables against the log. One instance: its entries, their links to the
entries before and after them, its replay and who did its steps.

A cut-off tail, or a log rewritten with every hash recomputed, is found
only against a checkpoint kept outside the database: keep the output of
\`sop checkpoint\` and pass it with --checkpoint. A signed checkpoint must
also hold against a signing key of the log in use at its entry.

Exit 0 when everything holds, 1 on any break (the first one is named: the
entry, the instance, and what differs), 2 on a usage error.

JSON: {ok, instance, head: {seq, hash}, entries, instances, events,
definitions, blobs, users, checkpoint: {seq, hash, ok, signature: valid|invalid|none, keyId?} | null,
signedHead: {keyId, ok} | null, notes: [text],
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
    lines.push(`head ${formatCheckpoint(r.head)}${r.signedHead ? `, signed by key ${r.signedHead.keyId}` : ''}`);
    if (r.checkpoint) {
      const c = r.checkpoint;
      lines.push(
        `the log extends checkpoint ${formatCheckpoint(c)}${c.signature === 'valid' ? `, signed by key ${c.keyId}: the signature holds` : ': it is unsigned (it proves the log extends it, not who issued it)'}`,
      );
    }
    for (const n of r.notes) lines.push(`note: ${escapeControls(n)}`);
    return lines;
  }
  const total = r.breaks.length + r.moreBreaks;
  lines.push(`BROKEN: ${what}: ${total} break(s); the first:`);
  r.breaks.forEach((b, i) => {
    if (i === 1) lines.push('', 'then:');
    const where = [b.seq !== undefined ? `entry ${b.seq}` : null, b.instance ? `instance ${b.instance}` : null].filter(Boolean).join(', ');
    lines.push(`  ${where ? `${where}: ` : ''}${b.code} ${escapeControls(b.message)}`);
  });
  if (r.moreBreaks) lines.push(`  ... and ${r.moreBreaks} more (see --json)`);
  for (const n of r.notes) lines.push(`note: ${escapeControls(n)}`);
  lines.push('', `checked: ${counts}`);
  return lines;
}
