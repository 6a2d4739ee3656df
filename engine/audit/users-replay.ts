/**
 * The users and user_roles tables are a cache of the 'user' log entries,
 * like instance rows are of events: replaying the entries must give them.
 * The same replay gives the history of who held what, which the authority
 * checks read (authority-check.ts).
 */
import type { StoredSigningKeyRow, StoredUserRow } from '../store/audit-reads.js';
import type { UserChange } from '../events.js';
import type { Break } from './breaks.js';
import type { Delegation } from '../machine/authority.js';
import { userChangeAllowed, type AuthorityView, type UserState } from './authority-check.js';
import { keyIdOf } from './signing.js';

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

/** A signing key as its entries recorded it. */
/** A delegation as its `delegate` entry recorded it, with the entries that recorded and ended it. */
export interface DelegationRecord extends Delegation {
  /** The entry that recorded it. */
  seq: number;
  /** The `end-delegation` entry, when it was ended early. */
  endedSeq: number | null;
}

export interface KeyRecord {
  id: string;
  publicKey: string;
  algorithm: string;
  addedSeq: number;
  retiredSeq: number | null;
}

/**
 * The users history of the log: each person's standing after each entry
 * that changed it, the delegations and the signing keys, so that who held
 * what can be asked at any entry.
 */
export class UsersHistory {
  /** Per person, their standing after each change, in log order (undefined: removed). */
  private readonly versions = new Map<string, { seq: number; state: UserState | undefined }[]>();
  readonly delegations = new Map<string, DelegationRecord>();
  readonly keys = new Map<string, KeyRecord>();
  private firstUserSeq = Infinity;
  private firstLoginSeq = Infinity;

  /** Records a person's standing after entry `seq` (entries come in log order). */
  set(name: string, seq: number, user: ReplayedUser | undefined): void {
    let list = this.versions.get(name);
    if (!list) {
      list = [];
      this.versions.set(name, list);
    }
    list.push({ seq, state: user && { admin: user.admin, maintainer: user.maintainer, roles: [...user.roles], login: user.login } });
    if (user && seq < this.firstUserSeq) this.firstUserSeq = seq;
    if (user?.login && seq < this.firstLoginSeq) this.firstLoginSeq = seq;
  }

  /** The person's standing just before entry `seq`. */
  before(name: string, seq: number): UserState | undefined {
    const list = this.versions.get(name);
    if (!list) return undefined;
    // The last version written before seq (binary search: the lists are in log order).
    let lo = 0;
    let hi = list.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.seq < seq) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found < 0 ? undefined : list[found]!.state;
  }

  /** Whether the person held the role at any time in the log (for a clearer message). */
  everHeld(name: string, role: string): boolean {
    return (this.versions.get(name) ?? []).some((v) => v.state?.roles.includes(role));
  }

  /** The history seen just before entry `seq`. */
  at(seq: number): AuthorityView {
    return {
      user: (name) => this.before(name, seq),
      delegations: () => [...this.delegations.values()].filter((d) => d.seq < seq).map(({ seq: _made, endedSeq, ...d }) => ({ ...d, endedAt: endedSeq !== null && endedSeq < seq ? d.endedAt : null })),
      anyone: () => this.firstUserSeq < seq,
      anyLogin: () => this.firstLoginSeq < seq,
    };
  }
}

/**
 * Folds user entries ([seq, at, payload] in log order) into the users they
 * leave and the history of who held what; each change is checked against
 * that history (`authority.not-allowed`: made by someone who was not an
 * administrator then), and the key and delegation entries against each other.
 */
export function replayUsers(entries: readonly [seq: number, at: string, payload: string][]): { users: Map<string, ReplayedUser>; breaks: Break[]; history: UsersHistory } {
  const users = new Map<string, ReplayedUser>();
  const history = new UsersHistory();
  const breaks: Break[] = [];
  for (const [seq, at, payload] of entries) {
    let change: UserChange;
    try {
      change = JSON.parse(payload) as UserChange;
    } catch {
      breaks.push({ code: 'replay.unreadable', seq, message: `entry ${seq} (a user change) is not readable JSON` });
      continue;
    }
    const allowed = userChangeAllowed(change, history.at(seq));
    if (!allowed.ok) {
      breaks.push({ code: 'authority.not-allowed', seq, message: `entry ${seq} (user change "${change.action}" of ${change.user}) was not allowed: ${allowed.why}` });
    }
    if (change.action === 'init-admin' || change.action === 'add') {
      const user: ReplayedUser = {
        admin: change.admin === true,
        // Entries written before the maintainer right carry none: nobody held it (migration 004 gives none).
        maintainer: change.maintainer === true,
        login: change.login ?? null,
        fullName: change.profile?.fullName ?? null,
        nip: change.profile?.nip ?? null,
        jabatan: change.profile?.jabatan ?? null,
        roles: [...(change.roles ?? [])].sort(),
        createdAt: at,
      };
      users.set(change.user, user);
      history.set(change.user, seq, user);
      continue;
    }
    if (change.action === 'remove') {
      users.delete(change.user);
      history.set(change.user, seq, undefined);
      continue;
    }
    if (change.action === 'key-add' || change.action === 'key-retire') {
      const b = replayKey(change, seq, history.keys);
      if (b) breaks.push(b);
      continue;
    }
    if (change.action === 'delegate' || change.action === 'end-delegation') {
      replayDelegation(change, seq, at, history.delegations);
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
    history.set(change.user, seq, user);
  }
  return { users, breaks, history };
}

function replayKey(change: UserChange, seq: number, keys: Map<string, KeyRecord>): Break | undefined {
  const key = change.key;
  if (!key || typeof key.id !== 'string') return { code: 'keys.state', seq, message: `entry ${seq} (${change.action}) names no key` };
  const known = keys.get(key.id);
  if (change.action === 'key-add') {
    if (known) return { code: 'keys.state', seq, message: `entry ${seq} adds the signing key ${key.id}, which entry ${known.addedSeq} added already` };
    if (typeof key.publicKey !== 'string' || keyIdOf(key.publicKey) !== key.id) {
      return { code: 'keys.state', seq, message: `entry ${seq} adds a signing key under the id ${key.id}, which is not the fingerprint of the public key it gives` };
    }
    keys.set(key.id, { id: key.id, publicKey: key.publicKey, algorithm: key.algorithm ?? 'ed25519', addedSeq: seq, retiredSeq: null });
    return undefined;
  }
  if (!known) return { code: 'keys.state', seq, message: `entry ${seq} retires the signing key ${key.id}, which was never added` };
  if (known.retiredSeq === null) known.retiredSeq = seq;
  return undefined;
}

function replayDelegation(change: UserChange, seq: number, at: string, delegations: Map<string, DelegationRecord>): void {
  const d = change.delegation;
  if (!d || typeof d.id !== 'string') return;
  if (change.action === 'delegate') {
    delegations.set(d.id, {
      id: d.id,
      role: d.role ?? '',
      holder: d.holder ?? '',
      deputy: change.user,
      title: d.title ?? ('' as Delegation['title']),
      startsAt: d.startsAt ?? '',
      endsAt: d.endsAt ?? '',
      endedAt: null,
      seq,
      endedSeq: null,
    });
    return;
  }
  const known = delegations.get(d.id);
  if (known && known.endedSeq === null) {
    known.endedSeq = seq;
    known.endedAt = at;
  }
}

/** Compares the signing keys table with the key entries of the log. */
export function compareKeys(replayed: Map<string, KeyRecord>, rows: readonly StoredSigningKeyRow[]): Break[] {
  const breaks: Break[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    seen.add(row.id);
    const k = replayed.get(row.id);
    if (!k) {
      breaks.push({ code: 'keys.state', message: `signing key ${row.id} is in the signing_keys table, but no log entry added it` });
      continue;
    }
    if (k.publicKey !== row.public_key || k.addedSeq !== row.added_seq || k.retiredSeq !== row.retired_seq) {
      breaks.push({
        code: 'keys.state',
        seq: k.addedSeq,
        message: `signing key ${row.id} is recorded as added at entry ${row.added_seq}${row.retired_seq === null ? ', in use' : `, retired at entry ${row.retired_seq}`}, but the log gives added at entry ${k.addedSeq}${k.retiredSeq === null ? ', in use' : `, retired at entry ${k.retiredSeq}`}${k.publicKey === row.public_key ? '' : ', with another public key'}`,
      });
    }
  }
  for (const [id, k] of replayed) {
    if (!seen.has(id)) breaks.push({ code: 'keys.state', seq: k.addedSeq, message: `signing key ${id} was added in the log (entry ${k.addedSeq}) but is missing from the signing_keys table` });
  }
  return breaks;
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
