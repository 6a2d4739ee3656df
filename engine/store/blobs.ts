/**
 * Stored output values, deduplicated by content: the same file given twice
 * is kept once, and events refer to it by sha256.
 */
import type Database from 'better-sqlite3';
import { sha256Hex } from './sha256.js';
import type { BlobRef } from './types.js';

/** The bytes a blob stores for `content`: a string as UTF-8. */
export function blobBytes(content: Uint8Array | string): Buffer {
  return typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content);
}

/** The address and size the content will have once stored, computed without touching the store. */
export function blobRef(content: Uint8Array | string): BlobRef {
  const bytes = blobBytes(content);
  return { sha256: sha256Hex(bytes), size: bytes.length };
}

export class Blobs {
  private readonly insert: Database.Statement;
  private readonly selectContent: Database.Statement;
  private readonly selectSize: Database.Statement;

  constructor(db: Database.Database) {
    this.insert = db.prepare('INSERT OR IGNORE INTO blobs (sha256, size, content) VALUES (?, ?, ?)');
    this.selectContent = db.prepare('SELECT content FROM blobs WHERE sha256 = ?');
    this.selectSize = db.prepare('SELECT size FROM blobs WHERE sha256 = ?');
  }

  /** Stores the content (a string is stored as UTF-8) unless already there; call inside a write transaction (see WriteTx). */
  put(content: Uint8Array | string): BlobRef {
    const bytes = blobBytes(content);
    const ref = { sha256: sha256Hex(bytes), size: bytes.length };
    this.insert.run(ref.sha256, ref.size, bytes);
    return ref;
  }

  get(sha256: string): Buffer | undefined {
    const row = this.selectContent.get(sha256) as { content: Buffer } | undefined;
    return row?.content;
  }

  has(sha256: string): boolean {
    return this.selectSize.get(sha256) !== undefined;
  }
}
