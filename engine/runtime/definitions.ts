import { SopError } from '../errors.js';
import type { SopDefinition } from '../definition/types.js';
import type { Session } from './session.js';

/**
 * One object per stored definition and session: the XState machine of a
 * definition is built once per object (build-machine.ts), so reading the
 * same definition twice must give the same object.
 */
const cache = new WeakMap<Session, Map<string, SopDefinition>>();

/** The stored definition with this hash, read once per session; undefined if the store does not keep it. */
export function storedDefinition(session: Session, hash: string): SopDefinition | undefined {
  let byHash = cache.get(session);
  if (!byHash) cache.set(session, (byHash = new Map()));
  let def = byHash.get(hash);
  if (!def) {
    def = session.store.getDefinition(hash);
    if (def) byHash.set(hash, def);
  }
  return def;
}

/** The definition an instance is pinned to, read once per session. */
export function pinnedDefinition(session: Session, hash: string): SopDefinition {
  const def = storedDefinition(session, hash);
  if (!def) throw new SopError('store.unknown-definition', `the definition ${hash} that an instance is pinned to is missing from ${session.db}`, { hint: 'the database is damaged; run sop verify' });
  return def;
}
