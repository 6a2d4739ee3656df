/**
 * Passwords (migration 004, table `credentials`): security material kept
 * outside the chain. Only a slow salted hash is stored (see
 * runtime/auth.ts); that a password was set is a 'user' log entry, written
 * by the same transaction, never the password or its hash.
 */
import type Database from 'better-sqlite3';

export interface Credential {
  user: string;
  /** The encoded scrypt hash: `scrypt$<N>$<r>$<p>$<salt>$<key>` (base64url). */
  hash: string;
  /** Set by an administrator: the person must change it at their first login. */
  mustChange: boolean;
  changedAt: string;
}

interface CredentialRow {
  user: string;
  password_hash: string;
  must_change: 0 | 1;
  changed_at: string;
}

export class Credentials {
  private readonly selectOne: Database.Statement;
  private readonly upsert: Database.Statement;

  constructor(db: Database.Database) {
    this.selectOne = db.prepare('SELECT * FROM credentials WHERE user = ?');
    this.upsert = db.prepare(
      'INSERT INTO credentials (user, password_hash, must_change, changed_at) VALUES (?, ?, ?, ?) ON CONFLICT (user) DO UPDATE SET password_hash = excluded.password_hash, must_change = excluded.must_change, changed_at = excluded.changed_at',
    );
  }

  get(user: string): Credential | undefined {
    const row = this.selectOne.get(user) as CredentialRow | undefined;
    return row && { user: row.user, hash: row.password_hash, mustChange: row.must_change === 1, changedAt: row.changed_at };
  }

  /** Sets the person's password hash; call inside a write transaction. */
  set(user: string, hash: string, mustChange: boolean, at: string): void {
    this.upsert.run(user, hash, mustChange ? 1 : 0, at);
  }
}
