/**
 * Who was allowed to do what, judged after the fact: each rule takes what an
 * entry records and a view of the users history at that entry (who held
 * which role, who was administrator or maintainer, which delegations were
 * recorded, which OS login was bound to whom), and says whether it was
 * allowed, and why not. Pure: `sop verify` and the bundle check replay the
 * history and ask these rules, entry by entry.
 *
 * The rules are those of issue 11 ("Rules of authority"):
 * - a step of a role actor: by someone holding the role at that moment, or
 *   by their deputy (Plt./Plh.) under a delegation in effect, recorded as such;
 * - a step of a case actor: by the person bound to it at that moment (after
 *   any reassignment);
 * - an administrator's action on someone's behalf (`by.onBehalfOf`): by
 *   someone who was administrator then, for a person who was allowed;
 * - people, roles, rights, logins, delegations and signing keys: changed by
 *   an administrator (a person may set their own profile, password and tokens);
 * - a publication: by a maintainer or an administrator.
 *
 * `completionAllowed` is the one rule the runtime also applies when a step
 * is completed; when the runtime's own pure rule (with separation of duties)
 * lands, it takes this function's place, with the same facts.
 */
import type { ActorMeta, Publication, UserChange } from '../events.js';

/** A person's standing at one moment, as the user entries before it leave it. */
export interface UserState {
  admin: boolean;
  maintainer: boolean;
  roles: readonly string[];
  login: string | null;
}

/** A delegation as its `delegate` entry recorded it, and when it was ended early. */
export interface DelegationRecord {
  id: string;
  role: string;
  holder: string;
  deputy: string;
  title: string;
  startsAt: string;
  endsAt: string;
  /** The entry that recorded it. */
  seq: number;
  /** The `end-delegation` entry, when it was ended early. */
  endedSeq: number | null;
}

/** The users history seen just before one entry. */
export interface AuthorityView {
  /** The person's standing just before the entry; undefined when they were not a registered user then. */
  user(name: string): UserState | undefined;
  /** A delegation recorded before the entry, by id. */
  delegation(id: string): DelegationRecord | undefined;
  /** Whether anybody was a registered user before the entry. */
  anyone(): boolean;
}

export type Verdict = { ok: true } | { ok: false; why: string };

const OK: Verdict = { ok: true };
const no = (why: string): Verdict => ({ ok: false, why });

/** What a completion records, with what the instance's replay knows at that moment. */
export interface Completion {
  step: { id: string; actor: string };
  actor: { id: string; name: string; kind: 'role' | 'case' };
  by: ActorMeta | undefined;
  /** The entry's time. */
  at: string;
  /** Case actor id -> the person bound to it at that moment. */
  assignments: Readonly<Record<string, string>>;
  /** The completions before it in the instance, oldest first (for rules that compare who did which step). */
  done: readonly { step: string; user: string }[];
}

/** The person a recorded action was done as: the one on whose behalf, or the one acting. */
export function subjectOf(by: ActorMeta): string {
  return by.onBehalfOf?.user ?? by.user;
}

/**
 * Who acted, as recorded: a registered user, bound to the OS login the
 * entry names when it came through one, and an administrator when acting on
 * someone's behalf.
 */
export function actorHolds(by: ActorMeta | undefined, view: AuthorityView): Verdict {
  const known = registered(by, view);
  return known.ok ? provedAs(by!, view) : known;
}

/** The person the entry names was a registered user then (and the one acted for, on someone's behalf). */
function registered(by: ActorMeta | undefined, view: AuthorityView): Verdict {
  if (!by || typeof by.user !== 'string') return no('the entry records nobody as having done it');
  if (!view.user(by.user)) return no(`${by.user} was not a registered user then`);
  if (by.onBehalfOf !== undefined && !view.user(by.onBehalfOf.user)) return no(`${by.user} acted on behalf of ${by.onBehalfOf.user}, who was not a registered user then`);
  return OK;
}

/** How the person proved who they were holds: the OS login was theirs, and an action on someone's behalf was an administrator's, with a reason. */
function provedAs(by: ActorMeta, view: AuthorityView): Verdict {
  const me = view.user(by.user)!;
  if (by.via === 'os-login' && by.osUser !== undefined && me.login !== by.osUser) {
    return no(`it is recorded as done by ${by.user} through the OS login ${by.osUser}, which was ${me.login === null ? 'not bound to anyone' : `not theirs (theirs was ${me.login})`} then`);
  }
  if (by.onBehalfOf !== undefined) {
    if (!me.admin) return no(`it is recorded as done by ${by.user} on behalf of ${by.onBehalfOf.user}, but ${by.user} was not an administrator then`);
    if (typeof by.onBehalfOf.reason !== 'string' || by.onBehalfOf.reason.trim() === '') return no(`${by.user} acted on behalf of ${by.onBehalfOf.user} without a reason`);
  }
  return OK;
}

/** A completion: by the holder of the step's role (or their deputy under a delegation in effect), or by the person bound to the case actor. */
export function completionAllowed(c: Completion, view: AuthorityView): Verdict {
  const known = registered(c.by, view);
  if (!known.ok) return known;
  const by = c.by!;
  // Who may do the step first: it is what the record is about; then how they proved who they were.
  const may = mayComplete(c, by, view);
  return may.ok ? provedAs(by, view) : may;
}

function mayComplete(c: Completion, by: ActorMeta, view: AuthorityView): Verdict {
  const doer = subjectOf(by);
  const person = view.user(doer)!;
  if (c.actor.kind === 'case') {
    const bound = c.assignments[c.actor.id];
    if (bound === doer) return OK;
    return no(`step "${c.step.id}" is done by ${c.actor.name} (${c.actor.id}), who was ${bound === undefined ? 'bound to nobody' : bound} in this instance then, not ${doer}`);
  }
  const role = c.actor.id;
  if (person.roles.includes(role)) return OK;
  const deputy = by.deputy;
  if (deputy === undefined) return no(`${doer} did not hold the role ${role} (${c.actor.name}) then, which step "${c.step.id}" needs`);
  const d = typeof deputy.delegation === 'string' ? view.delegation(deputy.delegation) : undefined;
  const as = `${doer} did not hold the role ${role} (${c.actor.name}) then and is recorded as ${deputy.title} for ${deputy.for}`;
  if (!d) return no(`${as}, under a delegation ${String(deputy.delegation)} that was never recorded before it`);
  if (d.deputy !== doer || d.role !== role || d.holder !== deputy.for || d.title !== deputy.title) {
    return no(`${as}, but delegation ${d.id} made ${d.deputy} ${d.title} for ${d.holder} in the role ${d.role}`);
  }
  if (c.at < d.startsAt || c.at >= d.endsAt) return no(`${as}, but delegation ${d.id} ran from ${d.startsAt} to ${d.endsAt}, not at ${c.at}`);
  if (d.endedSeq !== null) return no(`${as}, but delegation ${d.id} was ended at entry ${d.endedSeq}`);
  if (!view.user(d.holder)?.roles.includes(role)) return no(`${as}, but ${d.holder} did not hold the role ${role} then`);
  return OK;
}

/** A start: by a registered user, binding registered people. */
export function startAllowed(by: ActorMeta | undefined, assignments: Readonly<Record<string, string>>, view: AuthorityView): Verdict {
  const acting = actorHolds(by, view);
  if (!acting.ok) return acting;
  for (const [actor, user] of Object.entries(assignments)) {
    if (!view.user(user)) return no(`it binds ${actor} to ${user}, who was not a registered user then`);
  }
  return OK;
}

/** A cancellation: by whoever started the instance, or an administrator. */
export function cancelAllowed(by: ActorMeta | undefined, starter: string | undefined, view: AuthorityView): Verdict {
  const acting = actorHolds(by, view);
  if (!acting.ok) return acting;
  const doer = subjectOf(by!);
  if (doer === starter || view.user(by!.user)!.admin || view.user(doer)?.admin) return OK;
  return no(`only ${starter ?? 'the one who started it'} or an administrator may cancel it, and ${doer} was neither then`);
}

/** A reassignment of a case actor: by an administrator. */
export function reassignAllowed(by: ActorMeta | undefined, to: string | undefined, view: AuthorityView): Verdict {
  const acting = actorHolds(by, view);
  if (!acting.ok) return acting;
  if (!view.user(by!.user)!.admin) return no(`${by!.user} was not an administrator then, and only an administrator reassigns`);
  if (to === undefined || !view.user(to)) return no(`it binds the actor to ${String(to)}, who was not a registered user then`);
  return OK;
}

/** What a person may change about themselves: their profile, password and tokens. */
const OWN: ReadonlySet<string> = new Set(['set-profile', 'password-set', 'token-created', 'token-revoked']);

/** A change of people, roles, rights, logins, delegations or keys: by an administrator (a person's own profile, password and tokens: by them too). */
export function userChangeAllowed(change: UserChange, view: AuthorityView): Verdict {
  if (change.action === 'init-admin') {
    // The first administrator makes themselves one, on an empty store only.
    if (view.anyone()) return no(`it makes ${change.user} the first administrator, but the store had users already`);
    if (change.by?.user !== change.user) return no(`the first administrator ${change.user} is recorded as made by ${String(change.by?.user)}`);
    return OK;
  }
  const acting = actorHolds(change.by, view);
  if (!acting.ok) return acting;
  const by = change.by.user;
  if (view.user(by)!.admin) return OK;
  if (OWN.has(change.action) && change.user === by) return OK;
  return no(`${by} was not an administrator then, and only an administrator may ${describeChange(change)}`);
}

/** A publication of an SOP or the office calendar: by a maintainer or an administrator. */
export function publicationAllowed(publication: Publication, view: AuthorityView): Verdict {
  const acting = actorHolds(publication.by, view);
  if (!acting.ok) return acting;
  const me = view.user(publication.by.user)!;
  if (me.maintainer || me.admin) return OK;
  return no(`${publication.by.user} was neither maintainer nor administrator then`);
}

function describeChange(c: UserChange): string {
  switch (c.action) {
    case 'add':
      return `add people (${c.user})`;
    case 'remove':
      return `remove people (${c.user})`;
    case 'set-roles':
    case 'add-roles':
    case 'remove-roles':
      return `change roles (${c.user}'s)`;
    case 'bind-login':
      return `bind logins (${c.user}'s)`;
    case 'set-rights':
      return `change rights (${c.user}'s)`;
    case 'delegate':
    case 'end-delegation':
      return 'delegate roles';
    case 'key-add':
    case 'key-retire':
      return 'change the signing keys';
    default:
      return `do "${c.action}" for ${c.user}`;
  }
}
