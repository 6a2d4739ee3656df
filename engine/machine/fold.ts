/**
 * Pure functions over an instance's recorded events: the state is never
 * stored as the truth, it is the fold of the events through the SOP's
 * machine. What comes out is a plain JSON object, so the store can cache it
 * and a replay can compare it with deep equality.
 */
import { createActor, initialTransition } from 'xstate';
import type { AnyActorScope, SnapshotFrom } from 'xstate';
import { SopError } from '../errors.js';
import type { DecisionStep, SopDefinition } from '../definition/types.js';
import { buildMachine, CANCELLED } from './build-machine.js';
import { currentStep } from './current-step.js';

export { currentStep };
import type { MachineEvent, SopMachine } from './build-machine.js';

export type InstanceStatus = 'active' | 'completed' | 'cancelled';

export interface InstanceState {
  status: InstanceStatus;
  /** The step to complete next; null once the instance is finished. */
  current: string | null;
  /** The outcome of the end reached; null unless completed. */
  outcome: string | null;
  /** The id of the end reached; null unless completed. */
  end: string | null;
  /** How many times each entered step was entered, in the order of the SOP's steps; a loop enters a step again. */
  visits: Record<string, number>;
}

export type RefusalCode = 'instance.finished' | 'step.not-current' | 'choice.required' | 'choice.unknown' | 'choice.not-allowed' | 'event.unknown';

export interface Refusal {
  ok: false;
  code: RefusalCode;
  message: string;
}

/** An accepted event comes back normalized (a choice given by label becomes the exit id): record that one. */
export type EventCheck = { ok: true; event: MachineEvent } | Refusal;

type Snapshot = SnapshotFrom<SopMachine>;

/** The state of a new instance: at the start step, entered once. */
export function initialState(def: SopDefinition): InstanceState {
  return toState(def, initialTransition(buildMachine(def))[0]);
}

/**
 * Replays recorded events from the start. A recorded event that does not
 * move the machine means the log and the definition disagree, which must
 * never be papered over: it throws SopError `machine.invalid-event`.
 */
export function foldEvents(def: SopDefinition, events: readonly MachineEvent[]): InstanceState {
  const replay = startReplay(def);
  for (const event of events) replay.apply(event);
  return replay.state();
}

/** A replay in progress: events applied one at a time, the state readable after each. */
export interface Replay {
  /** Applies the next recorded event; throws SopError `machine.invalid-event` if it does not apply. */
  apply(event: MachineEvent): void;
  state(): InstanceState;
}

/** Starts replaying an instance of `def` from its initial state (what foldEvents does, one event at a time). */
export function startReplay(def: SopDefinition): Replay {
  const machine = buildMachine(def);
  const scope = replayScope(machine);
  const step = (snapshot: Snapshot, event: MachineEvent) => machine.transition(snapshot, event, scope);
  let snapshot = initialTransition(machine)[0];
  let index = 0;
  return {
    apply(event) {
      snapshot = apply(def, snapshot, event, index++, step);
    },
    state: () => toState(def, snapshot),
  };
}

/**
 * Applies one more event to a state (e.g. the cached state of the store),
 * without replaying the log. `index` only names the event in the error.
 */
export function applyEvent(def: SopDefinition, state: InstanceState, event: MachineEvent, index = 0): InstanceState {
  const machine = buildMachine(def);
  const value = stateValue(state);
  // A cached state from another revision of the SOP may name a step this one lacks; xstate would throw a bare Error.
  if (!Object.hasOwn(machine.states, value)) {
    throw new SopError('machine.invalid-state', `the instance state names "${value}", which is no step or end of SOP ${def.id} revision ${def.revision}`, { data: { sop: def.id, revision: def.revision } });
  }
  const snapshot = machine.resolveState({ value, context: { visits: { ...state.visits } } });
  const scope = replayScope(machine);
  return toState(
    def,
    apply(def, snapshot, event, index, (s, e) => machine.transition(s, e, scope)),
  );
}

/**
 * xstate's pure `transition(machine, snapshot, event)` builds a throwaway
 * actor (and computes the machine's initial snapshot) on every call: more
 * than half of its cost per event. Both the replay and applyEvent make that
 * inert scope once per machine and call the machine's own pure `transition`
 * (the ActorLogic method that the public function wraps) with it. The
 * machine has no custom actions, children or delays, so nothing is ever
 * executed through the scope. tests/machine checks that the public function
 * gives the same states.
 */
function replayScope(machine: SopMachine): AnyActorScope {
  let scope = scopes.get(machine);
  if (!scope) {
    const self = createActor(machine);
    const none = () => {};
    scope = { self, id: '', sessionId: '', system: self.system, logger: none, defer: none, emit: none, stopChild: none, actionExecutor: none };
    scopes.set(machine, scope);
  }
  return scope;
}

/** Inert, so one per machine serves every replay (verify replays thousands of instances of one SOP). */
const scopes = new WeakMap<SopMachine, AnyActorScope>();

function apply(def: SopDefinition, snapshot: Snapshot, event: MachineEvent, index: number, step: (s: Snapshot, e: MachineEvent) => Snapshot): Snapshot {
  // xstate throws on an event without a string type; recorded data may be anything, so refuse it as ours.
  const next = isEventLike(event) ? step(snapshot, event) : snapshot;
  // Every accepted event changes the value (another state) or the context (a step re-entered by a loop to itself).
  if (next.value !== snapshot.value || next.context !== snapshot.context) return next;
  throw new SopError('machine.invalid-event', `event ${index} (${describeEvent(event)}) does not apply: ${whyNot(def, toState(def, snapshot), event)}`, {
    data: { sop: def.id, revision: def.revision, event: index },
  });
}

/** Why the machine refused an event, in words, for the error of a replay. */
function whyNot(def: SopDefinition, state: InstanceState, event: MachineEvent): string {
  const check = checkEvent(def, state, event);
  if (!check.ok) return `${check.code}: ${check.message}`;
  if (event.type === 'COMPLETE' && check.event.type === 'COMPLETE' && check.event.choice !== event.choice) {
    return `the choice must be recorded as the exit id "${check.event.choice}", not "${event.choice}"`;
  }
  return 'the machine did not move';
}

/**
 * Why an event would be refused in `state`, checked before anything is
 * recorded, so the user gets a message and not a replay error later.
 */
export function checkEvent(def: SopDefinition, state: InstanceState, event: MachineEvent): EventCheck {
  if (!isEventLike(event) || (event.type !== 'COMPLETE' && event.type !== 'CANCEL')) {
    return refuse('event.unknown', `unknown event ${describeEvent(event)}; the events are COMPLETE and CANCEL`);
  }
  if (state.status !== 'active') {
    const how = state.status === 'cancelled' ? 'was cancelled' : `is already completed (outcome "${state.outcome}")`;
    return refuse('instance.finished', `the instance ${how}; nothing more can be done in it`);
  }
  if (event.type === 'CANCEL') return { ok: true, event: { type: 'CANCEL' } };

  const current = currentStep(def, state);
  if (!current || event.step !== current.id) {
    const known = def.steps.some((s) => s.id === event.step);
    const what = known ? 'is not the current step' : `is not a step of SOP ${def.id}`;
    const now = current ? `"${current.id}" (${current.activity})` : 'unknown';
    return refuse('step.not-current', `step "${event.step}" ${what}; the current step is ${now}`);
  }
  const given = event.choice ?? undefined;
  if (current.kind === 'process') {
    if (given === undefined) return { ok: true, event: { type: 'COMPLETE', step: current.id } };
    return refuse('choice.not-allowed', `step "${current.id}" is not a decision and takes no choice; it leads on to "${current.next}"`);
  }
  if (given === undefined) {
    return refuse('choice.required', `step "${current.id}" is a decision: give a choice, one of ${listChoices(current)}`);
  }
  const choice = resolveChoice(current, given);
  if (choice === undefined) {
    return refuse('choice.unknown', `"${given}" is not a choice of step "${current.id}"; the choices are ${listChoices(current)}`);
  }
  return { ok: true, event: { type: 'COMPLETE', step: current.id, choice } };
}

/**
 * The exit id a user meant: the id itself, or the exit's label in any case
 * and spacing ("tidak setuju" for "Tidak Setuju"). Undefined if none.
 */
export function resolveChoice(step: DecisionStep, input: string): string | undefined {
  const norm = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase();
  const wanted = norm(input);
  if (!wanted) return undefined;
  return (step.exits.find((x) => x.id === input) ?? step.exits.find((x) => x.id === wanted || norm(x.label) === wanted))?.id;
}

function refuse(code: RefusalCode, message: string): Refusal {
  return { ok: false, code, message };
}

function listChoices(step: DecisionStep): string {
  return step.exits.map((x) => `${x.id} ("${x.label}")`).join(', ');
}

function isEventLike(event: unknown): event is MachineEvent {
  return typeof event === 'object' && event !== null && typeof (event as { type?: unknown }).type === 'string';
}

function describeEvent(event: unknown): string {
  if (!isEventLike(event)) return JSON.stringify(event) ?? String(event);
  if (event.type !== 'COMPLETE') return event.type;
  return `COMPLETE ${event.step}${event.choice === undefined ? '' : ` choice=${event.choice}`}`;
}

/** The snapshot's state value of a derived state: the inverse of toState. */
function stateValue(state: InstanceState): string {
  if (state.status === 'cancelled') return CANCELLED;
  return (state.status === 'completed' ? state.end : state.current) ?? '';
}

/** The plain JSON view of a snapshot. Only the snapshot's value and context matter; the rest is xstate's. */
function toState(def: SopDefinition, snapshot: Snapshot): InstanceState {
  const value = snapshot.value as string;
  const seen = snapshot.context.visits;
  // Keys in the SOP's order, whatever the path: the same visits always serialize the same.
  const visits: Record<string, number> = {};
  for (const s of def.steps) {
    const n = seen[s.id];
    if (n !== undefined) visits[s.id] = n;
  }
  if (value === CANCELLED) return { status: 'cancelled', current: null, outcome: null, end: null, visits };
  const end = def.ends.find((e) => e.id === value);
  if (end) return { status: 'completed', current: null, outcome: end.outcome, end: end.id, visits };
  return { status: 'active', current: value, outcome: null, end: null, visits };
}
