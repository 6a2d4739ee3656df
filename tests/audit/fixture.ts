/**
 * A small store for the audit tests, built through the engine as operators
 * would build it: an administrator, one user per role of pengecualian-smki,
 * and three instances (one finished, one at its decision, one just started),
 * with stored outputs and a refused attempt. Built once; each test tampers
 * with its own copy of the file.
 */
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { officeWith } from '../helpers/engine.js';
import { tempDir } from '../helpers/cli.js';

export interface AuditFixture {
  dir: string;
  /** The pristine store; copy it with `copyStore` before tampering. */
  db: string;
  /** Instance ids: finished (completed, outcome selesai), atDecision (active at step 3), fresh (active at step 1). */
  finished: string;
  atDecision: string;
  fresh: string;
}

/** Builds the store and closes it (its WAL folded into the file), ready to be copied or opened by another process. */
export async function buildAuditFixture(): Promise<AuditFixture> {
  const dir = tempDir('sop-audit-');
  const db = join(dir, 'pristine.db');
  let now = new Date('2026-11-16T00:30:00Z'); // Monday 08:30 WITA
  const clock = () => now;
  const tick = (minutes: number) => (now = new Date(now.getTime() + minutes * 60_000));
  const office = await officeWith(db, { sari: [], andi: ['pengelola-tim-teknis'], rina: ['kepala-bidang-persandian'] }, { clock, osUser: 'auditor-test' });
  try {
    const as = (user: string) => office.as(user).instances;
    const walkToDecision = async (title: string) => {
      const { id } = await as('sari').start('pengecualian-smki', { title });
      tick(7);
      await as('sari').advance(id, { outputs: [{ id: 'surat-permohonan', value: `Surat permohonan ${title}` }] });
      tick(40);
      await as('andi').advance(id, { outputs: [{ id: 'daftar-resiko', value: `Daftar resiko ${title}` }] });
      return id;
    };
    const finished = await walkToDecision('Pengecualian server lama');
    tick(5);
    // A refused attempt: sari does not hold the role of the decision.
    const refused = await as('sari')
      .advance(finished, { choice: 'setuju' })
      .then(
        () => undefined,
        (e: { code?: string }) => e.code,
      );
    if (refused !== 'auth.not-actor') throw new Error(`sari was expected to be refused (auth.not-actor), not ${String(refused)}`);
    tick(5);
    await as('rina').advance(finished, { choice: 'tidak-setuju', note: 'Risiko terlalu tinggi' });
    const atDecision = await walkToDecision('Pengecualian aplikasi absensi');
    tick(3);
    const { id: fresh } = await as('sari').start('pengecualian-smki', { title: 'Pengecualian jaringan tamu' });
    return { dir, db, finished, atDecision, fresh };
  } finally {
    await office.close();
  }
}

let copies = 0;

/** A copy of the store file to tamper with (the WAL was folded in when the engine closed). */
export function copyStore(f: AuditFixture): string {
  const file = join(f.dir, `copy-${++copies}.db`);
  copyFileSync(f.db, file);
  if (existsSync(`${f.db}-wal`)) copyFileSync(`${f.db}-wal`, `${file}-wal`);
  return file;
}

/** Opens the file as an attacker would: plain SQLite, the store's guards dropped. */
export function tamper(file: string, fn: (db: Database.Database) => void): void {
  const db = new Database(file);
  try {
    db.exec(`DROP TRIGGER IF EXISTS log_no_update; DROP TRIGGER IF EXISTS log_no_delete;
             DROP TRIGGER IF EXISTS definitions_no_update; DROP TRIGGER IF EXISTS definitions_no_delete;
             DROP TRIGGER IF EXISTS blobs_no_update; DROP TRIGGER IF EXISTS blobs_no_delete;`);
    db.pragma('foreign_keys = OFF');
    fn(db);
  } finally {
    db.close();
  }
}

export interface LogRow {
  seq: number;
  kind: string;
  instance_id: string | null;
  version: number | null;
  at: string;
  payload: string;
  prev_hash: string;
  hash: string;
}

export function logRows(db: Database.Database): LogRow[] {
  return db.prepare('SELECT * FROM log ORDER BY seq').all() as LogRow[];
}
