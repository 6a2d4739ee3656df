/** `cancel`: ends an instance early, by its starter or an administrator, with a reason on record. */
import { SopError } from '../errors.js';
import { applyEvent } from '../machine/fold.js';
import type { RuntimeState } from '../machine/instance-state.js';
import type { Instance } from '../store/index.js';
import { isPlainText, printable } from '../text.js';
import type { Context } from './context.js';
import { actorMeta, currentUser } from './people.js';
import { getInstanceOrFail } from './lookup.js';
import { MAX_NOTE } from './limits.js';

export function cancelInstance(ctx: Context, id: string, reason: string): Instance<RuntimeState> {
  const me = currentUser(ctx);
  const text = reason.trim();
  if (!text || [...text].length > MAX_NOTE || !isPlainText(text, { multiline: true })) {
    throw new SopError('cancel.invalid-reason', `a reason of 1 to ${MAX_NOTE} characters is required`, { data: { max: MAX_NOTE } });
  }
  const inst = getInstanceOrFail<RuntimeState>(ctx, id);
  const def = ctx.office.pinnedDefinition(inst.definitionHash);
  const tx = ctx.writes;
  const refuse = (code: 'instance.finished' | 'auth.not-allowed', message: string, data: Record<string, string>): never => {
    tx.appendRefusal(inst.id, inst.version, { type: 'refused', by: actorMeta(ctx), reason: `${code}: ${printable(message, 1000)}` });
    throw new SopError(code, message, { data: { instance: inst.id, ...data } });
  };
  if (inst.state.status !== 'active') {
    refuse('instance.finished', `instance ${inst.id} is already ${inst.state.status}`, { status: inst.state.status });
  }
  if (inst.startedBy !== me.name && !me.isAdmin) {
    refuse('auth.not-allowed', `only ${inst.startedBy}, who started ${inst.id}, or an administrator may cancel it`, { user: me.name, startedBy: inst.startedBy });
  }
  const next = { ...applyEvent(def, inst.state, { type: 'CANCEL' }), assignments: inst.state.assignments };
  tx.appendEvent(inst.id, inst.version, { type: 'cancelled', by: actorMeta(ctx), reason: text }, next, { status: 'cancelled', outcome: null });
  return getInstanceOrFail<RuntimeState>(ctx, inst.id);
}
