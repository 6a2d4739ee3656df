/**
 * Target 2: advances per second in one process, each its own durable
 * transaction, against raw better-sqlite3 inserts of rows of the same size
 * with synchronous=FULL: at least 0.5 times the raw rate. The advances go
 * through the engine's public entry (`engine.instances.advance`), as a
 * program that embeds it makes them: each with its request record.
 *
 * The two alternate in rounds (a batch of advances, then a batch of raw
 * inserts), so that the disk's good and bad moments fall on both; the
 * figures are the medians of the rounds.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { fmt, median } from './lib/measure.mjs';
import { openAs, person, smallStore, tempDir } from './lib/fixtures.mjs';

/**
 * Not timed: where the JIT compiles the code, and where each WAL file grows
 * to its working size (a file that grows makes each fsync write its
 * metadata too: a new store's first thousand pages commit at half speed).
 * 60 instances write about 1,400 pages, past the first checkpoint.
 */
const WARMUP = 60;
const RAW_WARMUP = 1500;
/** Instances per round: three advances each. */
const BATCH = 40;

export async function throughput({ rounds = 12 } = {}) {
  const dir = tempDir();
  const db = join(dir, 'sop.db');
  const { fresh } = await smallStore(db, { active: 0, fresh: WARMUP + rounds * BATCH });
  // One engine (one connection), acting for each of the three, as a server holds one for everyone.
  const engine = await openAs(db, 'sari');
  const [sari, andi, rina] = ['sari', 'andi', 'rina'].map((user) => engine.as(person(user)).instances);
  // Three steps each: a text output, a text output, the decision to its end.
  const walk = async (ids) => {
    for (const id of ids) await sari.advance(id, { outputs: [{ id: 'surat-permohonan', value: `Surat permohonan ${id}` }] });
    for (const id of ids) await andi.advance(id, { outputs: [{ id: 'daftar-resiko', value: `Daftar resiko ${id}` }] });
    for (const id of ids) await rina.advance(id, { choice: 'tidak-setuju', note: 'Risiko terlalu tinggi' });
  };
  await walk(fresh.slice(0, WARMUP));
  // The rows an advance writes, to give the raw inserts the same size (read on a connection of its own: the engine keeps its own private).
  const reader = new Database(db, { readonly: true });
  const avg = reader.prepare("SELECT avg(length(payload) + length(prev_hash) + length(hash) + length(at) + length(instance_id)) AS n FROM log WHERE kind = 'event' AND version > 1").get().n;
  reader.close();

  const raw = new Database(join(dir, 'raw.db'));
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = FULL');
  raw.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  const insert = raw.prepare('INSERT INTO t (body) VALUES (?)');
  const body = 'x'.repeat(Math.round(avg));
  const inserts = (n) => {
    for (let i = 0; i < n; i++) raw.transaction(() => insert.run(body))();
  };
  inserts(RAW_WARMUP);

  const ours = [];
  const theirs = [];
  for (let r = 0; r < rounds; r++) {
    let t = performance.now();
    await walk(fresh.slice(WARMUP + r * BATCH, WARMUP + (r + 1) * BATCH));
    ours.push(((3 * BATCH) / (performance.now() - t)) * 1000);
    t = performance.now();
    inserts(3 * BATCH);
    theirs.push(((3 * BATCH) / (performance.now() - t)) * 1000);
  }
  raw.close();
  await engine.close();
  const o = median(ours);
  const b = median(theirs);
  return [
    {
      id: '2',
      measure: `Durable throughput: ${rounds} rounds of ${3 * BATCH} advances, each one transaction`,
      figure: fmt.rate(o, 'advances'),
      baseline: `${fmt.rate(b, 'inserts')} (raw, ${Math.round(avg)}-byte rows, synchronous=FULL)`,
      ratio: fmt.ratio(o / b),
      target: '>= 0.50x',
      met: o / b >= 0.5,
      raw: { ours, theirs },
    },
  ];
}
