/**
 * The public keys the writer signs checkpoints with. Adding and retiring a
 * key is a `user` log entry (`key-add`, `key-retire`: the key's id, its
 * public key and algorithm, and the administrator who did it); the
 * `signing_keys` table is their cache, which `sop verify` replays. The
 * private key never enters the store: it is a file beside it.
 */
import type Database from 'better-sqlite3';
import { SopError } from '../errors.js';
import type { ActorMeta, UserChange } from '../events.js';
import type { Log } from './log.js';

/** A signing key as the store knows it. */
export interface SigningKey {
  id: string;
  /** SPKI DER, base64. */
  publicKey: string;
  algorithm: 'ed25519';
  /** The entry that added it, and when. */
  addedSeq: number;
  addedAt: string;
  /** The entry that retired it (null: in use). */
  retiredSeq: number | null;
}

interface KeyRow {
  id: string;
  public_key: string;
  added_seq: number;
  retired_seq: number | null;
  added_at: string;
}

export class SigningKeys {
  private readonly insert: Database.Statement;
  private readonly retire: Database.Statement;
  private readonly selectAll: Database.Statement;
  private readonly selectOne: Database.Statement;

  constructor(
    db: Database.Database,
    private readonly log: Log,
    private readonly now: () => string,
  ) {
    this.insert = db.prepare('INSERT INTO signing_keys (id, public_key, added_seq, retired_seq) VALUES (?, ?, ?, NULL)');
    this.retire = db.prepare('UPDATE signing_keys SET retired_seq = ? WHERE id = ? AND retired_seq IS NULL');
    const select = 'SELECT k.id, k.public_key, k.added_seq, k.retired_seq, l.at AS added_at FROM signing_keys k LEFT JOIN log l ON l.seq = k.added_seq';
    this.selectAll = db.prepare(`${select} ORDER BY k.added_seq`);
    this.selectOne = db.prepare(`${select} WHERE k.id = ?`);
  }

  /**
   * Adds a key (call inside a write transaction); `by` is the administrator.
   * `inUse` are the ids of the keys in use as the caller read them, before
   * the write lock: checked again under it, so that two first uses at the
   * same moment do not both put a key in use (`key.exists`).
   */
  add(key: { id: string; publicKey: string; algorithm: 'ed25519' }, by: ActorMeta, inUse: readonly string[], request: string | undefined): SigningKey {
    if (this.selectOne.get(key.id) !== undefined) throw new SopError('key.exists', `the signing key ${key.id} is in the store already`, { data: { key: key.id } });
    const now = this.list()
      .filter((k) => k.retiredSeq === null)
      .map((k) => k.id);
    if (now.join(',') !== inUse.join(',')) {
      throw new SopError('key.exists', `the signing keys in use changed while this ran (now: ${now.join(', ') || 'none'}): another command made or rotated one at the same moment`, {
        data: { key: now.at(-1) ?? null },
      });
    }
    const change: UserChange = { action: 'key-add', user: by.user, key: { id: key.id, publicKey: key.publicKey, algorithm: key.algorithm }, by };
    const seq = this.log.append('user', null, null, this.now(), change, request);
    this.insert.run(key.id, key.publicKey, seq);
    return this.get(key.id)!;
  }

  /** Retires a key in use: from the next entry on, nothing it signs holds. */
  retireKey(id: string, by: ActorMeta, request: string | undefined): SigningKey {
    const key = this.get(id);
    if (!key) throw new SopError('key.unknown', `no signing key ${id} in the store`, { data: { key: id } });
    if (key.retiredSeq !== null) return key;
    const change: UserChange = { action: 'key-retire', user: by.user, key: { id, algorithm: key.algorithm }, by };
    const seq = this.log.append('user', null, null, this.now(), change, request);
    this.retire.run(seq, id);
    return this.get(id)!;
  }

  get(id: string): SigningKey | undefined {
    const row = this.selectOne.get(id) as KeyRow | undefined;
    return row && toKey(row);
  }

  /** Every key, in the order added. */
  list(): SigningKey[] {
    return (this.selectAll.all() as KeyRow[]).map(toKey);
  }
}

function toKey(r: KeyRow): SigningKey {
  return { id: r.id, publicKey: r.public_key, algorithm: 'ed25519', addedSeq: r.added_seq, addedAt: r.added_at, retiredSeq: r.retired_seq };
}
