/**
 * The step an instance waits on, read from its state without the machine:
 * `sop status` and `sop tasks` need only this, and must not load XState.
 */
import type { SopDefinition, Step } from '../definition/types.js';

/** The step to complete next, if the instance is active. */
export function currentStep(def: SopDefinition, state: { current: string | null }): Step | undefined {
  return state.current === null ? undefined : def.steps.find((s) => s.id === state.current);
}
