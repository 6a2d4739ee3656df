import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson, definitionHash } from '../../engine/store/index.js';
import { openStore, sampleDef } from './helpers.js';

/** The same value with every object's keys in reverse order. */
function reverseKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reverseKeys);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.entries(v)
      .reverse()
      .map(([k, x]) => [k, reverseKeys(x)]),
  );
}

describe('definitions', () => {
  it('are content-addressed: storing the same definition twice gives one row and one log entry', () => {
    const store = openStore();
    const def = sampleDef();
    const h1 = store.write((tx) => tx.putDefinition(def));
    // The same content with keys in another order is the same definition.
    const h2 = store.write((tx) => tx.putDefinition(reverseKeys(def) as typeof def));
    expect(h2).toBe(h1);
    expect(h1).toBe(createHash('sha256').update(canonicalJson(def)).digest('hex'));
    expect(h1).toBe(definitionHash(def));
    expect(store.db.prepare('SELECT count(*) AS n FROM definitions').get()).toEqual({ n: 1 });
    const log = store.logSince(0);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ kind: 'definition', instanceId: null, version: null });
    expect(JSON.parse(log[0]!.payload)).toEqual({ hash: h1, sop: 'layanan-surat', revision: 1 });
    expect(store.getDefinition(h1)).toEqual(def);
    expect(store.getDefinition('0'.repeat(64))).toBeUndefined();
  });

  it('stores the canonical body, so the hash can be re-checked', () => {
    const store = openStore();
    const hash = store.write((tx) => tx.putDefinition(sampleDef()));
    const { body } = store.db.prepare('SELECT body FROM definitions WHERE hash = ?').get(hash) as { body: string };
    expect(createHash('sha256').update(body).digest('hex')).toBe(hash);
  });

  it('a changed definition gets a new hash; latest is the highest revision, then the last stored', () => {
    const store = openStore();
    const r1 = store.write((tx) => tx.putDefinition(sampleDef(1)));
    expect(store.latestDefinitionHash('layanan-surat')).toBe(r1);
    const r2 = store.write((tx) => tx.putDefinition(sampleDef(2)));
    const r2b = store.write((tx) => tx.putDefinition(sampleDef(2, 'Menerima dan mencatat berkas')));
    expect(new Set([r1, r2, r2b]).size).toBe(3);
    expect(store.latestDefinitionHash('layanan-surat')).toBe(r2b);
    // Storing an older revision again changes nothing.
    store.write((tx) => tx.putDefinition(sampleDef(1)));
    expect(store.latestDefinitionHash('layanan-surat')).toBe(r2b);
    expect(store.latestDefinitionHash('unknown')).toBeUndefined();
    expect(store.logSince(0).map((e) => e.kind)).toEqual(['definition', 'definition', 'definition']);
  });
});

describe('blobs', () => {
  it('are deduplicated by sha256', () => {
    const store = openStore();
    const a = store.write((tx) => tx.putBlob('isi berkas'));
    const b = store.write((tx) => tx.putBlob(Buffer.from('isi berkas', 'utf8')));
    expect(b).toEqual(a);
    expect(a).toEqual({ sha256: createHash('sha256').update('isi berkas').digest('hex'), size: 10 });
    expect(store.db.prepare('SELECT count(*) AS n FROM blobs').get()).toEqual({ n: 1 });
    expect(store.getBlob(a.sha256)?.toString('utf8')).toBe('isi berkas');
    expect(store.hasBlob(a.sha256)).toBe(true);
    expect(store.hasBlob('0'.repeat(64))).toBe(false);
    expect(store.getBlob('0'.repeat(64))).toBeUndefined();
  });

  it('keep binary content exactly, including empty content', () => {
    const store = openStore();
    const bytes = new Uint8Array([0, 255, 1, 254, 0]);
    const ref = store.write((tx) => tx.putBlob(bytes));
    expect(ref.size).toBe(5);
    expect([...store.getBlob(ref.sha256)!]).toEqual([...bytes]);
    const empty = store.write((tx) => tx.putBlob(new Uint8Array()));
    expect(store.getBlob(empty.sha256)!.length).toBe(0);
  });

  it('are not log entries (a transaction that stores only a blob still commits it)', () => {
    const store = openStore();
    const ref = store.write((tx) => tx.putBlob('x'));
    expect(store.hasBlob(ref.sha256)).toBe(true);
    expect(store.logSince(0)).toEqual([]);
  });

  it('are part of their transaction: gone with it when it throws', () => {
    const store = openStore();
    let ref: { sha256: string } | undefined;
    expect(() =>
      store.write((tx) => {
        ref = tx.putBlob('dibatalkan');
        throw new Error('gagal');
      }),
    ).toThrow('gagal');
    expect(store.hasBlob(ref!.sha256)).toBe(false);
  });
});
