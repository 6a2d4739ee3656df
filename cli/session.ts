import type { Command } from 'commander';
import { Session, resolveIdentity, runRequest, newRequestId, storeFailure } from '../engine/index.js';
import { globalOptions } from './program.js';

/**
 * Runs a changing command's checks and writes once per request id (the
 * command's `--request-id`, or a random one): a retry with the same id gets
 * the first run's answer back instead of being applied again. The answer is
 * what `body` returns, plain JSON data that the command then prints.
 */
export type Once = <T>(request: { command: string; args: unknown }, body: () => T) => T;

/** Runs `fn` with a session built from the global options, and always closes the database. */
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
    session.close();
  }
}

