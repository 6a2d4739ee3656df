/**
 * `reassign`: an administrator binds a person of the case (Pemohon,
 * Pengguna) of an active instance to someone else, because the person left
 * or was removed. A `reassigned` event: a new version, the state's
 * assignments change, the step does not move (and stays due when it was).
 */
import { SopError } from '../errors.js';
import type { RuntimeState } from '../machine/instance-state.js';
import type { Instance } from '../store/index.js';
import { isPlainText, printable } from '../text.js';
import type { Context } from './context.js';
import { actingUser, actorMeta } from './people.js';
import { getInstanceOrFail } from './lookup.js';
import { MAX_NOTE } from './limits.js';

export interface Reassignment {
  /** The case actor (an actor id of kind `case`). */
  actor: string;
  /** The person bound to it from now on. */
  to: string;
  /** Why: on record. */
  reason: string;
}

export function reassignActor(ctx: Context, id: string, request: Reassignment): Instance<RuntimeState> {
  const me = actingUser(ctx);
  const reason = request.reason.trim();
  if (!reason || [...reason].length > MAX_NOTE || !isPlainText(reason, { multiline: true })) {
    throw new SopError('reassign.invalid-reason', `a reason of 1 to ${MAX_NOTE} characters of text is required`, { data: { max: MAX_NOTE } });
  }
  const inst = getInstanceOrFail<RuntimeState>(ctx, id);
  const def = ctx.office.pinnedDefinition(inst.definitionHash);
  const tx = ctx.writes;
  // Refused for who asks or what the instance is: recorded in its history, as a refused cancel is.
  const refuse = (code: 'instance.finished' | 'auth.not-admin', message: string, data: Record<string, string>): never => {
    tx.appendRefusal(inst.id, inst.version, { type: 'refused', by: actorMeta(ctx), reason: `${code}: ${printable(message, 1000)}` });
    throw new SopError(code, message, { data: { instance: inst.id, ...data } });
  };
  if (!me.isAdmin) refuse('auth.not-admin', `only an administrator may reassign the people of a case; "${me.name}" is not one`, { user: me.name, action: 'reassign' });
  if (inst.state.status !== 'active') refuse('instance.finished', `instance ${inst.id} is ${inst.state.status}; only an active instance is reassigned`, { status: inst.state.status });

  const caseActors = def.actors.filter((a) => a.kind === 'case');
  const actor = def.actors.find((a) => a.id === request.actor);
  if (!actor) {
    throw new SopError('assign.unknown-actor', `SOP ${def.id} has no actor "${printable(request.actor)}"`, { data: { sop: def.id, actor: request.actor, caseActors: caseActors.map((a) => a.id) } });
  }
  if (actor.kind !== 'case') {
    throw new SopError('assign.role-actor', `"${actor.id}" (${actor.name}) is a standing role, not a person of the case: give its holder a deputy instead (sop delegate)`, {
      data: { sop: def.id, actor: actor.id },
    });
  }
  const to = ctx.store.getUser(request.to);
  if (!to) throw new SopError('auth.unknown-user', `"${printable(request.to)}" is not a registered user`, { data: { user: request.to } });
  const from = inst.state.assignments[actor.id];
  if (from === to.name) throw new SopError('reassign.same-person', `${actor.name} of ${inst.id} is ${to.name} already`, { data: { instance: inst.id, actor: actor.id, user: to.name } });

  const next: RuntimeState = { ...inst.state, assignments: { ...inst.state.assignments, [actor.id]: to.name } };
  const appended = tx.appendEvent(inst.id, inst.version, { type: 'reassigned', actor: actor.id, from: from ?? '', to: to.name, reason, by: actorMeta(ctx) }, next);
  return { ...inst, version: appended.version, state: next };
}
