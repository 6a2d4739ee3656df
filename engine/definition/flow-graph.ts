/**
 * The procedure as a graph of arrows, for the tools that draw, walk and lint
 * it. Which arrows close a loop is decided once, here, so that the flowchart,
 * the path list and the lint rules agree on what a loop is.
 */
import type { SopDefinition, Step } from './types.js';

/** One arrow of the flowchart: a process step's `next`, or one exit of a decision. */
export interface FlowArrow {
  from: string;
  /** Position among the arrows of `from`: 0 for `next`, the exit's index for a decision. */
  index: number;
  to: string;
  /** The exit's label and choice id on a decision; null on a process step. */
  label: string | null;
  choice: string | null;
  /**
   * True when the arrow goes back to a step already on the way to `from`:
   * found by a depth-first walk from the start that follows `next` and the
   * exits in the order written. Without these arrows the flow has no cycle.
   */
  loop: boolean;
}

/** The arrows leaving a step, in the order written, before loops are known. */
function arrowsOf(step: Step): Omit<FlowArrow, 'loop'>[] {
  if (step.kind === 'process') return [{ from: step.id, index: 0, to: step.next, label: null, choice: null }];
  return step.exits.map((x, index) => ({ from: step.id, index, to: x.to, label: x.label, choice: x.id }));
}

/**
 * Every arrow of a valid definition, grouped by the step it leaves, with the
 * arrows that close a loop marked. The walk is iterative: a procedure of
 * thousands of steps must not overflow the stack.
 */
export function flowArrows(def: SopDefinition): Map<string, FlowArrow[]> {
  const byStep = new Map<string, FlowArrow[]>();
  for (const s of def.steps)
    byStep.set(
      s.id,
      arrowsOf(s).map((a) => ({ ...a, loop: false })),
    );
  const ON_WAY = 1;
  const DONE = 2;
  const state = new Map<string, number>();
  const stack: { id: string; next: number }[] = [{ id: def.start, next: 0 }];
  state.set(def.start, ON_WAY);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const arrows = byStep.get(top.id) ?? [];
    if (top.next >= arrows.length) {
      state.set(top.id, DONE);
      stack.pop();
      continue;
    }
    const arrow = arrows[top.next++]!;
    const seen = state.get(arrow.to);
    if (seen === ON_WAY) arrow.loop = true;
    else if (seen === undefined && byStep.has(arrow.to)) {
      state.set(arrow.to, ON_WAY);
      stack.push({ id: arrow.to, next: 0 });
    }
  }
  return byStep;
}
