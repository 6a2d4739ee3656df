/**
 * `sop advance`: completes the current step of an instance. Everything is
 * checked against the state read at the start; the event is appended with
 * that version, so a writer who read a stale state gets a conflict and
 * nothing is written. A refusal is itself recorded in the history.
 */
import { SopError, type ErrorCode, type ErrorData } from '../errors.js';
import type { SopDefinition, Step } from '../definition/types.js';
import type { OutputRecord } from '../events.js';
import { applyEvent, checkEvent, currentStep } from '../machine/fold.js';
import { completionsOf, mayComplete } from '../machine/authority.js';
import type { RuntimeState } from '../machine/instance-state.js';
import { blobRef } from '../store/index.js';
import type { Instance, User } from '../store/index.js';
import { isPlainText, printable } from '../text.js';
import type { Context } from './context.js';
import { actingUser, actorMeta, currentUser } from './people.js';
import { getInstanceOrFail } from './lookup.js';
import { MAX_NOTE, MAX_OUTPUT_BYTES } from './limits.js';
import type { AdvanceOptions, OutputInput } from './advance-request.js';

export interface Advanced {
  instance: Instance<RuntimeState>;
  completed: string;
  choice?: string;
}

export function advanceInstance(ctx: Context, id: string, options: AdvanceOptions = {}): Advanced {
  const me = currentUser(ctx);
  // A conflict while recording a refusal means the instance moved: judge again on the new state.
  for (let attempt = 0; ; attempt++) {
    const inst = getInstanceOrFail<RuntimeState>(ctx, id);
    const def = ctx.office.pinnedDefinition(inst.definitionHash);
    try {
      return tryAdvance(ctx, me, inst, def, options);
    } catch (e) {
      if (e instanceof RetryAfterConflict && attempt < 3) continue;
      if (e instanceof RetryAfterConflict) throw e.conflict;
      throw e;
    }
  }
}

class RetryAfterConflict extends Error {
  constructor(readonly conflict: SopError) {
    super(conflict.message);
  }
}

type Refuse = (code: ErrorCode, message: string, data?: ErrorData, onStep?: Step) => never;

function tryAdvance(ctx: Context, me: User, inst: Instance<RuntimeState>, def: SopDefinition, options: AdvanceOptions): Advanced {
  const state = inst.state;
  const step = currentStep(def, state);
  const tx = ctx.writes;

  const refuse: Refuse = (code, message, data = {}, onStep = step) => {
    try {
      tx.appendRefusal(inst.id, inst.version, {
        type: 'refused',
        ...(onStep ? { step: onStep.id } : {}),
        ...(options.choice !== undefined ? { choice: printable(options.choice, 100) } : {}),
        // No role: the person did not act in one; the reason names the role the step needs.
        by: actorMeta(ctx),
        // The message may quote what was given (a choice): kept short and printable in the history.
        reason: `${code}: ${printable(message, 1000)}`,
      });
    } catch (e) {
      if (e instanceof SopError && e.code === 'store.conflict') throw new RetryAfterConflict(e as SopError);
      throw e;
    }
    throw new SopError(code, message, { data: { instance: inst.id, ...(onStep ? { step: onStep.id } : {}), ...data } });
  };

  if (options.expectVersion !== undefined && options.expectVersion !== inst.version) {
    throw new SopError('store.conflict', `instance ${inst.id} changed since you read it (version ${options.expectVersion}, now ${inst.version})`, {
      data: { instance: inst.id, expected: options.expectVersion, version: inst.version },
    });
  }
  if (state.status !== 'active' || !step) {
    refuse('instance.finished', `instance ${inst.id} is ${state.status}${state.outcome ? ` (${state.outcome})` : ''}; there is no step to complete`, { status: state.status });
  }
  if (options.step !== undefined && options.step !== step.id) {
    // Someone else completed it first: the operator's view is stale, which is a conflict, not a new request.
    const known = def.steps.some((s) => s.id === options.step);
    if (known && (state.visits[options.step] ?? 0) > 0) {
      throw new SopError('store.conflict', `step "${options.step}" was already completed; instance ${inst.id} is now at step "${step.id}"`, {
        data: { instance: inst.id, step: options.step, current: step.id },
      });
    }
    refuse('step.not-current', `step "${printable(options.step)}" is not the current step of ${inst.id}; the current step is "${step.id}" (${step.number} ${step.activity})`, {
      given: options.step,
      current: step.id,
    });
  }

  const s = step;
  const actor = def.actors.find((a) => a.id === s.actor)!;
  const onBehalfOf = ctx.identity.onBehalfOf;
  // The rules of authority, with the facts of this moment: the same function verify asks of the record.
  const authority = mayComplete(def, s, {
    at: ctx.clock().toISOString(),
    user: me.name,
    roles: me.roles,
    // Read only when they can matter: someone acting in a role they do not hold.
    delegations: actor.kind === 'role' && !me.roles.includes(actor.id) ? ctx.store.delegations(me.name) : [],
    assignments: state.assignments,
    completions: s.separateFrom?.length ? completionsOf(ctx.store.eventsOf(inst.id)) : [],
    ...(onBehalfOf ? { emergency: { by: ctx.identity.user, admin: actingUser(ctx).isAdmin, reason: onBehalfOf.reason } } : {}),
  });
  if (!authority.allowed) refuse(authority.code, authority.message, authority.data);
  const { role, deputy } = authority;

  const check = checkEvent(def, state, { type: 'COMPLETE', step: s.id, ...(options.choice !== undefined ? { choice: options.choice } : {}) });
  if (!check.ok) refuse(check.code, check.message, s.kind === 'decision' ? { exits: s.exits.map((x) => x.id) } : {});
  const event = (check as { ok: true; event: { type: 'COMPLETE'; step: string; choice?: string } }).event;

  const note = options.note?.trim();
  if (note !== undefined && ([...note].length > MAX_NOTE || !isPlainText(note, { multiline: true }))) {
    refuse('note.invalid', `the note must be at most ${MAX_NOTE} characters of text without control characters`, { max: MAX_NOTE });
  }

  const outputs = checkOutputs(s, options.outputs ?? [], refuse);
  // Contents are stored with the event, in its transaction: a conflict leaves none behind.
  const blobs = outputs.filter(({ spec }) => !spec.sensitive).map(({ input }) => input.value);
  const records: OutputRecord[] = outputs.map(({ spec, input }) => {
    if (spec.sensitive) return { id: spec.id, sensitive: true, given: true };
    const ref = blobRef(input.value);
    return { id: spec.id, sha256: ref.sha256, size: ref.size };
  });

  const next = { ...applyEvent(def, state, event), assignments: state.assignments };
  let appended: { version: number; at: string };
  try {
    appended = tx.appendEvent(
      inst.id,
      inst.version,
      {
        type: 'completed',
        step: s.id,
        ...(event.choice !== undefined ? { choice: event.choice } : {}),
        ...(records.length ? { outputs: records } : {}),
        ...(note ? { note } : {}),
        by: { ...actorMeta(ctx, role), ...(deputy ? { deputy } : {}) },
      },
      next,
      next.status === 'active' ? {} : { status: next.status, outcome: next.outcome },
      blobs,
    );
  } catch (e) {
    if (e instanceof SopError && e.code === 'store.conflict') {
      throw new SopError('store.conflict', `instance ${inst.id} changed while you were completing step "${s.id}"; nothing was written`, {
        data: { instance: inst.id, step: s.id },
      });
    }
    throw e;
  }
  // What the row now holds, without reading it back: the append wrote exactly this.
  const instance: Instance<RuntimeState> = {
    ...inst,
    version: appended.version,
    state: next,
    updatedAt: appended.at,
    ...(next.status === 'active' ? {} : { status: next.status, outcome: next.outcome }),
  };
  return { instance, completed: s.id, ...(event.choice !== undefined ? { choice: event.choice } : {}) };
}

function checkOutputs(step: Step, given: OutputInput[], refuse: Refuse): { spec: Step['outputs'][number]; input: OutputInput }[] {
  const seen = new Set<string>();
  for (const input of given) {
    const spec = step.outputs.find((o) => o.id === input.id);
    if (!spec) refuse('output.unknown', `step "${step.id}" has no output "${printable(input.id)}"`, { output: input.id, outputs: step.outputs.map((o) => o.id) });
    if (seen.has(input.id)) refuse('output.repeated', `output "${input.id}" is given twice`, { output: input.id });
    seen.add(input.id);
    // The value itself never goes into a message.
    if (spec.sensitive && !input.protected) {
      refuse('output.sensitive-argument', `output "${input.id}" is sensitive and is never taken from the command line`, { output: input.id });
    }
    const size = typeof input.value === 'string' ? Buffer.byteLength(input.value) : input.value.length;
    if (size > MAX_OUTPUT_BYTES) {
      refuse('output.too-large', `output "${input.id}" is ${(size / 1024 / 1024).toFixed(1)} MiB; an output may be at most ${MAX_OUTPUT_BYTES / 1024 / 1024} MiB`, {
        output: input.id,
        size,
        max: MAX_OUTPUT_BYTES,
      });
    }
    if (size === 0) refuse('output.empty', `output "${input.id}" is empty`, { output: input.id });
  }
  const missing = step.outputs.filter((o) => !seen.has(o.id));
  if (missing.length) {
    refuse('output.missing', `step ${step.number} "${step.activity}" cannot be completed without its output(s): ${missing.map((o) => `${o.id} (${o.name})`).join(', ')}`, {
      missing: missing.map((o) => o.id),
      sensitive: missing.filter((o) => o.sensitive).map((o) => o.id),
    });
  }
  return given.map((input) => ({ spec: step.outputs.find((o) => o.id === input.id)!, input }));
}
