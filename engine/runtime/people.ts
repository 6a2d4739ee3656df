/**
 * People: their roles (the SOPs' actor ids), their rights (administrator,
 * maintainer), the OS login bound to them and how documents name them. Only
 * an administrator may change who holds what, and every change is in the log.
 */
import { SopError } from '../errors.js';
import type { ActorMeta } from '../events.js';
import type { User, Profile } from '../store/index.js';
import type { Actor } from '../definition/types.js';
import { closest } from '../definition/suggest.js';
import { isPlainText, printable } from '../text.js';
import type { Context } from './context.js';
import type { RuntimeState } from '../machine/instance-state.js';

/** User names: what an office would type, without spaces or control characters. */
export const USER_NAME = /^[\p{L}\p{N}][\p{L}\p{N}._@-]{0,63}$/u;
/** OS logins as Unix writes them. */
const LOGIN = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}\$?$/;
/** A profile field: a line of plain text. */
const MAX_PROFILE = 200;

export function assertUserName(name: string): void {
  if (!USER_NAME.test(name)) throw new SopError('user.invalid-name', `"${printable(name)}" is not a valid user name`, { data: { user: name } });
}

export function assertLogin(login: string): void {
  if (!LOGIN.test(login)) throw new SopError('user.invalid-login', `"${printable(login)}" is not an OS login`, { data: { login } });
}

function checkProfile(profile: Profile | undefined): Profile | undefined {
  if (!profile) return undefined;
  for (const [field, value] of Object.entries(profile) as [string, string | null | undefined][]) {
    if (value === undefined || value === null) continue;
    if (value.trim() === '' || [...value].length > MAX_PROFILE || !isPlainText(value)) {
      throw new SopError('user.invalid-profile', `${field} must be 1 to ${MAX_PROFILE} characters of plain text`, { data: { field, max: MAX_PROFILE } });
    }
  }
  return profile;
}

/**
 * Who acts, as recorded on an event: the sop user, the role they act in,
 * how they proved who they are and from where, and for an emergency action
 * the person it was done for.
 */
export function actorMeta(ctx: Context, role?: string): ActorMeta {
  const { user, via, osUser, client, onBehalfOf } = ctx.identity;
  return {
    user,
    ...(role === undefined ? {} : { role }),
    via,
    ...(osUser === undefined ? {} : { osUser }),
    ...(client === undefined ? {} : { client }),
    ...(onBehalfOf === undefined ? {} : { onBehalfOf }),
  };
}

/**
 * `init`: creates the store's first administrator (also a maintainer), on
 * an empty store only. In direct file mode the OS login running it is
 * bound to them, unless `login` names another one.
 */
export function initDatabase(ctx: Context, admin: string, options: { login?: string | null; profile?: Profile } = {}): User {
  assertUserName(admin);
  const store = ctx.store;
  if (!store.isEmpty()) {
    throw new SopError('store.not-empty', `${store.path} already holds data; init works only on a new store`, { data: { file: store.path } });
  }
  const claimed = ctx.claimed;
  const via = claimed.via ?? 'program';
  const login = options.login !== undefined ? options.login : via === 'os-login' ? (claimed.osUser ?? null) : null;
  if (login !== null) assertLogin(login);
  const by: ActorMeta = { user: admin, via, ...(claimed.osUser === undefined ? {} : { osUser: claimed.osUser }), ...(claimed.client === undefined ? {} : { client: claimed.client }) };
  return ctx.writes.initAdmin(admin, { login, ...(options.profile ? { profile: checkProfile(options.profile)! } : {}) }, by);
}

/**
 * `user claim`: on a store where no OS login is bound to anyone (one made
 * before logins, by migration 004, or by a program), binds the OS login
 * running it to an administrator, who can then bind everyone else's. The
 * first binding only: once any login is bound, logins are bound by an
 * administrator (`auth.logins-bound`). Recorded as the administrator's own
 * change through that login, which verify accepts as the first binding.
 */
export function claimFirstLogin(ctx: Context, admin: string): User {
  const claimed = ctx.claimed;
  if (claimed.via !== 'os-login' || !claimed.osUser) {
    throw new SopError('auth.not-allowed', 'only an OS login claims an administrator (the CLI on the store file)', { data: { action: 'claim' } });
  }
  assertLogin(claimed.osUser);
  const store = ctx.store;
  const bound = store.listUsers().find((u) => u.login !== null);
  if (bound) {
    throw new SopError('auth.logins-bound', `logins are bound on ${store.path} already (${bound.name}'s is "${bound.login}"): an administrator binds yours`, {
      data: { file: store.path, login: claimed.osUser },
    });
  }
  const user = store.getUser(admin);
  if (!user) throw new SopError('store.unknown-user', `no user ${admin}`, { data: { user: admin } });
  if (!user.isAdmin) throw new SopError('auth.not-admin', `${admin} is not an administrator: only an administrator's login may be claimed first`, { data: { user: admin, action: 'claim a login' } });
  const by: ActorMeta = { user: admin, via: 'os-login', osUser: claimed.osUser };
  return ctx.writes.bindLogin(admin, claimed.osUser, by);
}

/**
 * The person the use case acts for, who must be registered: the one acting,
 * or, in an administrator's emergency action, the one it is done for (the
 * administrator must be one, and give a reason: see actingUser).
 */
export function currentUser(ctx: Context): User {
  const me = actingUser(ctx);
  const { onBehalfOf } = ctx.identity;
  return onBehalfOf ? ctx.store.getUser(onBehalfOf.user)! : me;
}

export function requireAdmin(ctx: Context, action: string): User {
  const me = actingUser(ctx);
  if (!me.isAdmin) throw new SopError('auth.not-admin', `only an administrator may ${action}; "${me.name}" is not one`, { data: { user: me.name, action } });
  return me;
}

/**
 * The person acting themselves (an emergency action's administrator, not the
 * one it is for). Whatever the use case, an action recorded as done on
 * someone's behalf must be one: by an administrator, with a reason, for a
 * registered person.
 */
export function actingUser(ctx: Context): User {
  const { user, onBehalfOf } = ctx.identity;
  const found = ctx.store.getUser(user);
  if (!found) throw new SopError('auth.unknown-user', `"${printable(user)}" is not a registered user of ${ctx.store.path}`, { data: { user, file: ctx.store.path } });
  if (!onBehalfOf) return found;
  if (!found.isAdmin) {
    throw new SopError('auth.not-admin', `only an administrator may act on someone's behalf; "${found.name}" is not one`, { data: { user: found.name, action: 'act on behalf' } });
  }
  const reason = onBehalfOf.reason.trim();
  if (!reason || !isPlainText(reason, { multiline: true }) || [...reason].length > 2000) {
    throw new SopError('auth.no-reason', 'an action on someone\u2019s behalf needs a reason of 1 to 2000 characters of text', { data: { user: found.name } });
  }
  if (!ctx.store.getUser(onBehalfOf.user)) {
    throw new SopError('auth.unknown-user', `"${printable(onBehalfOf.user)}" is not a registered user of ${ctx.store.path}`, { data: { user: onBehalfOf.user, file: ctx.store.path } });
  }
  return found;
}

/** Every actor of every published SOP (each in its latest publication), by id: the roles there are. */
export function knownActors(ctx: Context): Map<string, Actor & { sops: string[] }> {
  const actors = new Map<string, Actor & { sops: string[] }>();
  const latest = new Map<string, string>();
  for (const p of ctx.store.publishedSops()) latest.set(p.sop!, p.hash);
  for (const hash of latest.values()) {
    const def = ctx.office.pinnedDefinition(hash);
    for (const a of def.actors) {
      const known = actors.get(a.id);
      if (known) known.sops.push(def.id);
      else actors.set(a.id, { ...a, sops: [def.id] });
    }
  }
  return actors;
}

/** Roles must be standing actors of some SOP: a typo would grant nothing and fail silently later. */
function checkRoles(ctx: Context, roles: string[]): string[] {
  const actors = knownActors(ctx);
  for (const role of roles) {
    const actor = actors.get(role);
    if (!actor) {
      const guess = closest(role, actors.keys());
      throw new SopError('role.unknown', `no published SOP has an actor "${printable(role)}"`, {
        data: { role, suggestion: guess ?? null, roles: [...actors.entries()].filter(([, a]) => a.kind !== 'case').map(([id]) => id) },
      });
    }
    if (actor.kind === 'case') {
      throw new SopError('role.case-actor', `"${role}" (${actor.name}) is a person of the case, not a standing role`, { data: { role, actorName: actor.name } });
    }
  }
  return [...new Set(roles)];
}

export interface NewPerson {
  roles?: string[];
  admin?: boolean;
  maintainer?: boolean;
  login?: string | null;
  profile?: Profile;
}

export function addUser(ctx: Context, name: string, person: NewPerson): User {
  assertUserName(name);
  if (person.login) assertLogin(person.login);
  requireAdmin(ctx, 'add users');
  return ctx.writes.addUser(
    name,
    {
      admin: person.admin === true,
      maintainer: person.maintainer === true,
      roles: checkRoles(ctx, person.roles ?? []),
      login: person.login ?? null,
      ...(person.profile ? { profile: checkProfile(person.profile)! } : {}),
    },
    actorMeta(ctx),
  );
}

export type RoleChange = 'set' | 'add' | 'remove';

export function changeRoles(ctx: Context, name: string, change: RoleChange, roles: string[]): User {
  requireAdmin(ctx, 'change roles');
  const by = actorMeta(ctx);
  const tx = ctx.writes;
  if (change === 'remove') return tx.removeRoles(name, [...new Set(roles)], by);
  const checked = checkRoles(ctx, roles);
  return change === 'set' ? tx.setRoles(name, checked, by) : tx.addRoles(name, checked, by);
}

/** Binds an OS login to a person (null: unbinds): in direct file mode, that login acts as them. */
export function bindLogin(ctx: Context, name: string, login: string | null): User {
  if (login !== null) assertLogin(login);
  requireAdmin(ctx, 'bind logins');
  return ctx.writes.bindLogin(name, login, actorMeta(ctx));
}

/** Sets a person's rights: administrator (people, roles, logins), maintainer (publishing SOPs). */
export function setRights(ctx: Context, name: string, rights: { admin?: boolean; maintainer?: boolean }): User {
  requireAdmin(ctx, 'change rights');
  const user = ctx.store.getUser(name);
  if (!user) throw new SopError('store.unknown-user', `no user ${name}`, { data: { user: name } });
  return ctx.writes.setRights(name, { admin: rights.admin ?? user.isAdmin, maintainer: rights.maintainer ?? user.isMaintainer }, actorMeta(ctx));
}

/** Sets how documents name a person: by an administrator, or by the person. */
export function setProfile(ctx: Context, name: string, profile: Profile): User {
  const me = actingUser(ctx);
  if (me.name !== name && !me.isAdmin) {
    throw new SopError('auth.not-admin', `only an administrator may change someone else's profile; "${me.name}" is not one`, { data: { user: me.name, action: 'change profiles' } });
  }
  return ctx.writes.setProfile(name, checkProfile(profile)!, actorMeta(ctx));
}

/** The active instances in which `name` is bound to a person of the case, with the actors: what a reassignment must take over. */
export function activeCasesOf(ctx: Context, name: string): { instance: string; actors: string[] }[] {
  return ctx.store
    .listInstances<RuntimeState>({ status: 'active' })
    .map((i) => ({ instance: i.id, actors: Object.keys(i.state.assignments ?? {}).filter((a) => i.state.assignments[a] === name) }))
    .filter((c) => c.actors.length > 0);
}

/**
 * Removes a person. Someone still bound to a person of the case of an
 * active instance is refused (`user.has-active-cases`), unless `force`:
 * those steps would wait on nobody; reassign them first.
 */
export function removeUser(ctx: Context, name: string, options: { force?: boolean } = {}): void {
  requireAdmin(ctx, 'remove users');
  if (options.force !== true) {
    const cases = activeCasesOf(ctx, name);
    if (cases.length > 0) {
      const shown = cases.slice(0, 5).map((c) => `${c.instance} (${c.actors.join(', ')})`);
      throw new SopError(
        'user.has-active-cases',
        `${name} is bound to ${cases.length === 1 ? 'a person of the case of an active instance' : `people of the case of ${cases.length} active instances`}: ${shown.join(', ')}${cases.length > 5 ? ', ...' : ''}; reassign them first, or remove anyway with force`,
        { data: { user: name, instances: cases.map((c) => c.instance), actors: cases.map((c) => c.actors[0]!), count: cases.length } },
      );
    }
  }
  ctx.writes.removeUser(name, actorMeta(ctx));
}
