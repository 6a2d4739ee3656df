/**
 * What an advance asks, known before anything is checked or written: the
 * step it would complete, which of its outputs must come through a
 * protected channel, and the fingerprint of the request. Kept apart from
 * the advance itself (advance.ts), which needs the XState machine: a
 * command that only reads never loads it.
 */
import type { OutputSpec, Step } from '../definition/types.js';
import { currentStep } from '../machine/current-step.js';
import type { RuntimeState } from '../machine/instance-state.js';
import type { Context } from './context.js';
import { getInstanceOrFail } from './lookup.js';

export interface OutputInput {
  id: string;
  value: string | Uint8Array;
  /**
   * True when the value came through a channel that keeps no trace (a
   * prompt with echo off, standard input, a password field), never from a
   * command line. A sensitive output is taken only that way.
   */
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

/**
 * The step an instance waits on, without computing due times: what an
 * advance must know before it asks for secrets. Undefined when it is finished.
 */
export function pendingStep(ctx: Context, id: string): Step | undefined {
  return pendingAdvance(ctx, id).step;
}

/**
 * What an advance of instance `id` must know before anything is written:
 * the step it waits on, and the outputs that its pinned definition declares
 * sensitive at any step. The fingerprint takes the latter, not the step's
 * own: a retry comes when the instance may have moved on, and must count
 * the same outputs as the first attempt did.
 */
export function pendingAdvance(ctx: Context, id: string): { step: Step | undefined; sensitive: ReadonlySet<string> } {
  const inst = getInstanceOrFail<RuntimeState>(ctx, id);
  const def = ctx.office.pinnedDefinition(inst.definitionHash);
  const sensitive = new Set(def.steps.flatMap((s) => s.outputs.filter((o) => o.sensitive).map((o) => o.id)));
  return { step: inst.state.status === 'active' ? currentStep(def, inst.state) : undefined, sensitive };
}

/** The sensitive outputs of `step` that `given` does not hold: to be asked for through a protected channel. */
export function secretsToAsk(step: Step | undefined, given: readonly OutputInput[]): OutputSpec[] {
  const ids = new Set(given.map((o) => o.id));
  return (step?.outputs ?? []).filter((o) => o.sensitive && !ids.has(o.id));
}

/**
 * What an advance asks, as its request fingerprint counts it: a sensitive
 * output (`sensitive`: see pendingAdvance) only as given (its value must
 * shape nothing that is kept, not even a hash: a short password's hash can
 * be guessed), every other one by its value (bytes by their SHA-256, see
 * requests.ts).
 */
export function advanceArgs(id: string, sensitive: ReadonlySet<string>, options: AdvanceOptions): Record<string, unknown> {
  return {
    instance: id,
    choice: options.choice ?? null,
    note: options.note ?? null,
    step: options.step ?? null,
    expectVersion: options.expectVersion ?? null,
    outputs: (options.outputs ?? []).filter((o) => !o.protected || !sensitive.has(o.id)).map((o) => (sensitive.has(o.id) ? { id: o.id, given: true } : { id: o.id, value: o.value })),
  };
}
