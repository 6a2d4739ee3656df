/**
 * What an instance looks like now: its current step, who must act, and when
 * it falls due in the working time of the office calendar.
 */
import type { SopDefinition, Step } from '../definition/types.js';
import { currentStep } from '../machine/current-step.js';
import { addWorkingTime, formatLocal } from '../calendar/working-time.js';
import type { RuntimeState } from '../machine/instance-state.js';
import type { Instance, InstanceStatus } from '../store/index.js';
import type { Context } from './context.js';
import { getInstanceOrFail } from './lookup.js';

export interface CurrentStepView {
  step: string;
  number: string;
  name: string;
  actor: string;
  actorName: string;
  /** Who may act: the bound person for a case actor, else null (anyone holding the role). */
  assignee: string | null;
  activatedAt: string;
  /** Activation plus the step's waktu in working time; null when the step has no time standard. */
  dueAt: string | null;
  dueLocal: string | null;
  overdue: boolean;
  timeStandard: string | null;
  /** Exit ids of a decision: one of them is the --choice. */
  choices: string[];
  exits: { id: string; label: string; to: string }[];
  outputs: { id: string; name: string; sensitive: boolean }[];
}

export interface StatusView {
  id: string;
  sop: string;
  sopName: string;
  revision: number;
  definitionHash: string;
  title: string;
  status: InstanceStatus;
  outcome: string | null;
  version: number;
  startedBy: string;
  startedAt: string;
  updatedAt: string;
  assignments: Record<string, string>;
  current: CurrentStepView[];
  /** Set when sops/ holds a different revision than the one this instance is pinned to. */
  newerRevision: { revision: number; note: string } | null;
}

export function currentView(ctx: Context, inst: Instance<RuntimeState>, def: SopDefinition, now: Date): CurrentStepView[] {
  const step = inst.state.status === 'active' ? currentStep(def, inst.state) : undefined;
  if (!step) return [];
  return [stepView(ctx, inst, def, step, now)];
}

function stepView(ctx: Context, inst: Instance<RuntimeState>, def: SopDefinition, step: Step, now: Date): CurrentStepView {
  const actor = def.actors.find((a) => a.id === step.actor)!;
  // The step became active when the last state-changing event was written.
  const activatedAt = inst.updatedAt;
  const calendar = ctx.calendar;
  const due = step.time ? addWorkingTime(new Date(activatedAt), step.time, calendar) : null;
  return {
    step: step.id,
    number: step.number,
    name: step.activity,
    actor: actor.id,
    actorName: actor.name,
    assignee: actor.kind === 'case' ? (inst.state.assignments[actor.id] ?? null) : null,
    activatedAt,
    dueAt: due ? due.toISOString() : null,
    dueLocal: due ? formatLocal(due, calendar) : null,
    overdue: due !== null && now.getTime() > due.getTime(),
    timeStandard: step.timeText,
    choices: step.kind === 'decision' ? step.exits.map((x) => x.id) : [],
    exits: step.kind === 'decision' ? step.exits.map((x) => ({ ...x })) : [],
    outputs: step.outputs.map((o) => ({ ...o })),
  };
}

export function instanceStatus(ctx: Context, id: string): StatusView {
  const inst = getInstanceOrFail<RuntimeState>(ctx, id);
  const def = ctx.office.pinnedDefinition(inst.definitionHash);
  return {
    id: inst.id,
    sop: def.id,
    sopName: def.identity.name,
    revision: def.revision,
    definitionHash: inst.definitionHash,
    title: inst.title,
    status: inst.status,
    outcome: inst.outcome,
    version: inst.version,
    startedBy: inst.startedBy,
    startedAt: inst.startedAt,
    updatedAt: inst.updatedAt,
    assignments: inst.state.assignments,
    current: currentView(ctx, inst, def, ctx.clock()),
    newerRevision: newerRevision(ctx, def, inst.definitionHash),
  };
}

/** Whether the publication in effect today is another definition than the one the instance is pinned to. */
function newerRevision(ctx: Context, pinned: SopDefinition, pinnedHash: string): StatusView['newerRevision'] {
  const now = ctx.store.publishedSop(pinned.id, ctx.today());
  if (!now || now.hash === pinnedHash) return null;
  return {
    revision: now.revision ?? pinned.revision,
    note: `revision ${now.revision} is published, in effect from ${now.effectiveOn} (this instance runs revision ${pinned.revision} as it started); new instances use the new one`,
  };
}
