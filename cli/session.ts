import type { Command } from 'commander';
import { Session } from '../engine/runtime/session.js';
import { resolveIdentity } from '../engine/runtime/identity.js';
import { globalOptions } from './program.js';

let processEndsAfterCommand = false;

/**
 * Called by the `sop` binary, whose process ends with the command. Closing
 * the last connection to a WAL database checkpoints the WAL into the file
 * (a write and an fsync: about 4 ms of every command); the exit leaves that
 * to the automatic checkpoint of a later write. What was committed is
 * durable at its commit either way (synchronous=FULL). A program that runs
 * commands in-process keeps closing its connections.
 */
export function leaveDatabaseToProcessExit(): void {
  processEndsAfterCommand = true;
}

/** Runs `fn` with a session built from the global options, then closes the database (unless the process is about to end). */
export function withSession<T>(cmd: Command, fn: (session: Session) => T, mode: { create?: boolean } = {}): T {
  const opts = globalOptions(cmd);
  const session = new Session({ db: opts.db, sops: opts.sops, identity: resolveIdentity(opts.as) }, mode);
  try {
    return fn(session);
  } finally {
    if (!processEndsAfterCommand) session.close();
  }
}
