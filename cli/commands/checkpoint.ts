import type { Command } from 'commander';
import type { Io } from '../io.js';
import { printJson } from '../io.js';
import { withEngine } from '../engine.js';
import { escapeControls, formatAnyCheckpoint, formatLocal, hasCode, printableCheckpoint, type AnyCheckpoint } from '../../engine/index.js';

interface CheckpointOpts {
  json?: boolean;
  printable?: boolean;
  unsigned?: boolean;
  keyFile?: string;
}

export function registerCheckpoint(program: Command, io: Io): void {
  program
    .command('checkpoint')
    .description("print the head of the log, signed with the writer's key, for an auditor to keep")
    .option('--printable', 'print a form to keep on paper: grouped digits, the signature in base32, the office local time')
    .option('--unsigned', 'print only <seq>:<hash>, unsigned (the form of sop before signed checkpoints)')
    .option('--key-file <file>', 'the signing key (default: <db>.signing-key beside the store)')
    .option('--json', 'print {seq, hash, at, checkpoint}, and keyId and signature when it is signed')
    .addHelpText(
      'after',
      `
Prints one line, sop-checkpoint:1:<seq>:<hash>:<keyId>:<signature>: the
head of the log, signed with the writer's Ed25519 key (a file beside the
store, <db>.signing-key; the first administrator to run this command
creates it, or \`sop key init\`). Keep it somewhere the database cannot
reach: printed (--printable) in the monthly report, a letter, another
machine. Later, \`sop verify --checkpoint <line>\` proves that the log still
extends it (nothing up to it was changed, its tail was not cut off) and that
this store's writer signed it, so even someone who can rewrite the file
cannot make a checkpoint for the history they wrote.

Without the key at hand (not created yet and you are not an administrator,
or not readable by you), it prints the unsigned <seq>:<hash> and says why
on standard error.`,
    )
    .action(async (opts: CheckpointOpts, cmd: Command) => {
      const { checkpoint, at, calendar, why } = await withEngine(cmd, async (engine) => {
        const calendar = await engine.definitions.calendar();
        if (!opts.unsigned) {
          try {
            const s = await engine.audit.signedCheckpoint({ ...(opts.keyFile !== undefined ? { keyFile: opts.keyFile } : {}), create: true });
            return { checkpoint: { seq: s.seq, hash: s.hash, keyId: s.keyId, signature: s.signature } as AnyCheckpoint, at: s.at, calendar, why: null };
          } catch (e) {
            if (!hasCode(e, 'key.missing', 'key.unreadable')) throw e;
            const head = await engine.audit.checkpoint();
            return { checkpoint: { seq: head.seq, hash: head.hash } as AnyCheckpoint, at: head.at, calendar, why: e.message };
          }
        }
        const head = await engine.audit.checkpoint();
        return { checkpoint: { seq: head.seq, hash: head.hash } as AnyCheckpoint, at: head.at, calendar, why: null };
      });
      if (why !== null) io.err(`not signed: ${escapeControls(why)}${why.includes('sop key') ? '' : '; an administrator creates the key with `sop key init` (or by running sop checkpoint)'}\n`);
      const line = formatAnyCheckpoint(checkpoint);
      const signed = 'keyId' in checkpoint;
      if (opts.json) {
        printJson(io, { seq: checkpoint.seq, hash: checkpoint.hash, at: at ?? null, checkpoint: line, ...(signed ? { keyId: checkpoint.keyId, signature: checkpoint.signature } : {}) });
      } else if (opts.printable) {
        const local = (d: Date) => formatLocal(d, calendar);
        io.out(printableCheckpoint(checkpoint, { writtenAt: at ? local(new Date(at)) : null, printedAt: local(new Date()) }).join('\n') + '\n');
      } else io.out(`${line}\n`);
    });
}
