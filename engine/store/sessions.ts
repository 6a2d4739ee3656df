/**
 * Login sessions (migration 004, table `sessions`): a session token is
 * known only to its holder; the store keeps the SHA-256 of it, who it is,
 * from which client, and until when it is good.
 */
import type Database from 'better-sqlite3';

export interface Session {
  /** SHA-256 (hex) of the session token. */
  idHash: string;
  user: string;
  client: string | null;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
}

interface SessionRow {
  id_hash: string;
  user: string;
  client: string | null;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
}

export class Sessions {
  private readonly selectOne: Database.Statement;
  private readonly insert: Database.Statement;
  private readonly revokeOne: Database.Statement;
  private readonly revokeOfUser: Database.Statement;
  private readonly deleteOld: Database.Statement;

  constructor(db: Database.Database) {
    this.selectOne = db.prepare('SELECT * FROM sessions WHERE id_hash = ?');
    this.insert = db.prepare('INSERT INTO sessions (id_hash, user, client, created_at, expires_at, revoked_at) VALUES (?, ?, ?, ?, ?, NULL)');
    this.revokeOne = db.prepare('UPDATE sessions SET revoked_at = ? WHERE id_hash = ? AND revoked_at IS NULL');
    this.revokeOfUser = db.prepare('UPDATE sessions SET revoked_at = ? WHERE user = ? AND revoked_at IS NULL');
    this.deleteOld = db.prepare('DELETE FROM sessions WHERE expires_at < ?');
  }

  get(idHash: string): Session | undefined {
    const row = this.selectOne.get(idHash) as SessionRow | undefined;
    return row && { idHash: row.id_hash, user: row.user, client: row.client, createdAt: row.created_at, expiresAt: row.expires_at, revokedAt: row.revoked_at };
  }

  /** Call inside a write transaction. */
  create(session: Omit<Session, 'revokedAt'>): void {
    this.insert.run(session.idHash, session.user, session.client, session.createdAt, session.expiresAt);
  }

  /** Ends one session (a logout); whether it was open. */
  revoke(idHash: string, at: string): boolean {
    return this.revokeOne.run(at, idHash).changes > 0;
  }

  /** Ends every open session of a person (their password was reset); how many. */
  revokeAllOf(user: string, at: string): number {
    return this.revokeOfUser.run(at, user).changes;
  }

  /** Forgets the sessions that expired before `before`: nothing can use them any more. */
  prune(before: string): number {
    return this.deleteOld.run(before).changes;
  }
}
