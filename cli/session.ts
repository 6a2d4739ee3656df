import type { Command } from 'commander';
import { Session } from '../engine/runtime/session.js';
import { resolveIdentity } from '../engine/runtime/identity.js';
import { runRequest, newRequestId } from '../engine/runtime/requests.js';
import { storeFailure } from '../engine/store/failures.js';
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

/**
 * Runs a changing command's checks and writes once per request id (the
 * command's `--request-id`, or a random one): a retry with the same id gets
 * the first run's answer back instead of being applied again. The answer is
 * what `body` returns, plain JSON data that the command then prints.
 */
export type Once = <T>(request: { command: string; args: unknown }, body: () => T) => T;

/** Runs `fn` with a session built from the global options, then closes the database (unless the process is about to end). */
export function withSession<T>(cmd: Command, fn: (session: Session, once: Once) => T, mode: { create?: boolean } = {}): T {
  const opts = globalOptions(cmd);
  const session = new Session({ db: opts.db, sops: opts.sops, identity: resolveIdentity(opts.as) }, mode);
  const once: Once = (request, body) => {
    const id = (cmd.opts() as { requestId?: string }).requestId ?? newRequestId();
    return runRequest(session, { id, ...request }, body);
  };
  try {
    return fn(session, once);
  } catch (e) {
    // A damaged, full or locked file shows in any read or write: say so, never as an internal error.
    throw storeFailure(session.db, e);
  } finally {
    if (!processEndsAfterCommand) session.close();
  }
}

