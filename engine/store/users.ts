/**
 * Users and their standing roles. Every change is also a 'user' log entry,
 * so who was allowed what, and since when, is part of the audited history.
 */
import type Database from 'better-sqlite3';
import { SopError } from '../errors.js';
import type { Log } from './log.js';
import type { ActorMeta, User, UserAction, UserChange } from './types.js';

interface UserRow {
  name: string;
  is_admin: 0 | 1;
  created_at: string;
}

export interface NewUser {
  admin?: boolean;
  roles?: string[];
}

export class Users {
  private readonly countLog: Database.Statement;
  private readonly selectUser: Database.Statement;
  private readonly selectAll: Database.Statement;
  private readonly selectRoles: Database.Statement;
  private readonly countAdmins: Database.Statement;
  private readonly insertUser: Database.Statement;
  private readonly deleteUser: Database.Statement;
  private readonly insertRole: Database.Statement;
  private readonly deleteRoles: Database.Statement;

  constructor(
    private readonly db: Database.Database,
    private readonly log: Log,
    private readonly now: () => string,
  ) {
    this.countLog = db.prepare('SELECT EXISTS (SELECT 1 FROM log) AS any');
    this.selectUser = db.prepare('SELECT * FROM users WHERE name = ?');
    this.selectAll = db.prepare('SELECT * FROM users ORDER BY name');
    this.selectRoles = db.prepare('SELECT role FROM user_roles WHERE user = ?');
    this.countAdmins = db.prepare('SELECT count(*) AS n FROM users WHERE is_admin = 1');
    this.insertUser = db.prepare('INSERT INTO users (name, is_admin, created_at) VALUES (?, ?, ?)');
    this.deleteUser = db.prepare('DELETE FROM users WHERE name = ?');
    this.insertRole = db.prepare('INSERT OR IGNORE INTO user_roles (user, role) VALUES (?, ?)');
    this.deleteRoles = db.prepare('DELETE FROM user_roles WHERE user = ?');
  }

  /** Nothing has ever been written: no log entry at all (so no user, definition or instance). */
  isEmpty(): boolean {
    return (this.countLog.get() as { any: 0 | 1 }).any === 0;
  }

  /*
   * The changes below run inside a write transaction (see WriteTx), which
   * makes each one atomic; `request` is the id of the request that writes.
   */

  /** Creates the first administrator; only on an empty store, so it cannot be used to seize an existing one. */
  initAdmin(name: string, by: ActorMeta, request: string | undefined): User {
    if (!this.isEmpty()) throw new SopError('store.not-empty', 'the store is already initialized', { data: { file: this.db.name } });
    return this.create(name, { admin: true }, by, 'init-admin', request);
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
    const change: UserChange = { action: 'remove', user: name, by };
    this.log.append('user', null, null, this.now(), change, request);
  }

  get(name: string): User | undefined {
    const row = this.selectUser.get(name) as UserRow | undefined;
    return row === undefined ? undefined : this.toUser(row);
  }

  list(): User[] {
    return (this.selectAll.all() as UserRow[]).map((r) => this.toUser(r));
  }

  private create(name: string, user: NewUser, by: ActorMeta, action: UserAction, request: string | undefined): User {
    const at = this.now();
    const admin = user.admin === true;
    this.insertUser.run(name, admin ? 1 : 0, at);
    const roles = [...new Set(user.roles ?? [])].sort();
    for (const role of roles) this.insertRole.run(name, role);
    const change: UserChange = { action, user: name, admin, roles, by };
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
    const change: UserChange = { action, user: name, roles, by };
    this.log.append('user', null, null, this.now(), change, request);
    return this.get(name)!;
  }

  private requireRow(name: string): UserRow {
    const row = this.selectUser.get(name) as UserRow | undefined;
    if (row === undefined) {
      throw new SopError('store.unknown-user', `no user ${name}`, { data: { user: name } });
    }
    return row;
  }

  private roles(name: string): string[] {
    // Sorted in JS, not by SQL, so it compares equal to other JS-sorted lists.
    return (this.selectRoles.all(name) as { role: string }[]).map((r) => r.role).sort();
  }

  private toUser(row: UserRow): User {
    return { name: row.name, isAdmin: row.is_admin === 1, roles: this.roles(row.name), createdAt: row.created_at };
  }
}
