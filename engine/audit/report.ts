/**
 * `sop report`: the periodic evaluation of mutu baku compliance that
 * Permenpan-RB 35/2012 asks of an office (its monitoring form says, per SOP,
 * whether it "berjalan dengan baik"). Every figure is working time on the
 * office calendar, measured against each step's waktu as the instance's
 * pinned definition states it.
 *
 * computeReport is pure; complianceReport reads the store.
 */
import type { SopDefinition, Step } from '../definition/types.js';
import type { OfficeCalendar } from '../calendar/calendar.js';
import { addWorkingTime, formatLocal, workingMinutesBetween } from '../calendar/working-time.js';
import type { SopEvent } from '../events.js';
import type { RuntimeState } from '../machine/instance-state.js';
import type { StoredEvent, Store } from '../store/index.js';
import { SopError } from '../errors.js';
import { byText } from '../text-order.js';
import { DEFAULT_TARGET } from './report-target.js';

/** One completion of a step, timed. */
export interface Execution {
  instance: string;
  sop: string;
  step: string;
  number: string;
  activity: string;
  actor: string;
  user: string;
  activatedAt: string;
  completedAt: string;
  /** Working minutes from activation to completion. */
  workingMinutes: number;
  /** The waktu as written; null when the step has none. */
  standard: string | null;
  dueAt: string | null;
  /** null when the step has no waktu. */
  onTime: boolean | null;
  /** Done by a deputy (Plt./Plh.) for the role's holder: counted for the role, marked. */
  deputy?: { title: 'Plt.' | 'Plh.'; for: string };
  /** An administrator's emergency action on someone's behalf: counted for the role, marked. */
  onBehalfOf?: { user: string; reason: string };
}

/** A completion by a deputy, or an administrator's emergency action on someone's behalf: listed on their own. */
export interface MarkedAction {
  instance: string;
  sop: string;
  step: string;
  number: string;
  activity: string;
  actor: string;
  actorName: string;
  /** Who acted: the deputy, or the administrator. */
  user: string;
  at: string;
  deputy: { title: 'Plt.' | 'Plh.'; for: string } | null;
  onBehalfOf: { user: string; reason: string } | null;
}

/** The figures of a set of executions. */
export interface Figures {
  count: number;
  /** Executions of steps with a waktu. */
  measured: number;
  onTime: number;
  late: number;
  /** onTime / measured; null when nothing was measured. */
  onTimeShare: number | null;
  medianMinutes: number | null;
  worstMinutes: number | null;
}

/** How many of the completions counted were marked: by a deputy, or on someone's behalf. */
export interface Marked {
  byDeputy: number;
  onBehalf: number;
}

export interface StepReport extends Figures, Marked {
  step: string;
  number: string;
  activity: string;
  actor: string;
  actorName: string;
  standard: string | null;
}

export type Verdict = 'berjalan dengan baik' | 'tidak berjalan dengan baik' | 'belum ada data';

export interface SopReport extends Figures {
  sop: string;
  number: string;
  name: string;
  /** Instances started in the period, and how those that ended in it ended. */
  instances: { started: number; completed: number; cancelled: number; active: number };
  outcomes: Record<string, number>;
  verdict: Verdict;
  /** Steps whose on-time share is under the target: the catatan of the monitoring form. */
  belowTarget: string[];
  steps: StepReport[];
}

export interface ActorReport extends Figures, Marked {
  actor: string;
  name: string;
  sops: string[];
}

export interface OverdueStep {
  instance: string;
  sop: string;
  title: string;
  step: string;
  number: string;
  activity: string;
  actor: string;
  dueAt: string;
  dueLocal: string;
  /** Working minutes past the due time, now. */
  overdueMinutes: number;
}

export interface OpenInstance {
  instance: string;
  sop: string;
  title: string;
  startedAt: string;
  /** Whole calendar days since it started. */
  ageDays: number;
  /** Working minutes since it started. */
  workingMinutes: number;
  current: string | null;
}

export interface ComplianceReport {
  generatedAt: string;
  timeZone: string;
  /** The period, inclusive, as local dates; null: unbounded. */
  from: string | null;
  to: string | null;
  /** The on-time share a SOP needs to be "berjalan dengan baik". */
  target: number;
  sops: SopReport[];
  actors: ActorReport[];
  overdue: OverdueStep[];
  open: OpenInstance[];
  openByAge: { label: string; count: number }[];
  /** The completions in the period done by a deputy (Plt./Plh.) for the role's holder, in time order. */
  deputyActions: MarkedAction[];
  /** The completions in the period that an administrator did on someone's behalf (emergency actions), in time order. */
  emergencyActions: MarkedAction[];
}

/** One instance as the report needs it. */
export interface ReportInstance {
  id: string;
  title: string;
  definition: SopDefinition;
  status: 'active' | 'completed' | 'cancelled';
  outcome: string | null;
  state: RuntimeState;
  startedAt: string;
  updatedAt: string;
  /** Its state-changing events, in order (refusals left out). */
  events: { at: string; event: SopEvent }[];
}

export interface ReportOptions {
  /** Period start (inclusive) and end (exclusive), as instants. */
  from?: Date;
  to?: Date;
  /** The local dates the period was given as, for the report's header. */
  fromText?: string;
  toText?: string;
  now: Date;
  /** Default 0.8. */
  target?: number;
}

const AGE_BUCKETS: [label: string, maxDays: number][] = [
  ['0-1 days', 1],
  ['2-7 days', 7],
  ['8-30 days', 30],
  ['31-90 days', 90],
  ['over 90 days', Infinity],
];

export function computeReport(instances: ReportInstance[], cal: OfficeCalendar, options: ReportOptions): ComplianceReport {
  const target = options.target ?? DEFAULT_TARGET;
  const inPeriod = (iso: string) => {
    const t = Date.parse(iso);
    return (!options.from || t >= options.from.getTime()) && (!options.to || t < options.to.getTime());
  };
  const executions: Execution[] = [];
  const sops = new Map<string, { def: SopDefinition; inst: SopReport['instances']; outcomes: Record<string, number> }>();
  const overdue: OverdueStep[] = [];
  const open: OpenInstance[] = [];

  for (const inst of instances) {
    const def = inst.definition;
    let entry = sops.get(def.id);
    if (!entry) {
      entry = { def, inst: { started: 0, completed: 0, cancelled: 0, active: 0 }, outcomes: {} };
      sops.set(def.id, entry);
    }
    // The newest revision names the SOP and its steps in the report.
    if (def.revision > entry.def.revision) entry.def = def;
    if (inPeriod(inst.startedAt)) {
      entry.inst.started++;
      if (inst.status === 'active') entry.inst.active++;
    }
    if (inst.status !== 'active' && inPeriod(inst.updatedAt)) {
      if (inst.status === 'completed') {
        entry.inst.completed++;
        const outcome = inst.outcome ?? '?';
        entry.outcomes[outcome] = (entry.outcomes[outcome] ?? 0) + 1;
      } else entry.inst.cancelled++;
    }
    let activatedAt: string | undefined;
    for (const { at, event } of inst.events) {
      // A reassignment binds another person; the step stays active since it was.
      if (event.type === 'reassigned') continue;
      if (event.type === 'completed' && activatedAt !== undefined && inPeriod(at)) {
        const step = def.steps.find((s) => s.id === event.step);
        if (step) executions.push(timed(inst, def, step, event, activatedAt, at, cal));
      }
      activatedAt = at;
    }
    if (inst.status === 'active') {
      const step = def.steps.find((s) => s.id === inst.state.current);
      const now = options.now;
      open.push({
        instance: inst.id,
        sop: def.id,
        title: inst.title,
        startedAt: inst.startedAt,
        ageDays: Math.max(0, Math.floor((now.getTime() - Date.parse(inst.startedAt)) / 86_400_000)),
        workingMinutes: Math.round(workingMinutesBetween(new Date(inst.startedAt), now, cal)),
        current: step?.id ?? null,
      });
      if (step?.time) {
        const due = addWorkingTime(new Date(inst.updatedAt), step.time, cal);
        if (now.getTime() > due.getTime()) {
          overdue.push({
            instance: inst.id,
            sop: def.id,
            title: inst.title,
            step: step.id,
            number: step.number,
            activity: step.activity,
            actor: step.actor,
            dueAt: due.toISOString(),
            dueLocal: formatLocal(due, cal),
            overdueMinutes: Math.round(workingMinutesBetween(due, now, cal)),
          });
        }
      }
    }
  }

  const sopReports: SopReport[] = [...sops.values()]
    .sort((a, b) => byText(a.def.id, b.def.id))
    .map(({ def, inst, outcomes }) => {
      const mine = executions.filter((e) => e.sop === def.id);
      const steps = def.steps.map((s): StepReport => {
        const actor = def.actors.find((a) => a.id === s.actor);
        return {
          step: s.id,
          number: s.number,
          activity: s.activity,
          actor: s.actor,
          actorName: actor?.name ?? s.actor,
          standard: s.timeText,
          ...figures(mine.filter((e) => e.step === s.id)),
          ...marked(mine.filter((e) => e.step === s.id)),
        };
      });
      // Steps of older revisions that the newest one no longer has still count.
      for (const id of new Set(mine.map((e) => e.step))) {
        if (!steps.some((s) => s.step === id)) {
          const e = mine.find((x) => x.step === id)!;
          const these = mine.filter((x) => x.step === id);
          steps.push({ step: id, number: '?', activity: id, actor: e.actor, actorName: e.actor, standard: e.standard, ...figures(these), ...marked(these) });
        }
      }
      const all = figures(mine);
      const verdict: Verdict = all.onTimeShare === null ? 'belum ada data' : all.onTimeShare >= target ? 'berjalan dengan baik' : 'tidak berjalan dengan baik';
      return {
        sop: def.id,
        number: def.identity.number,
        name: def.identity.name,
        instances: inst,
        outcomes,
        ...all,
        verdict,
        belowTarget: steps.filter((s) => s.onTimeShare !== null && s.onTimeShare < target).map((s) => `${s.number} ${s.activity}`),
        steps,
      };
    });

  const actorIds = [...new Set(executions.map((e) => e.actor))].sort();
  const actors: ActorReport[] = actorIds.map((id) => {
    const mine = executions.filter((e) => e.actor === id);
    const name = [...sops.values()].flatMap((s) => s.def.actors).find((a) => a.id === id)?.name ?? id;
    return { actor: id, name, sops: [...new Set(mine.map((e) => e.sop))].sort(), ...figures(mine), ...marked(mine) };
  });
  const actorNames = new Map([...sops.values()].flatMap((s) => s.def.actors.map((a) => [a.id, a.name] as const)));
  const markedAction = (e: Execution): MarkedAction => ({
    instance: e.instance,
    sop: e.sop,
    step: e.step,
    number: e.number,
    activity: e.activity,
    actor: e.actor,
    actorName: actorNames.get(e.actor) ?? e.actor,
    user: e.user,
    at: e.completedAt,
    deputy: e.deputy ?? null,
    onBehalfOf: e.onBehalfOf ?? null,
  });
  const inTimeOrder = (list: Execution[]) => [...list].sort((a, b) => byText(a.completedAt, b.completedAt) || byText(a.instance, b.instance));

  open.sort((a, b) => byText(a.startedAt, b.startedAt) || byText(a.instance, b.instance));
  overdue.sort((a, b) => b.overdueMinutes - a.overdueMinutes || byText(a.instance, b.instance));
  let lower = -1;
  const openByAge = AGE_BUCKETS.map(([label, max]) => {
    const count = open.filter((o) => o.ageDays > lower && o.ageDays <= max).length;
    lower = max;
    return { label, count };
  });
  return {
    generatedAt: options.now.toISOString(),
    timeZone: cal.timeZone,
    from: options.fromText ?? null,
    to: options.toText ?? null,
    target,
    sops: sopReports,
    actors,
    overdue,
    open,
    openByAge,
    deputyActions: inTimeOrder(executions.filter((e) => e.deputy)).map(markedAction),
    emergencyActions: inTimeOrder(executions.filter((e) => e.onBehalfOf)).map(markedAction),
  };
}

function marked(list: Execution[]): Marked {
  return { byDeputy: list.filter((e) => e.deputy).length, onBehalf: list.filter((e) => e.onBehalfOf).length };
}

function timed(inst: ReportInstance, def: SopDefinition, step: Step, event: SopEvent, activatedAt: string, at: string, cal: OfficeCalendar): Execution {
  const due = step.time ? addWorkingTime(new Date(activatedAt), step.time, cal) : null;
  return {
    instance: inst.id,
    sop: def.id,
    step: step.id,
    number: step.number,
    activity: step.activity,
    actor: step.actor,
    user: event.by.user,
    activatedAt,
    completedAt: at,
    workingMinutes: workingMinutesBetween(new Date(activatedAt), new Date(at), cal),
    standard: step.timeText,
    dueAt: due?.toISOString() ?? null,
    onTime: due ? Date.parse(at) <= due.getTime() : null,
    ...(event.by.deputy ? { deputy: { title: event.by.deputy.title, for: event.by.deputy.for } } : {}),
    ...(event.by.onBehalfOf ? { onBehalfOf: event.by.onBehalfOf } : {}),
  };
}

/** Count, median and worst working time, and the share on time, of a set of executions. */
export function figures(list: Execution[]): Figures {
  const minutes = list.map((e) => e.workingMinutes).sort((a, b) => a - b);
  const measured = list.filter((e) => e.onTime !== null);
  const onTime = measured.filter((e) => e.onTime).length;
  const mid = minutes.length >> 1;
  const median = minutes.length === 0 ? null : minutes.length % 2 ? minutes[mid]! : (minutes[mid - 1]! + minutes[mid]!) / 2;
  return {
    count: list.length,
    measured: measured.length,
    onTime,
    late: measured.length - onTime,
    onTimeShare: measured.length ? onTime / measured.length : null,
    medianMinutes: median === null ? null : round1(median),
    worstMinutes: minutes.length ? round1(minutes[minutes.length - 1]!) : null,
  };
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** What the report reads: the store, its pinned definitions by hash, the office calendar. */
export interface ReportSource {
  store: Store;
  definition: (hash: string) => SopDefinition;
  calendar: OfficeCalendar;
}

/** Reads the instances (of one SOP, or all) and their events from the store, and computes the report. */
export function complianceReport(source: ReportSource, options: ReportOptions & { sop?: string }): ComplianceReport {
  const store = source.store;
  const list = store.listInstances<RuntimeState>(options.sop ? { sopId: options.sop } : {});
  if (options.sop && list.length === 0 && !store.latestDefinitionHash(options.sop)) {
    throw new SopError('sop.not-found', `no instance of SOP "${options.sop}" in ${store.path}`, { data: { sop: options.sop, source: store.path, ran: true } });
  }
  const instances: ReportInstance[] = list.map((inst) => ({
    id: inst.id,
    title: inst.title,
    definition: source.definition(inst.definitionHash),
    status: inst.status,
    outcome: inst.outcome,
    state: inst.state,
    startedAt: inst.startedAt,
    updatedAt: inst.updatedAt,
    events: store
      .eventsOf(inst.id)
      .filter((e: StoredEvent) => e.version !== null)
      .map((e) => ({ at: e.at, event: e.event })),
  }));
  return computeReport(instances, source.calendar, options);
}
