/**
 * Target 2: advances per second in one process, each its own durable
 * transaction, against raw better-sqlite3 inserts of rows of the same size
 * with synchronous=FULL: at least 0.5 times the raw rate.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { advanceInstance } from '../dist/engine/index.js';
import { fmt } from './lib/measure.mjs';
import { session, smallStore, tempDir } from './lib/fixtures.mjs';

const WARMUP = 30;

export function throughput({ instances = 400 } = {}) {
  const dir = tempDir();
  const db = join(dir, 'sop.db');
  const { fresh } = smallStore(db, { active: 0, fresh: WARMUP + instances });
  const sari = session(db, 'sari');
  const andi = session(db, 'andi');
  const rina = session(db, 'rina');
  // Three steps each: a text output, a text output, the decision to its end.
  const walk = (ids) => {
    for (const id of ids) advanceInstance(sari, id, { outputs: [{ id: 'surat-permohonan', value: `Surat permohonan ${id}` }] });
    for (const id of ids) advanceInstance(andi, id, { outputs: [{ id: 'daftar-resiko', value: `Daftar resiko ${id}` }] });
    for (const id of ids) advanceInstance(rina, id, { choice: 'tidak-setuju', note: 'Risiko terlalu tinggi' });
  };
  // The first instances are not timed: they are where the JIT compiles the code, once per process.
  walk(fresh.slice(0, WARMUP));
  const started = performance.now();
  walk(fresh.slice(WARMUP));
  const ms = performance.now() - started;
  const advances = 3 * instances;
  // The rows an advance wrote, to give the raw inserts the same size.
  const avg = sari.store.db.prepare("SELECT avg(length(payload) + length(prev_hash) + length(hash) + length(at) + length(instance_id)) AS n FROM log WHERE kind = 'event' AND version > 1").get().n;
  for (const s of [sari, andi, rina]) s.close();
  const ours = (advances / ms) * 1000;

  const rawFile = join(dir, 'raw.db');
  const raw = new Database(rawFile);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = FULL');
  raw.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  const insert = raw.prepare('INSERT INTO t (body) VALUES (?)');
  const body = 'x'.repeat(Math.round(avg));
  for (let i = 0; i < 3 * WARMUP; i++) raw.transaction(() => insert.run(body))();
  const rawStarted = performance.now();
  for (let i = 0; i < advances; i++) raw.transaction(() => insert.run(body))();
  const rawMs = performance.now() - rawStarted;
  raw.close();
  const baseline = (advances / rawMs) * 1000;
  return [
    {
      id: '2',
      measure: `Durable throughput: ${advances} advances, each one transaction`,
      figure: fmt.rate(ours, 'advances'),
      baseline: `${fmt.rate(baseline, 'inserts')} (raw, ${Math.round(avg)}-byte rows, synchronous=FULL)`,
      ratio: fmt.ratio(ours / baseline),
      target: '>= 0.50x',
      met: ours / baseline >= 0.5,
      raw: { ours, baseline },
    },
  ];
}
