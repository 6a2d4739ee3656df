/**
 * People and their roles. The roles are the SOPs' actor ids; only an
 * administrator may change who holds what, and every change is in the log.
 */
import { SopError } from '../errors.js';
import type { User, ActorMeta } from '../store/index.js';
import type { Actor } from '../definition/types.js';
import { checkSopFile, expandSopPaths, assertSopDir } from '../definition/load.js';
import { closest } from '../definition/suggest.js';
import type { Session } from './session.js';
import { assertUserName, printable } from './identity.js';

export function actorMeta(session: Session, role?: string): ActorMeta {
  const { user, osUser } = session.identity;
  return role === undefined ? { user, osUser } : { user, role, osUser };
}

/** `sop init --admin <name>`: creates the database and its first administrator, on an empty database only. */
export function initDatabase(session: Session, admin: string): User {
  assertUserName(admin);
  const store = session.store;
  if (!store.isEmpty()) {
    throw new SopError('store.not-empty', `${session.db} already holds data; sop init works only on a new database`, {
      hint: 'an administrator adds people with `sop user add`; to start afresh, use another --db file',
    });
  }
  return store.initAdmin(admin, { ...actorMeta(session), user: admin });
}

/** The user running the command, who must be registered. */
export function currentUser(session: Session): User {
  const { user } = session.identity;
  const found = session.store.getUser(user);
  if (!found) {
    throw new SopError('auth.unknown-user', `"${printable(user)}" is not a registered user of ${session.db}`, {
      hint: 'say who you are with --as <user> or SOP_USER; an administrator registers people with `sop user add`',
    });
  }
  return found;
}

export function requireAdmin(session: Session, action: string): User {
  const me = currentUser(session);
  if (!me.isAdmin) {
    throw new SopError('auth.not-admin', `only an administrator may ${action}; "${me.name}" is not one`, {
      hint: 'ask an administrator (see `sop user list`) to do it',
    });
  }
  return me;
}

/** Every actor of every valid SOP in the folder, by id: the roles there are. */
export function knownActors(sopsDir: string): Map<string, Actor & { sops: string[] }> {
  assertSopDir(sopsDir);
  const actors = new Map<string, Actor & { sops: string[] }>();
  for (const file of expandSopPaths([sopsDir]).files) {
    const def = checkSopFile(file).definition;
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
function checkRoles(session: Session, roles: string[]): string[] {
  const actors = knownActors(session.sops);
  for (const role of roles) {
    const actor = actors.get(role);
    if (!actor) {
      const guess = closest(role, actors.keys());
      throw new SopError('role.unknown', `no SOP in ${session.sops} has an actor "${printable(role)}"`, {
        hint: guess ? `did you mean "${guess}"?` : `roles are actor ids: ${[...actors.keys()].join(', ')}`,
      });
    }
    if (actor.kind === 'case') {
      throw new SopError('role.case-actor', `"${role}" (${actor.name}) is a person of the case, not a standing role`, {
        hint: 'bind it per instance: sop start <sop> --assign ' + role + '=<user> (by default the starter)',
      });
    }
  }
  return [...new Set(roles)];
}

export function addUser(session: Session, name: string, roles: string[], admin: boolean): User {
  assertUserName(name);
  requireAdmin(session, 'add users');
  return session.store.addUser(name, { admin, roles: checkRoles(session, roles) }, actorMeta(session));
}

export type RoleChange = 'set' | 'add' | 'remove';

export function changeRoles(session: Session, name: string, change: RoleChange, roles: string[]): User {
  requireAdmin(session, 'change roles');
  const by = actorMeta(session);
  if (change === 'remove') return session.store.removeRoles(name, [...new Set(roles)], by);
  const checked = checkRoles(session, roles);
  return change === 'set' ? session.store.setRoles(name, checked, by) : session.store.addRoles(name, checked, by);
}

export function removeUser(session: Session, name: string): void {
  requireAdmin(session, 'remove users');
  session.store.removeUser(name, actorMeta(session));
}

export function listUsers(session: Session): User[] {
  return session.store.listUsers();
}
