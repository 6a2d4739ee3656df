/**
 * The users and user_roles tables are a cache of the 'user' log entries,
 * like instance rows are of events: replaying the entries must give them.
 */
import type { StoredUserRow } from '../store/audit-reads.js';
import type { UserChange } from '../store/types.js';
import type { Break } from './breaks.js';

interface ReplayedUser {
  admin: boolean;
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
      users.set(change.user, { admin: change.admin === true, roles: [...(change.roles ?? [])].sort(), createdAt: at });
    } else if (change.action === 'remove') {
      users.delete(change.user);
    } else {
      const user = users.get(change.user);
      if (user) user.roles = [...(change.roles ?? [])].sort();
      else breaks.push({ code: 'users.state', seq, message: `entry ${seq} changes the roles of ${change.user}, who was never added` });
    }
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
    const roles = row.roles ? row.roles.split('\n') : [];
    if (!r) {
      breaks.push({ code: 'users.state', message: `user ${row.name} is in the users table, but no log entry added them (or one removed them)` });
    } else if (r.admin !== (row.is_admin === 1) || r.createdAt !== row.created_at || r.roles.join('\n') !== roles.join('\n')) {
      breaks.push({
        code: 'users.state',
        message: `user ${row.name} is recorded as ${describeUser(row.is_admin === 1, roles)}, but the log gives ${describeUser(r.admin, r.roles)}${r.createdAt !== row.created_at ? ` (added ${r.createdAt}, not ${row.created_at})` : ''}`,
      });
    }
  }
  for (const [name] of replayed) {
    if (!seen.has(name)) breaks.push({ code: 'users.state', message: `user ${name} was added in the log but is missing from the users table` });
  }
  return breaks;
}

function describeUser(admin: boolean, roles: string[]): string {
  return `${admin ? 'an administrator' : 'a user'} with roles [${roles.join(', ')}]`;
}
