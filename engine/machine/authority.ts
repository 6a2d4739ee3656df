/**
 * The rules of authority: who may complete a step of an instance, given the
 * facts at that moment. One pure function, `mayComplete`, that `advance`
 * asks before it writes and `verify` asks again of every recorded
 * completion, with the facts it replays from the log (who held which role,
 * which delegations were in effect, who was bound to the case, who did
 * which step before). It reads no store and loads no XState.
 *
 * - A step of a role actor: by someone holding the role at that moment, or
 *   by their deputy (Plt./Plh.) during a delegation in effect, recorded as
 *   such (`deputy`).
 * - A step of a case actor (Pemohon, Pengguna): by the person bound to it
 *   in the instance, after any reassignment.
 * - Separation of duties: a person bound to a case actor of the instance
 *   may not complete a step of another actor in it, unless the step says
 *   `allowCaseActor: true`; nor a step whose `separateFrom` names a step
 *   they completed in it.
 * - An administrator's emergency action (`facts.emergency`) is by someone
 *   who is an administrator at that moment, with a reason, and is judged
 *   for the person it is done for (`facts.user` is that person, see
 *   `doerOf`).
 */
import type { ErrorData } from '../errors.js';
import type { SopDefinition, Step } from '../definition/types.js';
import type { ActorMeta, DeputyMeta, SopEvent, UserChange } from '../events.js';

/** A deputy (Plt. or Plh.) who acts in a holder's role for a period, as the log records it. */
export interface Delegation {
  id: string;
  role: string;
  holder: string;
  deputy: string;
  title: 'Plt.' | 'Plh.';
  /** ISO 8601 UTC, inclusive. */
  startsAt: string;
  /** ISO 8601 UTC, exclusive. */
  endsAt: string;
  /** When an administrator ended it early; null otherwise. */
  endedAt: string | null;
}

/** Whether the delegation is in effect at `at` (ISO 8601): begun, not run out, not ended early. */
export function delegationInEffect(d: Delegation, at: string): boolean {
  const t = Date.parse(at);
  return Date.parse(d.startsAt) <= t && t < Date.parse(d.endsAt) && (d.endedAt === null || t < Date.parse(d.endedAt));
}

/** One completion of a step of the instance, by whom (the doer: see `doerOf`). */
export interface Completion {
  step: string;
  user: string;
}

/** The facts at the moment of a completion: what `mayComplete` judges with. */
export interface AuthorityFacts {
  /** The moment (ISO 8601): delegations are judged at it. */
  at: string;
  /** Who completes the step: the person acting, or the one an administrator's emergency action is done for. */
  user: string;
  /** The roles `user` holds at that moment. */
  roles: readonly string[];
  /** Delegations (any; those whose deputy is `user` and that are in effect at `at` count). */
  delegations: readonly Delegation[];
  /** The case actors of the instance bound at that moment: actor id -> user, after any reassignment. */
  assignments: Readonly<Record<string, string>>;
  /** The completions of the instance before this one, in order (only those of the steps in the step's `separateFrom` matter). */
  completions: readonly Completion[];
  /**
   * Set for an administrator's emergency action done for `user`: who acted
   * (`by.user`), whether they were an administrator at that moment, and the
   * reason they gave (`by.onBehalfOf.reason`).
   */
  emergency?: { by: string; admin: boolean; reason: string };
}

/** What `mayComplete` answers. */
export type Authority =
  | {
      allowed: true;
      /** The actor the step is done as: recorded as `by.role`. */
      role: string;
      /** Set when `user` acts as a deputy (Plt./Plh.) for the role's holder: recorded as `by.deputy`. */
      deputy?: DeputyMeta;
    }
  | { allowed: false; code: AuthorityCode; message: string; data: ErrorData };

/** Why a completion is not allowed. */
export type AuthorityCode = 'auth.not-actor' | 'auth.separation' | 'auth.not-admin' | 'auth.no-reason';

/**
 * Whether `facts.user` may complete `step` of an instance of `def` at
 * `facts.at`, and as what: the rules of authority (see the top of this
 * file). Pure: advance calls it before writing, verify for every recorded
 * completion.
 */
export function mayComplete(def: SopDefinition, step: Step, facts: AuthorityFacts): Authority {
  const actor = def.actors.find((a) => a.id === step.actor);
  const actorName = actor?.name ?? step.actor;
  const user = facts.user;
  const what = `step ${step.number} "${step.activity}"`;
  let deputy: DeputyMeta | undefined;

  // An emergency action: by an administrator, with a reason; then judged for the person it is done for.
  if (facts.emergency) {
    if (!facts.emergency.admin) {
      return refuse('auth.not-admin', `only an administrator may act on someone's behalf; "${facts.emergency.by}" is not one`, { user: facts.emergency.by, action: 'act on behalf' });
    }
    if (facts.emergency.reason.trim() === '') return refuse('auth.no-reason', `an action on ${user}'s behalf needs a reason`, { user: facts.emergency.by });
  }

  if (actor?.kind === 'case') {
    const bound = facts.assignments[step.actor];
    if (bound !== user) {
      return refuse('auth.not-actor', `${what} is done by ${actorName}, who is "${bound ?? 'nobody'}" in this instance, not "${user}"`, { user, actor: step.actor, bound: bound ?? null });
    }
  } else if (!facts.roles.includes(step.actor)) {
    const mine = facts.delegations.filter((d) => d.deputy === user && d.role === step.actor);
    const acting = mine.find((d) => delegationInEffect(d, facts.at));
    if (!acting) {
      const outside = mine.length
        ? `; ${mine.map((d) => `the delegation ${d.id} (${d.title} for ${d.holder}) is in effect from ${d.startsAt} until ${d.endedAt ?? d.endsAt}`).join('; ')}, not at ${facts.at}`
        : '';
      return refuse('auth.not-actor', `${what} is done by ${actorName}; "${user}" does not hold the role ${step.actor}${outside}`, {
        user,
        actor: step.actor,
        role: step.actor,
        delegations: mine.map((d) => d.id),
      });
    }
    deputy = { title: acting.title, for: acting.holder, delegation: acting.id };
  }

  // Separation of duties: a person of the case does not do the office's part of it (a step of a case actor is
  // theirs, checked above).
  if (actor?.kind !== 'case' && step.allowCaseActor !== true) {
    const caseActor = Object.keys(facts.assignments)
      .sort()
      .find((a) => facts.assignments[a] === user);
    if (caseActor !== undefined) {
      const caseName = def.actors.find((a) => a.id === caseActor)?.name ?? caseActor;
      return refuse('auth.separation', `"${user}" is the ${caseName} of this instance and may not complete ${what} of ${actorName} in it (separation of duties)`, {
        user,
        actor: step.actor,
        caseActor,
      });
    }
  }
  // And whoever completes this step did not complete the ones it is separated from.
  const separate = step.separateFrom ?? [];
  const done = facts.completions.find((c) => c.user === user && separate.includes(c.step));
  if (done) {
    const other = def.steps.find((s) => s.id === done.step);
    return refuse('auth.separation', `"${user}" completed step ${other?.number ?? '?'} "${other?.activity ?? done.step}" of this instance; ${what} must be done by someone else (separation of duties)`, {
      user,
      actor: step.actor,
      completed: done.step,
      separateFrom: separate,
    });
  }
  return { allowed: true, role: step.actor, ...(deputy ? { deputy } : {}) };
}

function refuse(code: AuthorityCode, message: string, data: ErrorData): Authority {
  return { allowed: false, code, message, data };
}

/** Who a recorded action is counted for: the person an emergency action was done for, else the one who acted. */
export function doerOf(by: ActorMeta): string {
  return by.onBehalfOf?.user ?? by.user;
}

/** The completions among an instance's recorded events (refusals, which have no version, are not), in order. */
export function completionsOf(events: readonly { version: number | null; event: SopEvent }[]): Completion[] {
  return events.flatMap((e) => (e.version !== null && e.event.type === 'completed' && e.event.step !== undefined ? [{ step: e.event.step, user: doerOf(e.event.by) }] : []));
}

/**
 * Folds a 'user' log entry written at `at` into the delegations it leaves
 * (by id): `delegate` adds one, `end-delegation` ends it at `at`. Other
 * entries leave them as they are. What the delegations table caches, and
 * what verify replays.
 */
export function foldDelegation(delegations: Map<string, Delegation>, change: UserChange, at: string): void {
  const d = change.delegation;
  if (!d) return;
  if (change.action === 'delegate' && d.role !== undefined && d.holder !== undefined && d.title !== undefined && d.startsAt !== undefined && d.endsAt !== undefined) {
    delegations.set(d.id, { id: d.id, role: d.role, holder: d.holder, deputy: change.user, title: d.title, startsAt: d.startsAt, endsAt: d.endsAt, endedAt: null });
  } else if (change.action === 'end-delegation') {
    const known = delegations.get(d.id);
    if (known && known.endedAt === null) known.endedAt = at;
  }
}
