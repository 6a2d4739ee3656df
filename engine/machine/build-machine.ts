/**
 * Turns any valid SopDefinition into an XState v5 machine, with no code per
 * SOP: the flow lives in the definition, the machine only executes it.
 *
 * Shape: a flat machine, one atomic state per step and one final state per
 * end, keyed by their ids (kebab-case, unique across steps and ends, so they
 * cannot clash), plus the reserved final state CANCELLED.
 *
 * The config is plain data: transitions name one generic guard (`completes`)
 * and one generic action (`visit`) with JSON params taken from the
 * definition, so nothing in it closes over the SOP.
 */
import { assign, setup } from 'xstate';
import { SopError } from '../errors.js';
import type { SopDefinition, Step } from '../definition/types.js';

/** The reserved state of a cancelled instance. `_` is not allowed in an id, so no step or end can be called this. */
export const CANCELLED = '__cancelled';

/** Complete the current step; `choice` (an exit id) is required at a decision and refused at a process step. */
export interface CompleteEvent {
  type: 'COMPLETE';
  step: string;
  choice?: string;
}

export interface CancelEvent {
  type: 'CANCEL';
}

/** The events of an instance, as recorded: plain JSON, so they replay exactly. */
export type MachineEvent = CompleteEvent | CancelEvent;

/** The machine's own data: how often each step was entered (loops enter a step more than once). */
export interface MachineContext {
  visits: Record<string, number>;
}

interface CompletesParams {
  step: string;
  /** Absent for a process step: then the event must carry no choice either. */
  choice?: string;
}

const sopSetup = setup({
  types: {
    context: {} as MachineContext,
    events: {} as MachineEvent,
  },
  guards: {
    /**
     * The one guard of every transition: the event completes exactly this
     * step, with exactly this choice. A label or a wrong step never moves the
     * machine; the runtime normalizes labels before recording.
     */
    completes: ({ event }, params: CompletesParams) => event.type === 'COMPLETE' && event.step === params.step && (event.choice ?? undefined) === params.choice,
  },
  actions: {
    /** Runs on entry of a step state, so the initial step and every loop-back count. */
    visit: assign(({ context }, params: { step: string }) => ({
      visits: { ...context.visits, [params.step]: (context.visits[params.step] ?? 0) + 1 },
    })),
  },
});

function createSopMachine(def: SopDefinition) {
  const states: Record<string, object> = {};
  for (const step of def.steps) states[step.id] = stepState(step);
  for (const end of def.ends) states[end.id] = { type: 'final' };
  states[CANCELLED] = { type: 'final' };
  return sopSetup.createMachine({
    id: def.id,
    initial: def.start,
    context: { visits: {} },
    // The states are built from data, which the typed config cannot follow; each is checked by xstate at creation.
    states: states as never,
  });
}

export type SopMachine = ReturnType<typeof createSopMachine>;

function stepState(step: Step): object {
  // reenter: a step that leads to itself (a "revise" exit) is exited and entered again, so `visit` counts it.
  const to = (target: string, params: CompletesParams) => ({ target, reenter: true, guard: { type: 'completes', params } });
  const complete = step.kind === 'decision' ? step.exits.map((x) => to(x.to, { step: step.id, choice: x.id })) : [to(step.next, { step: step.id })];
  return {
    entry: { type: 'visit', params: { step: step.id } },
    // CANCEL is on each step, not on the root, so a finished instance cannot be cancelled.
    on: { COMPLETE: complete, CANCEL: { target: CANCELLED } },
  };
}

/** Building costs far more than a transition, and a definition is immutable: one machine per definition object. */
const cache = new WeakMap<SopDefinition, SopMachine>();

/** The machine of `def`, built once per definition object. */
export function buildMachine(def: SopDefinition): SopMachine {
  let machine = cache.get(def);
  if (!machine) {
    if (def.steps.some((s) => s.id === CANCELLED) || def.ends.some((e) => e.id === CANCELLED)) {
      throw new SopError('machine.reserved-id', `"${CANCELLED}" is reserved for cancelled instances and cannot be a step or end id`);
    }
    machine = createSopMachine(def);
    cache.set(def, machine);
  }
  return machine;
}
