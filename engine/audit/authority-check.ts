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
import type { SopDefinition, Step } from '../definition/types.js';
import type { ActorMeta, Publication, UserChange } from '../events.js';
import { delegationInEffect, mayComplete, type Completion as Done, type Delegation } from '../machine/authority.js';

/** A person's standing at one moment, as the user entries before it leave it. */
export interface UserState {
  admin: boolean;
  maintainer: boolean;
  roles: readonly string[];
  login: string | null;
}

/** The users history seen just before one entry. */
export interface AuthorityView {
  /** The person's standing just before the entry; undefined when they were not a registered user then. */
  user(name: string): UserState | undefined;
  /** The delegations recorded before the entry, each ended (`endedAt`) only if it was ended before the entry. */
  delegations(): readonly Delegation[];
  /** Whether anybody was a registered user before the entry. */
  anyone(): boolean;
  /** Whether any OS login was bound to anyone before the entry. */
  anyLogin(): boolean;
}

export type Verdict = { ok: true } | { ok: false; why: string };

const OK: Verdict = { ok: true };
const no = (why: string): Verdict => ({ ok: false, why });

/** What a completion records, with what the instance's replay knows at that moment. */
export interface Completion {
  def: SopDefinition;
  step: Step;
  by: ActorMeta | undefined;
  /** The entry's time. */
  at: string;
  /** Case actor id -> the person bound to it at that moment. */
  assignments: Readonly<Record<string, string>>;
  /** The completions before it in the instance, oldest first (separation of duties compares them). */
  done: readonly Done[];
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

/**
 * A completion: judged by the runtime's own rule (`mayComplete`: the role or
 * a delegation in effect, the person bound to the case, separation of
 * duties, an emergency action by an administrator), with the facts replayed
 * up to its entry; then the deputy it records must be the delegation it
 * acted under, and the proof of who acted must hold.
 */
export function completionAllowed(c: Completion, view: AuthorityView): Verdict {
  const known = registered(c.by, view);
  if (!known.ok) return known;
  const by = c.by!;
  const doer = subjectOf(by);
  const delegations = view.delegations();
  const may = mayComplete(c.def, c.step, {
    at: c.at,
    user: doer,
    roles: view.user(doer)!.roles,
    delegations,
    assignments: c.assignments,
    completions: c.done,
    ...(by.onBehalfOf ? { emergency: { by: by.user, admin: view.user(by.user)!.admin, reason: String(by.onBehalfOf.reason ?? '') } } : {}),
  });
  if (!may.allowed) return no(may.message);
  const recorded = recordedDeputy(c, by, doer, may.deputy !== undefined, delegations);
  return recorded.ok ? provedAs(by, view) : recorded;
}

/** A completion through a delegation says so, naming one in effect then; one that names a delegation it did not need must name a real one too. */
function recordedDeputy(c: Completion, by: ActorMeta, doer: string, needed: boolean, delegations: readonly Delegation[]): Verdict {
  const deputy = by.deputy;
  if (deputy === undefined) return needed ? no(`${doer} completed step "${c.step.id}" under a delegation of the role ${c.step.actor}, but the entry does not record them as deputy`) : OK;
  const as = `${doer} is recorded as ${deputy.title} for ${deputy.for} under the delegation ${String(deputy.delegation)}`;
  const d = delegations.find((x) => x.id === deputy.delegation);
  if (!d) return no(`${as}, which was never recorded before it`);
  if (d.deputy !== doer || d.role !== c.step.actor || d.holder !== deputy.for || d.title !== deputy.title) {
    return no(`${as}, but delegation ${d.id} made ${d.deputy} ${d.title} for ${d.holder} in the role ${d.role}`);
  }
  if (!delegationInEffect(d, c.at)) return no(`${as}, but delegation ${d.id} was in effect from ${d.startsAt} until ${d.endedAt ?? d.endsAt}, not at ${c.at}`);
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
  if (firstLoginClaim(change, view)) return OK;
  const acting = actorHolds(change.by, view);
  if (!acting.ok) return acting;
  const by = change.by.user;
  if (view.user(by)!.admin) return OK;
  if (OWN.has(change.action) && change.user === by) return OK;
  return no(`${by} was not an administrator then, and only an administrator may ${describeChange(change)}`);
}

/**
 * `sop user claim`: on a store where no login was bound to anyone, an
 * administrator binds the OS login they act through to themselves. The
 * only binding that login did not prove beforehand.
 */
function firstLoginClaim(change: UserChange, view: AuthorityView): boolean {
  const by = change.by;
  return (
    change.action === 'bind-login' &&
    by?.user === change.user &&
    by.via === 'os-login' &&
    by.onBehalfOf === undefined &&
    typeof by.osUser === 'string' &&
    change.login === by.osUser &&
    !view.anyLogin() &&
    view.user(change.user)?.admin === true
  );
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
