/**
 * Delegations (Plt./Plh.): an administrator gives a role holder an acting
 * deputy for a period. During it the deputy completes the role's steps,
 * recorded as "Plh. <role>, a.n. <holder>"; an administrator may end it
 * early. Each is a 'user' log entry; the delegations table is their cache.
 */
import { SopError } from '../errors.js';
import { delegationInEffect, type Delegation } from '../machine/authority.js';
import { parseLocalTime } from '../calendar/working-time.js';
import { randomBytes } from '../store/sha256.js';
import { printable } from '../text.js';
import type { Context } from './context.js';
import { actorMeta, knownActors, requireAdmin } from './people.js';

export type DeputyTitle = 'Plt.' | 'Plh.';

/** What an administrator gives: the role, its holder, the deputy, the title and the period. */
export interface DelegationRequest {
  /** The role (an SOP actor id) the deputy acts in. */
  role: string;
  /** Who holds the role, and for whom the deputy acts (a.n.). */
  holder: string;
  deputy: string;
  /** Plt. (Pelaksana Tugas) or Plh. (Pelaksana Harian); "plh" and "Plh" are read as "Plh.". */
  title: string;
  /**
   * From when: a local date of the office calendar (YYYY-MM-DD, from its
   * start), a local time ("2026-11-20 10:00"), an ISO 8601 time with a zone,
   * or a Date. Default, and at the earliest: now (a delegation never starts
   * in the past).
   */
  from?: string | Date;
  /** Until when: a local date (YYYY-MM-DD, to its end: inclusive), a local or ISO time (exclusive), or a Date. */
  until: string | Date;
}

/** A delegation, and where it stands now. */
export interface DelegationView extends Delegation {
  /** `in-effect`, `to-come`, `ended` (by an administrator) or `run-out` (its period is over). */
  state: 'in-effect' | 'to-come' | 'ended' | 'run-out';
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function normalizeTitle(title: string): DeputyTitle | undefined {
  const t = title.trim().toLowerCase().replace(/\.$/, '');
  return t === 'plt' ? 'Plt.' : t === 'plh' ? 'Plh.' : undefined;
}

/** An instant from what `from`/`until` may be; `endOfDay` reads a date as its end (the start of the next day). */
function instant(ctx: Context, value: string | Date, endOfDay: boolean, field: 'from' | 'until'): Date {
  if (value instanceof Date) {
    if (Number.isFinite(value.getTime())) return value;
  } else {
    const text = value.trim();
    let day = text;
    if (DATE.test(text) && endOfDay) {
      const next = new Date(`${text}T00:00:00Z`);
      next.setUTCDate(next.getUTCDate() + 1);
      day = Number.isFinite(next.getTime()) ? next.toISOString().slice(0, 10) : text;
    }
    const t = DATE.test(text) ? (parseValidDate(text) ? parseLocalTime(day, ctx.calendar) : undefined) : parseLocalTime(text, ctx.calendar);
    if (t) return t;
  }
  const shown = value instanceof Date ? 'an invalid date' : `"${printable(value, 40)}"`;
  throw new SopError('delegation.invalid', `${field} must be a date (YYYY-MM-DD) or a time ("2026-11-20 10:00", or ISO 8601 with a zone), not ${shown}`, { data: { field } });
}

function parseValidDate(text: string): boolean {
  const d = new Date(`${text}T00:00:00Z`);
  return Number.isFinite(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

function newDelegationId(title: DeputyTitle, at: Date): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  let suffix = '';
  for (const b of randomBytes(6)) suffix += alphabet[b % alphabet.length];
  return `${title === 'Plt.' ? 'plt' : 'plh'}-${at.toISOString().slice(0, 10).replace(/-/g, '')}-${suffix}`;
}

/** `delegate`: administrators only; the holder holds the role, the deputy is registered and someone else. */
export function delegate(ctx: Context, request: DelegationRequest): Delegation {
  requireAdmin(ctx, 'give delegations');
  const title = normalizeTitle(String(request.title));
  if (!title) throw new SopError('delegation.invalid', `the title is Plt. or Plh., not "${printable(String(request.title), 20)}"`, { data: { field: 'title' } });
  const store = ctx.store;
  const holder = store.getUser(request.holder);
  if (!holder) throw new SopError('auth.unknown-user', `"${printable(request.holder)}" is not a registered user`, { data: { user: request.holder } });
  const deputy = store.getUser(request.deputy);
  if (!deputy) throw new SopError('auth.unknown-user', `"${printable(request.deputy)}" is not a registered user`, { data: { user: request.deputy } });
  if (deputy.name === holder.name) throw new SopError('delegation.invalid', `${holder.name} cannot be their own deputy`, { data: { field: 'deputy', user: holder.name } });
  const actor = knownActors(ctx).get(request.role);
  if (actor?.kind === 'case') {
    throw new SopError('role.case-actor', `"${request.role}" (${actor.name}) is a person of the case, not a standing role: reassign it instead`, { data: { role: request.role, actorName: actor.name } });
  }
  if (!holder.roles.includes(request.role)) {
    throw new SopError('delegation.not-holder', `${holder.name} does not hold the role ${printable(request.role)}: only its holder can have a deputy in it`, {
      data: { holder: holder.name, role: request.role, roles: holder.roles },
    });
  }
  const now = ctx.clock();
  const from = request.from === undefined ? now : instant(ctx, request.from, false, 'from');
  const until = instant(ctx, request.until, true, 'until');
  const starts = from.getTime() < now.getTime() ? now : from;
  if (until.getTime() <= starts.getTime()) {
    throw new SopError('delegation.invalid', `the period ends (${until.toISOString()}) before it starts (${starts.toISOString()}): a delegation lasts from now or later until a later time`, {
      data: { field: 'until', startsAt: starts.toISOString(), endsAt: until.toISOString() },
    });
  }
  return ctx.writes.delegate(
    { id: newDelegationId(title, now), role: request.role, holder: holder.name, deputy: deputy.name, title, startsAt: starts.toISOString(), endsAt: until.toISOString() },
    actorMeta(ctx),
  );
}

/** `end-delegation`: administrators only; one in effect or to come. */
export function endDelegation(ctx: Context, id: string): Delegation {
  requireAdmin(ctx, 'end delegations');
  const d = ctx.store.delegation(id);
  if (!d) throw new SopError('delegation.unknown', `no delegation "${printable(id)}"`, { data: { delegation: id } });
  const now = ctx.clock().toISOString();
  if (d.endedAt !== null) throw new SopError('delegation.ended', `delegation ${d.id} was already ended at ${d.endedAt}`, { data: { delegation: d.id, endedAt: d.endedAt } });
  if (Date.parse(d.endsAt) <= Date.parse(now)) throw new SopError('delegation.ended', `delegation ${d.id} ran out at ${d.endsAt}`, { data: { delegation: d.id, endedAt: d.endsAt } });
  return ctx.writes.endDelegation(d.id, actorMeta(ctx));
}

/** Where a delegation stands at `at`. */
export function delegationState(d: Delegation, at: string): DelegationView['state'] {
  if (delegationInEffect(d, at)) return 'in-effect';
  if (d.endedAt !== null && Date.parse(d.endedAt) <= Date.parse(at)) return 'ended';
  return Date.parse(d.endsAt) <= Date.parse(at) ? 'run-out' : 'to-come';
}

/** The delegations in effect and to come (with `all`, also those ended or run out), by start. */
export function listDelegations(ctx: Context, options: { all?: boolean } = {}): DelegationView[] {
  const now = ctx.clock().toISOString();
  return ctx.store
    .delegations()
    .map((d) => ({ ...d, state: delegationState(d, now) }))
    .filter((d) => options.all === true || d.state === 'in-effect' || d.state === 'to-come');
}
