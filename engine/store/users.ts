/**
 * Users: their standing roles, their rights (administrator, maintainer),
 * the OS login bound to them, and how documents name them. Every change is
 * also a 'user' log entry, so who was allowed what, and since when, is part
 * of the audited history; the tables are a cache that `sop verify` replays.
 */
import type Database from 'better-sqlite3';
import { SopError } from '../errors.js';
import type { Log } from './log.js';
import type { ActorMeta, User, UserAction, UserChange } from './types.js';

interface UserRow {
  name: string;
  is_admin: 0 | 1;
  is_maintainer: 0 | 1;
  login: string | null;
  full_name: string | null;
  nip: string | null;
  jabatan: string | null;
  created_at: string;
}

/** How documents name a person. */
export interface Profile {
  fullName?: string | null;
  nip?: string | null;
  jabatan?: string | null;
}

export interface NewUser {
  admin?: boolean;
  maintainer?: boolean;
  roles?: string[];
  /** The OS login bound to the person (direct file mode). */
  login?: string | null;
  profile?: Profile;
}

export class Users {
  private readonly countLog: Database.Statement;
  private readonly selectUser: Database.Statement;
  private readonly selectByLogin: Database.Statement;
  private readonly selectAll: Database.Statement;
  private readonly selectRoles: Database.Statement;
  private readonly countAdmins: Database.Statement;
  private readonly insertUser: Database.Statement;
  private readonly deleteUser: Database.Statement;
  private readonly insertRole: Database.Statement;
  private readonly deleteRoles: Database.Statement;
  private readonly updateLogin: Database.Statement;
  private readonly updateRights: Database.Statement;
  private readonly updateProfile: Database.Statement;

  constructor(
    private readonly db: Database.Database,
    private readonly log: Log,
    private readonly now: () => string,
  ) {
    this.countLog = db.prepare('SELECT EXISTS (SELECT 1 FROM log) AS any');
    this.selectUser = db.prepare('SELECT * FROM users WHERE name = ?');
    this.selectByLogin = db.prepare('SELECT * FROM users WHERE login = ?');
    this.selectAll = db.prepare('SELECT * FROM users ORDER BY name');
    this.selectRoles = db.prepare('SELECT role FROM user_roles WHERE user = ?');
    this.countAdmins = db.prepare('SELECT count(*) AS n FROM users WHERE is_admin = 1');
    this.insertUser = db.prepare('INSERT INTO users (name, is_admin, is_maintainer, login, full_name, nip, jabatan, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    this.deleteUser = db.prepare('DELETE FROM users WHERE name = ?');
    this.insertRole = db.prepare('INSERT OR IGNORE INTO user_roles (user, role) VALUES (?, ?)');
    this.deleteRoles = db.prepare('DELETE FROM user_roles WHERE user = ?');
    this.updateLogin = db.prepare('UPDATE users SET login = ? WHERE name = ?');
    this.updateRights = db.prepare('UPDATE users SET is_admin = ?, is_maintainer = ? WHERE name = ?');
    this.updateProfile = db.prepare('UPDATE users SET full_name = ?, nip = ?, jabatan = ? WHERE name = ?');
  }

  /** Nothing has ever been written: no log entry at all (so no user, definition or instance). */
  isEmpty(): boolean {
    return (this.countLog.get() as { any: 0 | 1 }).any === 0;
  }

  /*
   * The changes below run inside a write transaction (see WriteTx), which
   * makes each one atomic; `request` is the id of the request that writes.
   */

  /** Creates the first administrator (also a maintainer); only on an empty store, so it cannot be used to seize an existing one. */
  initAdmin(name: string, user: Pick<NewUser, 'login' | 'profile'>, by: ActorMeta, request: string | undefined): User {
    if (!this.isEmpty()) throw new SopError('store.not-empty', 'the store is already initialized', { data: { file: this.db.name } });
    return this.create(name, { ...user, admin: true, maintainer: true }, by, 'init-admin', request);
  }

  add(name: string, user: NewUser, by: ActorMeta, request: string | undefined): User {
    if (this.selectUser.get(name) !== undefined) throw new SopError('store.user-exists', `user ${name} already exists`, { data: { user: name } });
    return this.create(name, user, by, 'add', request);
  }

  /** Replaces the user's roles. */
  setRoles(name: string, roles: string[], by: ActorMeta, request: string | undefined): User {
    return this.changeRoles(name, 'set-roles', by, request, () => new Set(roles));
  }

  addRoles(name: string, roles: string[], by: ActorMeta, request: string | undefined): User {
    return this.changeRoles(name, 'add-roles', by, request, (old) => new Set([...old, ...roles]));
  }

  removeRoles(name: string, roles: string[], by: ActorMeta, request: string | undefined): User {
    return this.changeRoles(name, 'remove-roles', by, request, (old) => new Set(old.filter((r) => !roles.includes(r))));
  }

  /** Binds an OS login to the person (null: unbinds); a login belongs to one person at most. */
  bindLogin(name: string, login: string | null, by: ActorMeta, request: string | undefined): User {
    const row = this.requireRow(name);
    if (row.login === login) return this.toUser(row);
    if (login !== null) {
      const holder = this.selectByLogin.get(login) as UserRow | undefined;
      if (holder) throw new SopError('store.login-taken', `the login ${login} is bound to ${holder.name} already`, { data: { login, user: holder.name } });
    }
    this.updateLogin.run(login, name);
    this.append({ action: 'bind-login', user: name, login, by }, request);
    return this.get(name)!;
  }

  /**
   * Sets the administrator and maintainer rights. The last administrator
   * keeps the right: checking it inside the transaction is what makes two
   * administrators demoting each other at once safe.
   */
  setRights(name: string, rights: { admin: boolean; maintainer: boolean }, by: ActorMeta, request: string | undefined): User {
    const row = this.requireRow(name);
    if (row.is_admin === (rights.admin ? 1 : 0) && row.is_maintainer === (rights.maintainer ? 1 : 0)) return this.toUser(row);
    if (row.is_admin === 1 && !rights.admin && (this.countAdmins.get() as { n: number }).n <= 1) {
      throw new SopError('store.last-admin', `${name} is the last administrator and keeps the right`, { data: { user: name } });
    }
    this.updateRights.run(rights.admin ? 1 : 0, rights.maintainer ? 1 : 0, name);
    this.append({ action: 'set-rights', user: name, admin: rights.admin, maintainer: rights.maintainer, by }, request);
    return this.get(name)!;
  }

  /** Sets how documents name the person (a field left undefined keeps its value). */
  setProfile(name: string, profile: Profile, by: ActorMeta, request: string | undefined): User {
    const row = this.requireRow(name);
    const next = {
      fullName: profile.fullName === undefined ? row.full_name : profile.fullName,
      nip: profile.nip === undefined ? row.nip : profile.nip,
      jabatan: profile.jabatan === undefined ? row.jabatan : profile.jabatan,
    };
    if (next.fullName === row.full_name && next.nip === row.nip && next.jabatan === row.jabatan) return this.toUser(row);
    this.updateProfile.run(next.fullName, next.nip, next.jabatan, name);
    this.append({ action: 'set-profile', user: name, profile: next, by }, request);
    return this.get(name)!;
  }

  /** Records a 'user' entry that changes none of these tables (a password set, a token, a delegation, a signing key): its own table holds the rest. */
  record(change: UserChange, request: string | undefined): number {
    return this.append(change, request);
  }

  /**
   * Removes the user (their past events stay in the log). The last
   * administrator cannot be removed; checking it inside the transaction is
   * what makes two admins removing each other at once safe.
   */
  remove(name: string, by: ActorMeta, request: string | undefined): void {
    const row = this.requireRow(name);
    if (row.is_admin === 1 && (this.countAdmins.get() as { n: number }).n <= 1) {
      throw new SopError('store.last-admin', `${name} is the last administrator and cannot be removed`, { data: { user: name } });
    }
    this.deleteUser.run(name);
    this.append({ action: 'remove', user: name, by }, request);
  }

  get(name: string): User | undefined {
    const row = this.selectUser.get(name) as UserRow | undefined;
    return row === undefined ? undefined : this.toUser(row);
  }

  /** The person the OS login is bound to, if any. */
  byLogin(login: string): User | undefined {
    const row = this.selectByLogin.get(login) as UserRow | undefined;
    return row === undefined ? undefined : this.toUser(row);
  }

  list(): User[] {
    return (this.selectAll.all() as UserRow[]).map((r) => this.toUser(r));
  }

  private create(name: string, user: NewUser, by: ActorMeta, action: UserAction, request: string | undefined): User {
    const at = this.now();
    const admin = user.admin === true;
    const maintainer = user.maintainer === true;
    const login = user.login ?? null;
    if (login !== null) {
      const holder = this.selectByLogin.get(login) as UserRow | undefined;
      if (holder) throw new SopError('store.login-taken', `the login ${login} is bound to ${holder.name} already`, { data: { login, user: holder.name } });
    }
    const profile = { fullName: user.profile?.fullName ?? null, nip: user.profile?.nip ?? null, jabatan: user.profile?.jabatan ?? null };
    this.insertUser.run(name, admin ? 1 : 0, maintainer ? 1 : 0, login, profile.fullName, profile.nip, profile.jabatan, at);
    const roles = [...new Set(user.roles ?? [])].sort();
    for (const role of roles) this.insertRole.run(name, role);
    const change: UserChange = { action, user: name, admin, maintainer, roles, login, profile, by };
    this.log.append('user', null, null, at, change, request);
    return this.get(name)!;
  }

  /** Applies a role change; logs it only when the role set actually changed. */
  private changeRoles(name: string, action: UserAction, by: ActorMeta, request: string | undefined, next: (old: string[]) => Set<string>): User {
    this.requireRow(name);
    const old = this.roles(name);
    const roles = [...next(old)].sort();
    if (roles.length === old.length && roles.every((r, i) => r === old[i])) return this.get(name)!;
    this.deleteRoles.run(name);
    for (const role of roles) this.insertRole.run(name, role);
    this.append({ action, user: name, roles, by }, request);
    return this.get(name)!;
  }

  private append(change: UserChange, request: string | undefined): number {
    return this.log.append('user', null, null, this.now(), change, request);
  }

  private requireRow(name: string): UserRow {
    const row = this.selectUser.get(name) as UserRow | undefined;
    if (row === undefined) throw new SopError('store.unknown-user', `no user ${name}`, { data: { user: name } });
    return row;
  }

  private roles(name: string): string[] {
    // Sorted in JS, not by SQL, so it compares equal to other JS-sorted lists.
    return (this.selectRoles.all(name) as { role: string }[]).map((r) => r.role).sort();
  }

  private toUser(row: UserRow): User {
    return {
      name: row.name,
      isAdmin: row.is_admin === 1,
      isMaintainer: row.is_maintainer === 1,
      login: row.login,
      profile: { fullName: row.full_name, nip: row.nip, jabatan: row.jabatan },
      roles: this.roles(row.name),
      createdAt: row.created_at,
    };
  }
}
