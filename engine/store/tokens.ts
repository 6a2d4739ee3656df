/**
 * API tokens (migration 004, table `api_tokens`): long-lived, for scripts
 * and clients, each with a public id and a label, listed and revocable.
 * Only the SHA-256 of the secret is kept; the secret is shown once, when
 * the token is made. Making and revoking one are 'user' log entries.
 */
import type Database from 'better-sqlite3';

export interface ApiToken {
  /** Public: shown in lists and in the log. */
  id: string;
  user: string;
  label: string;
  createdAt: string;
  revokedAt: string | null;
}

interface TokenRow {
  id: string;
  user: string;
  label: string;
  hash: string;
  created_at: string;
  revoked_at: string | null;
}

const toToken = (r: TokenRow): ApiToken => ({ id: r.id, user: r.user, label: r.label, createdAt: r.created_at, revokedAt: r.revoked_at });

export class ApiTokens {
  private readonly selectById: Database.Statement;
  private readonly selectByHash: Database.Statement;
  private readonly selectOfUser: Database.Statement;
  private readonly selectAll: Database.Statement;
  private readonly insert: Database.Statement;
  private readonly revokeOne: Database.Statement;

  constructor(db: Database.Database) {
    this.selectById = db.prepare('SELECT * FROM api_tokens WHERE id = ?');
    this.selectByHash = db.prepare('SELECT * FROM api_tokens WHERE hash = ?');
    this.selectOfUser = db.prepare('SELECT * FROM api_tokens WHERE user = ? ORDER BY created_at, id');
    this.selectAll = db.prepare('SELECT * FROM api_tokens ORDER BY user, created_at, id');
    this.insert = db.prepare('INSERT INTO api_tokens (id, user, label, hash, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, NULL)');
    this.revokeOne = db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL');
  }

  get(id: string): ApiToken | undefined {
    const row = this.selectById.get(id) as TokenRow | undefined;
    return row && toToken(row);
  }

  /** The token whose secret has this SHA-256 (hex), if any. */
  byHash(hash: string): ApiToken | undefined {
    const row = this.selectByHash.get(hash) as TokenRow | undefined;
    return row && toToken(row);
  }

  /** A person's tokens (everyone's without `user`), revoked ones included. */
  list(user?: string): ApiToken[] {
    return ((user === undefined ? this.selectAll.all() : this.selectOfUser.all(user)) as TokenRow[]).map(toToken);
  }

  /** Call inside a write transaction. */
  create(token: Omit<ApiToken, 'revokedAt'>, hash: string): void {
    this.insert.run(token.id, token.user, token.label, hash, token.createdAt);
  }

  /** Whether it was still in force. */
  revoke(id: string, at: string): boolean {
    return this.revokeOne.run(at, id).changes > 0;
  }
}
