import { SopError } from '../errors.js';
import type { SopDefinition } from '../definition/types.js';
import type { Session } from './session.js';

const cache = new WeakMap<Session, Map<string, SopDefinition>>();

/** The definition an instance is pinned to, read once per session. */
export function pinnedDefinition(session: Session, hash: string): SopDefinition {
  let byHash = cache.get(session);
  if (!byHash) cache.set(session, (byHash = new Map()));
  let def = byHash.get(hash);
  if (!def) {
    def = session.store.getDefinition(hash);
    if (!def) throw new SopError('store.unknown-definition', `the definition ${hash} that an instance is pinned to is missing from ${session.db}`, { hint: 'the database is damaged; run sop verify' });
    byHash.set(hash, def);
  }
  return def;
}
