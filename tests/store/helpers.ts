/** Shared fixtures for the store tests: a temp directory per test and a small definition. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach } from 'vitest';
import type { SopDefinition } from '../../engine/definition/types.js';
import { Store, type StoreOptions } from '../../engine/store/index.js';
import type { ActorMeta, SopEvent } from '../../engine/store/index.js';
import { migrations } from '../../engine/store/migrations/index.js';

const dirs: string[] = [];
const stores: Store[] = [];

afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

export function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'sop-store-'));
  dirs.push(d);
  return d;
}

export function dbPath(): string {
  return path.join(tempDir(), 'sop.db');
}

/** Opens a store that is closed after the test. */
export function openStore(file: string = dbPath(), options: StoreOptions = {}): Store {
  const s = Store.open(file, options);
  stores.push(s);
  return s;
}

/** An empty store as sop wrote it at schema version 1: only the first migration. */
export function versionOneStore(): string {
  const file = path.join(tempDir(), 'v1.db');
  const raw = new Database(file);
  raw.pragma('journal_mode = WAL');
  raw.exec(migrations[0]!.sql);
  raw.pragma('user_version = 1');
  raw.close();
  return file;
}

export const admin: ActorMeta = { user: 'ani', via: 'os-login', osUser: 'ani' };
export const clerk: ActorMeta = { user: 'budi', role: 'petugas', via: 'os-login', osUser: 'budi' };

export function sampleDef(revision = 1, activity = 'Menerima berkas'): SopDefinition {
  return {
    id: 'layanan-surat',
    revision,
    identity: {
      agency: 'Kementerian Contoh',
      unit: 'Bagian Umum',
      number: '001/SOP/2024',
      name: 'Layanan Surat',
      createdOn: '2024-01-02',
      revisedOn: null,
      effectiveOn: '2024-01-03',
    },
    legalBasis: [],
    qualifications: [],
    related: [],
    equipment: [],
    warnings: [],
    records: [],
    retention: null,
    actors: [{ id: 'petugas', name: 'Petugas', kind: 'role' }],
    start: 'terima',
    steps: [
      {
        kind: 'process',
        id: 'terima',
        number: '1',
        activity,
        actor: 'petugas',
        requirements: [],
        time: { amount: 10, unit: 'minute' },
        timeText: '10 Menit',
        outputs: [{ id: 'berkas', name: 'Berkas', sensitive: false }],
        notes: null,
        next: 'selesai',
      },
    ],
    ends: [{ id: 'selesai', name: 'Selesai', outcome: 'done' }],
  };
}

export function started(by: ActorMeta = clerk): SopEvent {
  return { type: 'started', title: 'Surat 1', by };
}

export function completed(step = 'terima', by: ActorMeta = clerk): SopEvent {
  return { type: 'completed', step, by };
}

/** A store with one definition and one instance `I-1` at version 1. */
export function storeWithInstance(file: string = dbPath()): { store: Store; file: string; hash: string } {
  const store = openStore(file);
  const hash = store.write((tx) => {
    const h = tx.putDefinition(sampleDef());
    tx.createInstance({ id: 'I-1', definitionHash: h, title: 'Surat 1', state: { at: 'terima' }, event: started() });
    return h;
  });
  return { store, file, hash };
}

/** Runs fn and returns the SopError code it throws (fails the test if it does not throw). */
export function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code ?? `not a SopError: ${String(e)}`;
  }
  throw new Error('expected an error, got none');
}
