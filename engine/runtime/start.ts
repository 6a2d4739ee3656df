/**
 * `sop start`: pins the SOP's current definition (content-addressed) and
 * records the instance's first event, binding the people of the case.
 */
import { SopError } from '../errors.js';
import { randomBytes } from '../store/sha256.js';
import { initialState } from '../machine/fold.js';
import type { RuntimeState } from '../machine/instance-state.js';
import type { Instance } from '../store/index.js';
import { isPlainText, printable } from '../text.js';
import type { Context } from './context.js';
import { actorMeta, currentUser } from './people.js';
import { MAX_TITLE } from './limits.js';
import { publicationInEffect } from './publish.js';

export interface StartOptions {
  title?: string;
  /** Case actor id -> user name; unbound case actors default to the starter. */
  assign?: Record<string, string>;
}

export function startInstance(ctx: Context, sopId: string, options: StartOptions = {}): Instance<RuntimeState> {
  const me = currentUser(ctx);
  const published = publicationInEffect(ctx, sopId);
  const def = ctx.office.pinnedDefinition(published.hash);
  const title = (options.title ?? def.identity.name).trim();
  if (title.length === 0 || [...title].length > MAX_TITLE || !isPlainText(title)) {
    throw new SopError('start.invalid-title', `the title must be 1 to ${MAX_TITLE} characters of text without control characters`, { data: { max: MAX_TITLE } });
  }
  const assignments: Record<string, string> = {};
  const caseActors = def.actors.filter((a) => a.kind === 'case');
  for (const [actor, user] of Object.entries(options.assign ?? {})) {
    const declared = def.actors.find((a) => a.id === actor);
    if (!declared) {
      throw new SopError('assign.unknown-actor', `SOP ${def.id} has no actor "${printable(actor)}"`, { data: { sop: def.id, actor, caseActors: caseActors.map((a) => a.id) } });
    }
    if (declared.kind !== 'case') {
      throw new SopError('assign.role-actor', `"${actor}" (${declared.name}) is a standing role, not a person of the case`, { data: { sop: def.id, actor } });
    }
    if (!ctx.store.getUser(user)) throw new SopError('auth.unknown-user', `"${printable(user)}" is not a registered user`, { data: { user } });
  }
  for (const a of caseActors) assignments[a.id] = options.assign?.[a.id] ?? me.name;

  const tx = ctx.writes;
  const definitionHash = published.hash;
  const state: RuntimeState = { ...initialState(def), assignments };
  const event = { type: 'started' as const, by: actorMeta(ctx), title, assignments };
  // A random id needs no read-then-write; a collision (1 in 2^40 a day) just retries.
  for (let attempt = 0; ; attempt++) {
    try {
      return tx.createInstance({ id: newInstanceId(ctx.clock()), definitionHash, title, state, event });
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
