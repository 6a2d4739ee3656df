/**
 * Content-addressed SOP definitions. An instance points at the exact
 * definition it was started with, so editing the YAML later never changes
 * the meaning of its history.
 */
import type Database from 'better-sqlite3';
import type { SopDefinition } from '../definition/types.js';
import { canonicalJson } from './canonical-json.js';
import type { Log } from './log.js';
import type { DefinitionStored } from './types.js';
import { sha256Hex } from './sha256.js';

export { sha256Hex };

/** The address of a definition: sha256 hex of its canonical JSON. */
export function definitionHash(def: SopDefinition): string {
  return sha256Hex(canonicalJson(def));
}

export class Definitions {
  private readonly insert: Database.Statement;
  private readonly selectBody: Database.Statement;
  private readonly selectLatest: Database.Statement;

  constructor(
    db: Database.Database,
    private readonly log: Log,
    private readonly now: () => string,
  ) {
    this.insert = db.prepare('INSERT INTO definitions (hash, sop_id, revision, body, log_seq) VALUES (?, ?, ?, ?, ?)');
    this.selectBody = db.prepare('SELECT body FROM definitions WHERE hash = ?');
    // "Latest" = highest revision; among equal revisions (edited without a
    // bump), the one stored last.
    this.selectLatest = db.prepare('SELECT hash FROM definitions WHERE sop_id = ? ORDER BY revision DESC, log_seq DESC LIMIT 1');
  }

  /**
   * Stores a definition once and returns its hash; call inside a write
   * transaction (see WriteTx). Only the first store writes a 'definition'
   * log entry; storing it again is a no-op.
   */
  put(def: SopDefinition, request: string | undefined): string {
    const body = canonicalJson(def);
    const hash = sha256Hex(body);
    if (this.selectBody.get(hash) !== undefined) return hash;
    const payload: DefinitionStored = { hash, sop: def.id, revision: def.revision };
    const seq = this.log.append('definition', null, null, this.now(), payload, request);
    this.insert.run(hash, def.id, def.revision, body, seq);
    return hash;
  }

  get(hash: string): SopDefinition | undefined {
    const row = this.selectBody.get(hash) as { body: string } | undefined;
    return row === undefined ? undefined : (JSON.parse(row.body) as SopDefinition);
  }

  latestHash(sopId: string): string | undefined {
    const row = this.selectLatest.get(sopId) as { hash: string } | undefined;
    return row?.hash;
  }
}
