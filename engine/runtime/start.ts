/**
 * `sop start`: pins the SOP's current definition (content-addressed) and
 * records the instance's first event, binding the people of the case.
 */
import { SopError } from '../errors.js';
import { currentDefinition } from './sources.js';
import { storedDefinition } from './definitions.js';
import { randomBytes } from '../store/sha256.js';
import { initialState } from '../machine/fold.js';
import type { Instance } from '../store/index.js';
import type { Session } from './session.js';
import type { RuntimeState } from './instance-state.js';
import { actorMeta, currentUser } from './people.js';
import { printable } from './identity.js';

export interface StartOptions {
  title?: string;
  /** Case actor id -> user name; unbound case actors default to the starter. */
  assign?: Record<string, string>;
}

export const MAX_TITLE = 200;

export function startInstance(session: Session, sopId: string, options: StartOptions = {}): Instance<RuntimeState> {
  const me = currentUser(session);
  const { definition: def, stored } = currentDefinition(session.store, session.sops, sopId, (hash) => storedDefinition(session, hash));
  const title = (options.title ?? def.identity.name).trim();
  if (title.length === 0 || [...title].length > MAX_TITLE || /[\u0000-\u001f\u007f]/.test(title)) {
    throw new SopError('start.invalid-title', `the title must be 1 to ${MAX_TITLE} characters of text without control characters`, {
      hint: 'give a short title with --title "..."',
    });
  }
  const assignments: Record<string, string> = {};
  const caseActors = def.actors.filter((a) => a.kind === 'case');
  for (const [actor, user] of Object.entries(options.assign ?? {})) {
    const declared = def.actors.find((a) => a.id === actor);
    if (!declared) {
      throw new SopError('assign.unknown-actor', `SOP ${def.id} has no actor "${printable(actor)}"`, {
        hint: caseActors.length ? `actors bound per instance: ${caseActors.map((a) => a.id).join(', ')}` : 'this SOP has no actors bound per instance',
      });
    }
    if (declared.kind !== 'case') {
      throw new SopError('assign.role-actor', `"${actor}" (${declared.name}) is a standing role, not a person of the case`, {
        hint: `an administrator grants it: sop user grant <user> ${actor}`,
      });
    }
    if (!session.store.getUser(user)) {
      throw new SopError('auth.unknown-user', `"${printable(user)}" is not a registered user`, { hint: 'see sop user list' });
    }
  }
  for (const a of caseActors) assignments[a.id] = options.assign?.[a.id] ?? me.name;

  // Stored (once, content-addressed) only now that the start is known to go ahead.
  const definitionHash = stored ?? session.store.putDefinition(def);
  const state: RuntimeState = { ...initialState(def), assignments };
  const event = { type: 'started' as const, by: actorMeta(session), title, assignments };
  // A random id needs no read-then-write; a collision (1 in 2^40 a day) just retries.
  for (let attempt = 0; ; attempt++) {
    try {
      return session.store.createInstance({ id: newInstanceId(session.clock()), definitionHash, title, state, event });
    } catch (e) {
      if (!(e instanceof SopError && e.code === 'store.instance-exists') || attempt >= 3) throw e;
    }
  }
}

/** "20261122-k3x9q7ab": sortable by day, short enough to type. */
function newInstanceId(now: Date): string {
  const day = now.toISOString().slice(0, 10).replace(/-/g, '');
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  const bytes = randomBytes(8);
  let suffix = '';
  for (const b of bytes) suffix += alphabet[b % alphabet.length];
  return `${day}-${suffix}`;
}
