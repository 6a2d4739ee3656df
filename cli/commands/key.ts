import type { Command } from 'commander';
import type { Io } from '../io.js';
import { printJson } from '../io.js';
import { withEngine } from '../engine.js';
import { REQUEST_ID_HELP, requestIdOf } from '../options.js';
import { formatLocal, type SigningKey } from '../../engine/index.js';
import { table } from '../render/wrap.js';

const keyJson = (k: SigningKey) => ({ id: k.id, algorithm: k.algorithm, publicKey: k.publicKey, addedSeq: k.addedSeq, addedAt: k.addedAt, retiredSeq: k.retiredSeq });

/** "3f9a 12bc ...": a key id as it is read aloud or compared on paper. */
const spaced = (id: string) => id.replace(/(.{4})(?=.)/g, '$1 ');

export function registerKey(program: Command, io: Io): void {
  const key = program.command('key').description("the writer's signing key, which signs checkpoints and exports (changes: administrators only)");
  const keyFileOption = (cmd: Command) => cmd.option('--key-file <file>', 'the private key file (default: <db>.signing-key beside the store)');

  keyFileOption(
    key
      .command('init')
      .description("create the writer's signing key: an Ed25519 private key beside the store (mode 0600), its public part in the log")
      .option('--json', 'print the key as JSON')
      .option('--request-id <id>', REQUEST_ID_HELP),
  ).action(async (opts: { keyFile?: string; json?: boolean }, cmd: Command) => {
    const made = await withEngine(cmd, (engine) => engine.audit.initKey({ ...(opts.keyFile !== undefined ? { keyFile: opts.keyFile } : {}), ...requestIdOf(cmd) }));
    if (opts.json) return printJson(io, { ...keyJson(made), file: made.file });
    io.out(`created the signing key ${spaced(made.id)} (Ed25519), added to the log at entry ${made.addedSeq}\n`);
    io.out(`the private key is ${made.file} (mode 0600): keep it readable by the writer only, and out of backups that others read\n`);
  });

  keyFileOption(
    key
      .command('rotate')
      .description('put a new signing key in place of the one in use; the old one is retired (what it signed before stays valid)')
      .option('--json', 'print the new key and the retired ones as JSON')
      .option('--request-id <id>', REQUEST_ID_HELP),
  ).action(async (opts: { keyFile?: string; json?: boolean }, cmd: Command) => {
    const made = await withEngine(cmd, (engine) => engine.audit.rotateKey({ ...(opts.keyFile !== undefined ? { keyFile: opts.keyFile } : {}), ...requestIdOf(cmd) }));
    if (opts.json) return printJson(io, { key: keyJson(made.key), retired: made.retired.map(keyJson), file: made.file });
    io.out(`created the signing key ${spaced(made.key.id)}, added at entry ${made.key.addedSeq}; ${made.file} holds it now\n`);
    for (const r of made.retired) io.out(`retired ${spaced(r.id)} at entry ${r.retiredSeq}: checkpoints it signed up to entry ${r.retiredSeq! - 1} still verify\n`);
  });

  key
    .command('list')
    .description("the writer's signing keys, as the log added and retired them")
    .option('--json', 'print the keys as JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const { keys, calendar } = await withEngine(cmd, async (engine) => ({ keys: await engine.audit.keys(), calendar: await engine.definitions.calendar() }));
      if (opts.json) return printJson(io, keys.map(keyJson));
      if (keys.length === 0) return io.out('no signing key yet: an administrator creates one with `sop key init`\n');
      const rows = keys.map((k) => [spaced(k.id), `${k.addedSeq}`, formatLocal(new Date(k.addedAt), calendar), k.retiredSeq === null ? 'in use' : `retired at ${k.retiredSeq}`]);
      io.out(table(['KEY', 'ADDED', 'AT', 'STATE'], rows).join('\n') + '\n');
    });
}
