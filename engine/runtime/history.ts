/**
 * The timeline of an instance: every event with who, when, which step, the
 * choice, the outputs (hashes only; a sensitive one only as given), the note,
 * refused attempts, and each completed step's working time against its waktu.
 */
import type { Via } from '../events.js';
import type { Context } from './context.js';
import { getInstanceOrFail } from './lookup.js';
import { workingMinutesBetween } from '../calendar/working-time.js';
import { addWorkingTime } from '../calendar/working-time.js';

export interface HistoryEntry {
  seq: number;
  at: string;
  type: 'started' | 'completed' | 'refused' | 'cancelled' | 'reassigned';
  user: string;
  role: string | null;
  /** The name of the actor `role` is (as the SOP's table header prints it), e.g. "Kepala Bidang Persandian". */
  roleName: string | null;
  /** How the person proved who they are (entries written before this was recorded: 'os-login'). */
  via: Via;
  osUser: string | null;
  client: string | null;
  /** A deputy (Plt./Plh.) acting in the role for its holder (a.n.), under that delegation. */
  deputy: { title: 'Plt.' | 'Plh.'; for: string; delegation: string | null } | null;
  /** An administrator's emergency action: for whom, and why. */
  onBehalfOf: { user: string; reason: string } | null;
  /** `reassigned`: the case actor, from whom, to whom. */
  reassigned: { actor: string; from: string; to: string } | null;
  step: string | null;
  stepNumber: string | null;
  stepName: string | null;
  choice: string | null;
  choiceLabel: string | null;
  outputs: { id: string; sha256?: string; size?: number; given?: true }[];
  note: string | null;
  reason: string | null;
  /** For a completion: working minutes since the step became active, its standard, and whether it kept it. */
  timing: { workingMinutes: number; standard: string | null; dueAt: string | null; onTime: boolean | null } | null;
}

export interface InstanceHistory {
  id: string;
  sop: string;
  title: string;
  entries: HistoryEntry[];
}

export function instanceHistory(ctx: Context, id: string): InstanceHistory {
  const inst = getInstanceOrFail(ctx, id);
  const def = ctx.office.pinnedDefinition(inst.definitionHash);
  const cal = ctx.calendar;
  let activatedAt: string | null = null;
  const entries = ctx.store.eventsOf(inst.id).map((e): HistoryEntry => {
    const ev = e.event;
    const step = ev.step ? def.steps.find((s) => s.id === ev.step) : undefined;
    const exit = step?.kind === 'decision' && ev.choice ? step.exits.find((x) => x.id === ev.choice) : undefined;
    let timing: HistoryEntry['timing'] = null;
    if (ev.type === 'completed' && step && activatedAt) {
      const due = step.time ? addWorkingTime(new Date(activatedAt), step.time, cal) : null;
      timing = {
        workingMinutes: Math.round(workingMinutesBetween(new Date(activatedAt), new Date(e.at), cal)),
        standard: step.timeText,
        dueAt: due ? due.toISOString() : null,
        onTime: due ? new Date(e.at).getTime() <= due.getTime() : null,
      };
    }
    // A reassignment binds another person; the step stays active since it was.
    if (e.version !== null && ev.type !== 'reassigned') activatedAt = e.at;
    return {
      seq: e.seq,
      at: e.at,
      type: ev.type,
      user: ev.by.user,
      role: ev.by.role ?? null,
      roleName: ev.by.role ? (def.actors.find((a) => a.id === ev.by.role)?.name ?? ev.by.role) : null,
      via: ev.by.via ?? 'os-login',
      osUser: ev.by.osUser ?? null,
      client: ev.by.client ?? null,
      deputy: ev.by.deputy ? { title: ev.by.deputy.title, for: ev.by.deputy.for, delegation: ev.by.deputy.delegation ?? null } : null,
      onBehalfOf: ev.by.onBehalfOf ?? null,
      reassigned: ev.type === 'reassigned' ? { actor: ev.actor!, from: ev.from!, to: ev.to! } : null,
      step: ev.step ?? null,
      stepNumber: step?.number ?? null,
      stepName: step?.activity ?? null,
      choice: ev.choice ?? null,
      choiceLabel: exit?.label ?? null,
      outputs: (ev.outputs ?? []).map((o) => (o.sensitive ? { id: o.id, given: true as const } : { id: o.id, sha256: o.sha256!, size: o.size! })),
      note: ev.note ?? null,
      reason: ev.reason ?? null,
      timing,
    };
  });
  return { id: inst.id, sop: def.id, title: inst.title, entries };
}
