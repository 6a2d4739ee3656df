/** `sop tasks` and `sop list`: the operator's inbox and the instance register. */
import { SopError } from '../errors.js';
import { byText } from '../text-order.js';
import { printable } from '../text.js';
import type { InstanceStatus } from '../store/index.js';
import type { RuntimeState } from '../machine/instance-state.js';
import type { Context } from './context.js';
import { currentView } from './status.js';
import type { CurrentStepView } from './status.js';
import { currentUser } from './people.js';
import { completionsOf, mayComplete } from '../machine/authority.js';
import type { DeputyMeta } from '../events.js';

export interface TaskView extends CurrentStepView {
  instance: string;
  sop: string;
  title: string;
  /** The instance's version: an advance that names it completes this very step or is a conflict. */
  version: number;
  /** In your inbox as a deputy (Plt./Plh.) for the role's holder: set only then. */
  deputy?: DeputyMeta;
}

/**
 * The acting person's inbox: the active steps the rules of authority let
 * them complete now (their roles, the roles they are a deputy in, the case
 * they are bound to, and not what separation of duties keeps from them);
 * with `all`, everyone's.
 */
export function tasks(ctx: Context, options: { all?: boolean; overdue?: boolean } = {}): TaskView[] {
  const me = options.all ? undefined : currentUser(ctx);
  const now = ctx.clock();
  const delegations = me ? ctx.store.delegations(me.name) : [];
  const out: TaskView[] = [];
  for (const inst of ctx.store.listInstances<RuntimeState>({ status: 'active' })) {
    const def = ctx.office.pinnedDefinition(inst.definitionHash);
    for (const view of currentView(ctx, inst, def, now)) {
      let deputy: DeputyMeta | undefined;
      if (me) {
        const step = def.steps.find((s) => s.id === view.step)!;
        const authority = mayComplete(def, step, {
          at: now.toISOString(),
          user: me.name,
          roles: me.roles,
          delegations,
          assignments: inst.state.assignments,
          completions: step.separateFrom?.length ? completionsOf(ctx.store.eventsOf(inst.id)) : [],
        });
        if (!authority.allowed) continue;
        deputy = authority.deputy;
      }
      if (options.overdue && !view.overdue) continue;
      out.push({ instance: inst.id, sop: def.id, title: inst.title, version: inst.version, ...view, ...(deputy ? { deputy } : {}) });
    }
  }
  // Most urgent first; steps without a time standard last.
  return out.sort((a, b) => byText(a.dueAt ?? '9999', b.dueAt ?? '9999') || byText(a.instance, b.instance));
}

export interface ListedInstance {
  id: string;
  sop: string;
  title: string;
  status: InstanceStatus;
  outcome: string | null;
  current: string | null;
  startedBy: string;
  startedAt: string;
  updatedAt: string;
}

const STATUSES: InstanceStatus[] = ['active', 'completed', 'cancelled'];

export function listInstances(ctx: Context, options: { sop?: string; status?: string } = {}): ListedInstance[] {
  if (options.status !== undefined && !STATUSES.includes(options.status as InstanceStatus)) {
    throw new SopError('list.invalid-status', `unknown status "${printable(options.status)}"`, { data: { status: options.status, statuses: STATUSES } });
  }
  return ctx.store
    .listInstances<RuntimeState>({
      ...(options.sop ? { sopId: options.sop } : {}),
      ...(options.status ? { status: options.status as InstanceStatus } : {}),
    })
    .map((i) => ({
      id: i.id,
      sop: i.sopId,
      title: i.title,
      status: i.status,
      outcome: i.outcome,
      current: i.state.current,
      startedBy: i.startedBy,
      startedAt: i.startedAt,
      updatedAt: i.updatedAt,
    }));
}
