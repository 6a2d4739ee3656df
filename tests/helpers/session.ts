/** In-process sessions for tests: act as a user on a test store, the store closed after each act. */
import { Session } from '../../dist/engine/index.js';
import { SOPS } from './cli.js';

export type As = <T>(user: string, fn: (s: Session) => T, create?: boolean) => T;

/**
 * `as(user, fn)` runs `fn` with a session of `user` on the store `db()`
 * (read when called, so a test may create its store in beforeAll), and
 * closes it. `create` lets `sop init` create the file.
 */
export function actingAs(db: () => string, options: { sops?: () => string; clock?: () => Date; osUser?: string } = {}): As {
  return (user, fn, create = false) => {
    const s = new Session(
      { db: db(), sops: options.sops?.() ?? SOPS, identity: { user, osUser: options.osUser ?? 'tester' }, ...(options.clock ? { clock: options.clock } : {}) },
      { create },
    );
    try {
      return fn(s);
    } finally {
      s.close();
    }
  };
}
