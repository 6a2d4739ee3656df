import type { Command } from 'commander';
import { Session } from '../engine/runtime/session.js';
import { resolveIdentity } from '../engine/runtime/identity.js';
import { globalOptions } from './program.js';

/** Runs `fn` with a session built from the global options, and always closes the database. */
export function withSession<T>(cmd: Command, fn: (session: Session) => T, mode: { create?: boolean } = {}): T {
  const opts = globalOptions(cmd);
  const session = new Session({ db: opts.db, sops: opts.sops, identity: resolveIdentity(opts.as) }, mode);
  try {
    return fn(session);
  } finally {
    session.close();
  }
}
