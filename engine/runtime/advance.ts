/**
 * `sop advance`: completes the current step of an instance. Everything is
 * checked against the state read at the start; the event is appended with
 * that version, so a writer who read a stale state gets a conflict and
 * nothing is written. A refusal is itself recorded in the history.
 */
import { SopError } from '../errors.js';
import type { SopDefinition, Step } from '../definition/types.js';
import { applyEvent, checkEvent, currentStep } from '../machine/fold.js';
import { blobRef } from '../store/index.js';
import type { Instance, OutputRecord, User } from '../store/index.js';
import type { Session } from './session.js';
import type { RuntimeState } from './instance-state.js';
import { pinnedDefinition } from './definitions.js';
import { actorMeta, currentUser } from './people.js';
import { getInstanceOrFail } from './lookup.js';
import { printable } from './identity.js';

/** A stored output may be at most this large: records, not archives. */
export const MAX_OUTPUT_BYTES = 10 * 1024 * 1024;
export const MAX_NOTE = 2000;

export interface OutputInput {
  id: string;
  value: string | Buffer;
  /** True when the value came from the protected channel (prompt or stdin), never from the command line. */
  protected?: boolean;
}

export interface AdvanceOptions {
  choice?: string;
  outputs?: OutputInput[];
  note?: string;
  /** The step the operator means to complete; if the instance has moved on, that is a conflict, not a silent skip. */
  step?: string;
  /** The instance version the operator read (from `sop status`). */
  expectVersion?: number;
}

export interface Advanced {
  instance: Instance<RuntimeState>;
  completed: string;
  choice?: string;
}

export function advanceInstance(session: Session, id: string, options: AdvanceOptions = {}): Advanced {
  const me = currentUser(session);
  // A conflict while recording a refusal means the instance moved: judge again on the new state.
  for (let attempt = 0; ; attempt++) {
    const inst = getInstanceOrFail<RuntimeState>(session, id);
    const def = pinnedDefinition(session, inst.definitionHash);
    try {
      return tryAdvance(session, me, inst, def, options);
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

function tryAdvance(session: Session, me: User, inst: Instance<RuntimeState>, def: SopDefinition, options: AdvanceOptions): Advanced {
  const state = inst.state;
  const step = currentStep(def, state);

  const refuse = (code: string, message: string, hint?: string, onStep: Step | undefined = step): never => {
    try {
      session.store.appendRefusal(inst.id, inst.version, {
        type: 'refused',
        ...(onStep ? { step: onStep.id } : {}),
        ...(options.choice !== undefined ? { choice: printable(options.choice, 100) } : {}),
        // No role: the person did not act in one; the reason names the role the step needs.
        by: actorMeta(session),
        // The message may quote what was given (a choice): kept short and printable in the history.
        reason: `${code}: ${printable(message, 1000)}`,
      });
    } catch (e) {
      if (e instanceof SopError && e.code === 'store.conflict') throw new RetryAfterConflict(e);
      throw e;
    }
    throw new SopError(code, message, hint === undefined ? {} : { hint });
  };

  if (options.expectVersion !== undefined && options.expectVersion !== inst.version) {
    throw new SopError('store.conflict', `instance ${inst.id} changed since you read it (version ${options.expectVersion}, now ${inst.version})`, {
      hint: `run \`sop status ${inst.id}\` and try again`,
    });
  }
  if (state.status !== 'active' || !step) {
    refuse('instance.finished', `instance ${inst.id} is ${state.status}${state.outcome ? ` (${state.outcome})` : ''}; there is no step to complete`, `see sop history ${inst.id}`);
  }
  if (options.step !== undefined && options.step !== step!.id) {
    // Someone else completed it first: the operator's view is stale, which is a conflict, not a new request.
    const known = def.steps.some((s) => s.id === options.step);
    if (known && (state.visits[options.step] ?? 0) > 0) {
      throw new SopError('store.conflict', `step "${options.step}" was already completed; instance ${inst.id} is now at step "${step!.id}"`, {
        hint: `run \`sop status ${inst.id}\` and try again`,
      });
    }
    refuse('step.not-current', `step "${printable(options.step)}" is not the current step of ${inst.id}; the current step is "${step!.id}" (${step!.number} ${step!.activity})`);
  }

  const s = step!;
  const actor = def.actors.find((a) => a.id === s.actor)!;
  if (actor.kind === 'case') {
    const bound = state.assignments[actor.id];
    if (bound !== me.name) {
      refuse('auth.not-actor', `step ${s.number} "${s.activity}" is done by ${actor.name}, who is "${bound}" in this instance, not "${me.name}"`, `act as ${bound}: --as ${bound}`);
    }
  } else if (!me.roles.includes(actor.id)) {
    refuse('auth.not-actor', `step ${s.number} "${s.activity}" is done by ${actor.name}; "${me.name}" does not hold the role ${actor.id}`, `someone with the role acts (see sop user list), or an administrator grants it: sop user grant ${me.name} ${actor.id}`);
  }

  const check = checkEvent(def, state, { type: 'COMPLETE', step: s.id, ...(options.choice !== undefined ? { choice: options.choice } : {}) });
  if (!check.ok) refuse(check.code, check.message, s.kind === 'decision' ? `choose with --choice <${s.exits.map((x) => x.id).join('|')}>` : undefined);
  const event = (check as { ok: true; event: { type: 'COMPLETE'; step: string; choice?: string } }).event;

  const note = options.note?.trim();
  if (note !== undefined && ([...note].length > MAX_NOTE || /[\u0000-\u0008\u000b-\u001f\u007f]/.test(note))) {
    refuse('note.invalid', `the note must be at most ${MAX_NOTE} characters of text without control characters`);
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
    appended = session.store.appendEvent(
      inst.id,
      inst.version,
      {
        type: 'completed',
        step: s.id,
        ...(event.choice !== undefined ? { choice: event.choice } : {}),
        ...(records.length ? { outputs: records } : {}),
        ...(note ? { note } : {}),
        by: actorMeta(session, s.actor),
      },
      next,
      next.status === 'active' ? {} : { status: next.status, outcome: next.outcome },
      blobs,
    );
  } catch (e) {
    if (e instanceof SopError && e.code === 'store.conflict') {
      throw new SopError('store.conflict', `instance ${inst.id} changed while you were completing step "${s.id}"; nothing was written`, {
        hint: `run \`sop status ${inst.id}\` and try again`,
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

function checkOutputs(
  step: Step,
  given: OutputInput[],
  refuse: (code: string, message: string, hint?: string) => never,
): { spec: Step['outputs'][number]; input: OutputInput }[] {
  const seen = new Set<string>();
  for (const input of given) {
    const spec = step.outputs.find((o) => o.id === input.id);
    if (!spec) {
      refuse('output.unknown', `step "${step.id}" has no output "${printable(input.id)}"`, step.outputs.length ? `its outputs: ${step.outputs.map((o) => o.id).join(', ')}` : 'this step declares no outputs');
    }
    if (seen.has(input.id)) refuse('output.repeated', `output "${input.id}" is given twice`);
    seen.add(input.id);
    // The value itself never goes into a message.
    if (spec!.sensitive && !input.protected) {
      refuse('output.sensitive-argument', `output "${input.id}" is sensitive and is never taken from the command line`, 'give it at the prompt, or on standard input');
    }
    const size = typeof input.value === 'string' ? Buffer.byteLength(input.value) : input.value.length;
    if (size > MAX_OUTPUT_BYTES) {
      refuse('output.too-large', `output "${input.id}" is ${(size / 1024 / 1024).toFixed(1)} MiB; an output may be at most ${MAX_OUTPUT_BYTES / 1024 / 1024} MiB`, 'store a reference (a path or document number) as text instead');
    }
    if (size === 0) refuse('output.empty', `output "${input.id}" is empty`);
  }
  const missing = step.outputs.filter((o) => !seen.has(o.id));
  if (missing.length) {
    refuse(
      'output.missing',
      `step ${step.number} "${step.activity}" cannot be completed without its output(s): ${missing.map((o) => `${o.id} (${o.name})`).join(', ')}`,
      missing.some((o) => !o.sensitive) ? `give them with --output "<id>=<text>" or --output "<id>=@<file>"` : 'sensitive outputs are asked for at the prompt or read from standard input',
    );
  }
  return given.map((input) => ({ spec: step.outputs.find((o) => o.id === input.id)!, input }));
}
