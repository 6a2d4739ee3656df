/**
 * An instance's state is the fold of its recorded events; the copy cached on
 * the instance row is only a shortcut that replay must reproduce exactly.
 */
import type { SopDefinition } from '../definition/types.js';
import type { SopEvent } from '../events.js';
import { foldEvents } from './fold.js';
import type { InstanceState } from './fold.js';
import type { MachineEvent } from './build-machine.js';

export interface RuntimeState extends InstanceState {
  /** Case actors (Pemohon, Pengguna) bound at start: actor id -> user name. */
  assignments: Record<string, string>;
}

/** The machine event a recorded event stands for; refusals, `started` and `reassigned` move nothing. */
export function machineEventOf(event: SopEvent): MachineEvent | undefined {
  if (event.type === 'completed') {
    return event.choice === undefined ? { type: 'COMPLETE', step: event.step! } : { type: 'COMPLETE', step: event.step!, choice: event.choice };
  }
  if (event.type === 'cancelled') return { type: 'CANCEL' };
  return undefined;
}

/**
 * The case actors bound after `event`, given those bound before it: a
 * `started` event binds them, a `reassigned` one binds its actor to another
 * person; the others change nothing.
 */
export function assignmentsAfter(before: Readonly<Record<string, string>>, event: SopEvent): Record<string, string> {
  if (event.type === 'started') return { ...(event.assignments ?? {}) };
  if (event.type === 'reassigned' && event.actor !== undefined && event.to !== undefined) return { ...before, [event.actor]: event.to };
  return { ...before };
}

/** Folds an instance's events (refusals skipped) into its state: the machine moves on completions and a cancel; assignments change on a reassignment. */
export function deriveState(def: SopDefinition, events: readonly { version: number | null; event: SopEvent }[]): RuntimeState {
  const applied = events.filter((e) => e.version !== null);
  const machine = foldEvents(
    def,
    applied.flatMap((e) => {
      const m = machineEventOf(e.event);
      return m ? [m] : [];
    }),
  );
  let assignments: Record<string, string> = {};
  for (const e of applied) assignments = assignmentsAfter(assignments, e.event);
  return { ...machine, assignments };
}
