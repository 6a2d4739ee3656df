/**
 * The users and user_roles tables are a cache of the 'user' log entries,
 * like instance rows are of events: replaying the entries must give them.
 */
import type { StoredUserRow } from '../store/audit-reads.js';
import type { UserChange } from '../events.js';
import type { Break } from './breaks.js';

export interface ReplayedUser {
  admin: boolean;
  maintainer: boolean;
  login: string | null;
  fullName: string | null;
  nip: string | null;
  jabatan: string | null;
  roles: string[];
  createdAt: string;
}

/** Folds user entries ([seq, at, payload] in log order) into the users they leave. */
export function replayUsers(entries: readonly [seq: number, at: string, payload: string][]): { users: Map<string, ReplayedUser>; breaks: Break[] } {
  const users = new Map<string, ReplayedUser>();
  const breaks: Break[] = [];
  for (const [seq, at, payload] of entries) {
    let change: UserChange;
    try {
      change = JSON.parse(payload) as UserChange;
    } catch {
      breaks.push({ code: 'replay.unreadable', seq, message: `entry ${seq} (a user change) is not readable JSON` });
      continue;
    }
    if (change.action === 'init-admin' || change.action === 'add') {
      users.set(change.user, {
        admin: change.admin === true,
        // Entries written before the maintainer right carry none: nobody held it (migration 004 gives none).
        maintainer: change.maintainer === true,
        login: change.login ?? null,
        fullName: change.profile?.fullName ?? null,
        nip: change.profile?.nip ?? null,
        jabatan: change.profile?.jabatan ?? null,
        roles: [...(change.roles ?? [])].sort(),
        createdAt: at,
      });
      continue;
    }
    if (change.action === 'remove') {
      users.delete(change.user);
      continue;
    }
    const user = users.get(change.user);
    const changes =
      change.action === 'set-roles' || change.action === 'add-roles' || change.action === 'remove-roles' || change.action === 'bind-login' || change.action === 'set-rights' || change.action === 'set-profile';
    if (!changes) continue;
    if (!user) {
      breaks.push({ code: 'users.state', seq, message: `entry ${seq} changes ${change.user}, who was never added` });
      continue;
    }
    if (change.action === 'bind-login') user.login = change.login ?? null;
    else if (change.action === 'set-rights') {
      user.admin = change.admin === true;
      user.maintainer = change.maintainer === true;
    } else if (change.action === 'set-profile') {
      user.fullName = change.profile?.fullName ?? null;
      user.nip = change.profile?.nip ?? null;
      user.jabatan = change.profile?.jabatan ?? null;
    } else user.roles = [...(change.roles ?? [])].sort();
  }
  return { users, breaks };
}

/** Compares the users tables with the replay. */
export function compareUsers(replayed: Map<string, ReplayedUser>, rows: readonly StoredUserRow[]): Break[] {
  const breaks: Break[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    seen.add(row.name);
    const r = replayed.get(row.name);
    const recorded: ReplayedUser = {
      admin: row.is_admin === 1,
      maintainer: row.is_maintainer === 1,
      login: row.login,
      fullName: row.full_name,
      nip: row.nip,
      jabatan: row.jabatan,
      roles: row.roles ? row.roles.split('\n') : [],
      createdAt: row.created_at,
    };
    if (!r) {
      breaks.push({ code: 'users.state', message: `user ${row.name} is in the users table, but no log entry added them (or one removed them)` });
      continue;
    }
    const differs = (Object.keys(r) as (keyof ReplayedUser)[]).filter((k) => JSON.stringify(r[k]) !== JSON.stringify(recorded[k]));
    if (differs.length > 0) {
      breaks.push({
        code: 'users.state',
        message: `user ${row.name} is recorded as ${describeUser(recorded)}, but the log gives ${describeUser(r)} (${differs.join(', ')} differ)`,
      });
    }
  }
  for (const [name] of replayed) {
    if (!seen.has(name)) breaks.push({ code: 'users.state', message: `user ${name} was added in the log but is missing from the users table` });
  }
  return breaks;
}

function describeUser(u: ReplayedUser): string {
  const rights = [u.admin ? 'an administrator' : 'a user', ...(u.maintainer ? ['maintainer'] : [])].join(' and ');
  return `${rights} with roles [${u.roles.join(', ')}]${u.login ? `, login ${u.login}` : ''}`;
}
