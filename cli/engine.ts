/** How a command gets its engine: from the global options, acting as the person running it. */
import type { Command } from 'commander';
import { openEngine, type Engine } from '../engine/index.js';
import { resolveIdentity } from './identity.js';
import { globalOptions } from './options.js';

let processEndsAfterCommand = false;

/**
 * Called by the `sop` binary, whose process ends with the command. Closing
 * the last connection to a WAL database checkpoints the WAL into the file
 * (a write and an fsync); the exit leaves that to the automatic checkpoint
 * of a later write. What was committed is durable at its commit either way
 * (synchronous=FULL). A program that runs commands in-process keeps closing
 * its engines.
 */
export function leaveDatabaseToProcessExit(): void {
  processEndsAfterCommand = true;
}

/**
 * Runs `fn` with an engine built from the global options, then closes it
 * (unless the process is about to end). The engine acts for the person
 * running the command, except for the tools that act for nobody (`anonymous`:
 * validate, show, graph ...), which then do not depend on the OS login.
 */
export async function withEngine<T>(cmd: Command, fn: (engine: Engine) => Promise<T>, mode: { create?: boolean; anonymous?: boolean; sops?: string } = {}): Promise<T> {
  const opts = globalOptions(cmd);
  const engine = await openEngine({
    db: opts.db,
    sops: mode.sops ?? opts.sops,
    create: mode.create === true,
    ...(mode.anonymous ? {} : { identity: resolveIdentity(opts) }),
  });
  try {
    return await fn(engine);
  } finally {
    if (!processEndsAfterCommand) await engine.close();
  }
}
