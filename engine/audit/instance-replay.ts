/**
 * Replays one instance from its recorded events through the XState machine
 * of the definition it is pinned to, and compares the result with what the
 * instance row records. Pure: the caller reads the rows and the definition.
 */
import { SopError } from '../errors.js';
import type { SopDefinition } from '../definition/types.js';
import { startReplay } from '../machine/fold.js';
import { canonicalJson } from '../store/canonical-json.js';
import type { SopEvent } from '../events.js';
import type { RawEventRow, StoredInstanceRow } from '../store/audit-reads.js';
import { assignmentsAfter, machineEventOf, type RuntimeState } from '../machine/instance-state.js';
import type { Break } from './breaks.js';
import { cancelAllowed, completionAllowed, reassignAllowed, startAllowed, subjectOf, type AuthorityView, type Verdict } from './authority-check.js';

export interface ReplayedEvent {
  seq: number;
  at: string;
  /** The instance version the event created; null for a refusal, which changes nothing. */
  version: number | null;
  event: SopEvent;
  /** The state after this event. */
  state: RuntimeState;
}

export interface InstanceReplay {
  instance: string;
  /** The definition named by the started event. */
  definitionHash: string | null;
  /** Every event with the state after it, when asked for (`steps: true`). */
  events: ReplayedEvent[];
  /** The state the events lead to; null when the replay could not run to the end. */
  final: RuntimeState | null;
  /** What the replay of the row's columns gives, compared field by field with the row. */
  differences: string[];
  breaks: Break[];
}

export interface ReplayInput {
  id: string;
  /** The instance row as stored; absent when the row is missing. */
  row: StoredInstanceRow | undefined;
  /** Its log entries of kind 'event', in seq order. */
  rows: readonly RawEventRow[];
  definition: (hash: string) => SopDefinition | undefined;
  /** Keep each event with the state after it (for `sop replay`). */
  steps?: boolean;
  /** Compare the result with the row (false when replaying only up to a point). Default true. */
  compare?: boolean;
  /**
   * The users history of the log: when given, each start, completion,
   * cancellation and reassignment is checked against who was allowed at its
   * entry (`authority.not-allowed`).
   */
  authority?: { at(seq: number): AuthorityView; everHeld(name: string, role: string): boolean };
}

export function replayInstance(input: ReplayInput): InstanceReplay {
  const { id, row } = input;
  const out: InstanceReplay = { instance: id, definitionHash: null, events: [], final: null, differences: [], breaks: [] };
  const fail = (b: Omit<Break, 'instance'>): InstanceReplay => {
    out.breaks.push({ ...b, instance: id });
    return out;
  };
  if (input.rows.length === 0) {
    return row ? fail({ code: 'instance.no-events', message: `instance ${id} has a row but no events: its history was deleted` }) : out;
  }
  if (!row && input.compare !== false) {
    out.breaks.push({ code: 'instance.missing', seq: input.rows[0]![0], instance: id, message: `the log holds events of instance ${id} (from entry ${input.rows[0]![0]}), but the instance itself is missing` });
  }

  let replay: ReturnType<typeof startReplay> | undefined;
  let def: SopDefinition | undefined;
  let assignments: Record<string, string> = {};
  let version = 0;
  let started: { seq: number; at: string; event: SopEvent } | undefined;
  let last: { at: string } | undefined;
  const done: { step: string; user: string }[] = [];
  const authority = input.authority;
  const judge = (seq: number, what: string, verdict: Verdict, hint = ''): void => {
    if (!verdict.ok) out.breaks.push({ code: 'authority.not-allowed', seq, instance: id, message: `entry ${seq} of instance ${id} (${what}) was not allowed: ${verdict.why}${hint}` });
  };
  for (const [seq, , v, at, payload] of input.rows) {
    let event: SopEvent;
    try {
      event = JSON.parse(payload) as SopEvent;
    } catch {
      return fail({ code: 'replay.unreadable', seq, message: `entry ${seq} of instance ${id} is not readable JSON` });
    }
    if (v !== null) {
      if (v !== version + 1) {
        return fail({ code: 'replay.version', seq, message: `entry ${seq} of instance ${id} creates version ${v}, but the version before it is ${version}: an event is missing or repeated` });
      }
      version = v;
      // A reassignment changes who is bound, not the step: the current step stays active since the event before.
      if (event.type !== 'reassigned') last = { at };
      if (v === 1) {
        if (event.type !== 'started') return fail({ code: 'replay.version', seq, message: `the first event of instance ${id} (entry ${seq}) is "${event.type}", not "started"` });
        started = { seq, at, event };
        out.definitionHash = event.definition ?? null;
        if (row && event.definition !== row.definition_hash) {
          out.breaks.push({
            code: 'instance.definition',
            seq,
            instance: id,
            message: `instance ${id} is pinned to definition ${String(row.definition_hash).slice(0, 12)} in its row, but its started event (entry ${seq}) names ${String(event.definition).slice(0, 12)}`,
          });
        }
        def = event.definition ? input.definition(event.definition) : undefined;
        if (!def) return fail({ code: 'definition.missing', seq, message: `instance ${id} is pinned to definition ${String(event.definition)}, which is not in the store` });
        if (row && row.sop_id !== def.id) {
          out.breaks.push({ code: 'instance.sop', seq, instance: id, message: `instance ${id} is recorded as an instance of SOP ${row.sop_id}, but the definition it is pinned to is of SOP ${def.id}` });
        }
        replay = startReplay(def);
        assignments = { ...(event.assignments ?? {}) };
        if (authority) judge(seq, `started by ${String(event.by?.user)}`, startAllowed(event.by, assignments, authority.at(seq)));
      } else if (event.type === 'reassigned') {
        const actor = def?.actors.find((a) => a.id === event.actor);
        const why =
          !replay || !def
            ? 'before the instance started'
            : actor?.kind !== 'case'
              ? `"${String(event.actor)}" is not a person of the case of SOP ${def.id}`
              : assignments[actor.id] !== event.from
                ? `it reassigns ${actor.id} from "${String(event.from)}", but "${String(assignments[actor.id])}" was bound`
                : typeof event.to !== 'string' || event.to === ''
                  ? 'it names nobody to reassign to'
                  : replay.state().status !== 'active'
                    ? `the instance was already ${replay.state().status}`
                    : undefined;
        if (why !== undefined) return fail({ code: 'replay.invalid-event', seq, message: `entry ${seq} of instance ${id} is a reassignment that does not apply: ${why}` });
        if (authority) judge(seq, `${String(event.actor)} reassigned to ${String(event.to)} by ${String(event.by?.user)}`, reassignAllowed(event.by, event.to, authority.at(seq)));
        assignments = assignmentsAfter(assignments, event);
      } else {
        if (authority && def && event.type === 'completed') checkCompletion(seq, at, event);
        if (authority && event.type === 'cancelled') judge(seq, `cancelled by ${String(event.by?.user)}`, cancelAllowed(event.by, started?.event.by?.user, authority.at(seq)));
        const m = event.type === 'started' ? undefined : machineEventOf(event);
        if (!m || !replay) return fail({ code: 'replay.invalid-event', seq, message: `entry ${seq} of instance ${id} is a "${event.type}" event, which cannot create version ${v}` });
        try {
          replay.apply(m);
        } catch (e) {
          const why = e instanceof SopError ? e.message.replace(/^event \d+ /, 'it ') : String(e);
          return fail({ code: 'replay.invalid-event', seq, message: `entry ${seq} of instance ${id} does not apply to SOP ${def!.id} revision ${def!.revision}: ${why}` });
        }
        if (event.type === 'completed' && event.by && typeof event.step === 'string') done.push({ step: event.step, user: subjectOf(event.by) });
      }
    } else if (event.type !== 'refused') {
      return fail({ code: 'replay.version', seq, message: `entry ${seq} of instance ${id} is a "${event.type}" event without a version` });
    }
    if (input.steps && replay) out.events.push({ seq, at, version: v, event, state: { ...replay.state(), assignments: { ...assignments } } });
  }
  function checkCompletion(seq: number, at: string, event: SopEvent): void {
    const step = def!.steps.find((s) => s.id === event.step);
    // A step the definition does not have: the replay says so (replay.invalid-event).
    if (!step) return;
    const verdict = completionAllowed({ def: def!, step, by: event.by, at, assignments, done }, authority!.at(seq));
    const doer = event.by ? subjectOf(event.by) : undefined;
    const never = !verdict.ok && verdict.why.includes(`does not hold the role ${step.actor}`) && doer !== undefined && !authority!.everHeld(doer, step.actor) ? `; ${doer} never held it` : '';
    judge(seq, `step "${step.id}" of ${step.actor} completed by ${String(doer)}`, verdict, never);
  }
  if (!replay || !started || !last) {
    return fail({ code: 'replay.version', seq: input.rows[0]![0], message: `instance ${id} has no started event` });
  }
  out.final = { ...replay.state(), assignments };
  if (row && input.compare !== false) {
    out.differences = compareRow(row, out.final, { version, title: started.event.title, startedBy: started.event.by?.user, startedAt: started.at, updatedAt: last.at });
    if (out.differences.length) {
      out.breaks.push({ code: 'replay.state', instance: id, message: `the recorded state of instance ${id} differs from the replay of its events: ${out.differences.join('; ')}` });
    }
  }
  return out;
}

function compareRow(row: StoredInstanceRow, state: RuntimeState, derived: { version: number; title: string | undefined; startedBy: string | undefined; startedAt: string; updatedAt: string }): string[] {
  const diffs: string[] = [];
  const check = (field: string, recorded: unknown, replayed: unknown) => {
    if (recorded !== replayed) diffs.push(`${field} is ${JSON.stringify(recorded)}, the replay gives ${JSON.stringify(replayed)}`);
  };
  check('status', row.status, state.status);
  check('outcome', row.outcome, state.outcome);
  check('version', row.version, derived.version);
  check('title', row.title, derived.title);
  check('started_by', row.started_by, derived.startedBy);
  check('started_at', row.started_at, derived.startedAt);
  check('updated_at', row.updated_at, derived.updatedAt);
  const replayed = canonicalJson(state);
  if (row.state !== replayed) diffs.push(`state is ${row.state}, the replay gives ${replayed}`);
  return diffs;
}
