/**
 * People and their roles. The roles are the SOPs' actor ids; only an
 * administrator may change who holds what, and every change is in the log.
 */
import { SopError } from '../errors.js';
import type { ActorMeta } from '../events.js';
import type { User } from '../store/index.js';
import type { Actor } from '../definition/types.js';
import { closest } from '../definition/suggest.js';
import { printable } from '../text.js';
import type { Context } from './context.js';
import type { SopSource } from './sop-source.js';

/** User names: what an office would type, without spaces or control characters. */
export const USER_NAME = /^[\p{L}\p{N}][\p{L}\p{N}._@-]{0,63}$/u;

export function assertUserName(name: string): void {
  if (!USER_NAME.test(name)) throw new SopError('user.invalid-name', `"${printable(name)}" is not a valid user name`, { data: { user: name } });
}

/** Who acts, as recorded on an event: the sop user, the role they act in, and their OS login. */
export function actorMeta(ctx: Context, role?: string): ActorMeta {
  const { user, osUser } = ctx.identity;
  return role === undefined ? { user, osUser } : { user, role, osUser };
}

/** `init`: creates the store's first administrator, on an empty store only. */
export function initDatabase(ctx: Context, admin: string): User {
  assertUserName(admin);
  const store = ctx.store;
  if (!store.isEmpty()) {
    throw new SopError('store.not-empty', `${store.path} already holds data; init works only on a new store`, { data: { file: store.path } });
  }
  return ctx.writes.initAdmin(admin, { ...actorMeta(ctx), user: admin });
}

/** The user acting, who must be registered. */
export function currentUser(ctx: Context): User {
  const { user } = ctx.identity;
  const found = ctx.store.getUser(user);
  if (!found) throw new SopError('auth.unknown-user', `"${printable(user)}" is not a registered user of ${ctx.store.path}`, { data: { user, file: ctx.store.path } });
  return found;
}

export function requireAdmin(ctx: Context, action: string): User {
  const me = currentUser(ctx);
  if (!me.isAdmin) throw new SopError('auth.not-admin', `only an administrator may ${action}; "${me.name}" is not one`, { data: { user: me.name, action } });
  return me;
}

/** Every actor of every valid SOP of the source, by id: the roles there are. */
export function knownActors(sops: SopSource): Map<string, Actor & { sops: string[] }> {
  const actors = new Map<string, Actor & { sops: string[] }>();
  for (const checked of sops.checkAll()) {
    const def = checked.definition;
    if (!def) continue;
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
  const actors = knownActors(ctx.sops);
  for (const role of roles) {
    const actor = actors.get(role);
    if (!actor) {
      const guess = closest(role, actors.keys());
      throw new SopError('role.unknown', `no SOP in ${ctx.sops.name} has an actor "${printable(role)}"`, {
        data: { role, source: ctx.sops.name, suggestion: guess ?? null, roles: [...actors.keys()] },
      });
    }
    if (actor.kind === 'case') {
      throw new SopError('role.case-actor', `"${role}" (${actor.name}) is a person of the case, not a standing role`, { data: { role, actorName: actor.name } });
    }
  }
  return [...new Set(roles)];
}

export function addUser(ctx: Context, name: string, roles: string[], admin: boolean): User {
  assertUserName(name);
  requireAdmin(ctx, 'add users');
  return ctx.writes.addUser(name, { admin, roles: checkRoles(ctx, roles) }, actorMeta(ctx));
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

export function removeUser(ctx: Context, name: string): void {
  requireAdmin(ctx, 'remove users');
  ctx.writes.removeUser(name, actorMeta(ctx));
}
