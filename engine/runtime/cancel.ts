/** `sop cancel`: ends an instance early, by its starter or an administrator, with a reason on record. */
import { SopError } from '../errors.js';
import { applyEvent } from '../machine/fold.js';
import type { Instance } from '../store/index.js';
import type { Session } from './session.js';
import type { RuntimeState } from './instance-state.js';
import { pinnedDefinition } from './definitions.js';
import { actorMeta, currentUser } from './people.js';
import { getInstanceOrFail } from './lookup.js';
import { MAX_NOTE } from './advance.js';
import { printable } from './identity.js';

export function cancelInstance(session: Session, id: string, reason: string): Instance<RuntimeState> {
  const me = currentUser(session);
  const text = reason.trim();
  if (!text || [...text].length > MAX_NOTE || /[\u0000-\u0008\u000b-\u001f\u007f]/.test(text)) {
    throw new SopError('cancel.invalid-reason', `a reason of 1 to ${MAX_NOTE} characters is required`, { hint: 'say why: --reason "..."', exitCode: 2 });
  }
  const inst = getInstanceOrFail<RuntimeState>(session, id);
  const def = pinnedDefinition(session, inst.definitionHash);
  const refuse = (code: string, message: string, hint: string): never => {
    session.store.appendRefusal(inst.id, inst.version, { type: 'refused', by: actorMeta(session), reason: `${code}: ${printable(message, 1000)}` });
    throw new SopError(code, message, { hint });
  };
  if (inst.state.status !== 'active') {
    refuse('instance.finished', `instance ${inst.id} is already ${inst.state.status}`, `see sop history ${inst.id}`);
  }
  if (inst.startedBy !== me.name && !me.isAdmin) {
    refuse('auth.not-allowed', `only ${inst.startedBy}, who started ${inst.id}, or an administrator may cancel it`, 'ask them, or an administrator');
  }
  const next = { ...applyEvent(def, inst.state, { type: 'CANCEL' }), assignments: inst.state.assignments };
  session.store.appendEvent(inst.id, inst.version, { type: 'cancelled', by: actorMeta(session), reason: text }, next, {
    status: 'cancelled',
    outcome: null,
  });
  return getInstanceOrFail<RuntimeState>(session, inst.id);
}
