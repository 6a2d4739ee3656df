/**
 * Target 3: on a store of 100,000 instances and 1,000,000 events, `status`,
 * `tasks` and `history` stay within 1.2 times their time on a small store;
 * `verify` checks the chain at 300,000 or more entries per second and
 * replays at 20,000 or more events per second.
 */
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { SCHEMA_VERSION } from '../dist/engine/store/index.js';
import { CLI, ROOT, SOPS, interleavedMedians, fmt } from './lib/measure.mjs';
import { buildStore } from './lib/big-store.mjs';
import { tempDir } from './lib/fixtures.mjs';

const ACTIVE = 20;
const idOf = (i) => `bench-${String(i).padStart(7, '0')}`;

/** The large store, built once per schema version and size, and kept in the temp folder between runs (unless `fresh`). */
function largeStore(instances, fresh, log) {
  const file = join(tmpdir(), `sop-bench-v${SCHEMA_VERSION}-${instances}.db`);
  if (fresh || !existsSync(file)) {
    for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
    const started = performance.now();
    buildStore(file, { instances, active: ACTIVE, progress: (n) => log(`\r  building the large store: ${n.toLocaleString('en-US')} of ${instances.toLocaleString('en-US')} instances`) });
    log(` (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
  } else log(`  reusing ${file} (--fresh rebuilds it)\n`);
  return file;
}

function readRate(file) {
  const db = new Database(file, { readonly: true });
  db.pragma(`mmap_size = ${1 << 30}`);
  const started = performance.now();
  let n = 0;
  for (const row of db.prepare('SELECT seq, kind, instance_id, version, at, payload, prev_hash, hash FROM log ORDER BY seq').raw().iterate()) if (row) n++;
  const ms = performance.now() - started;
  db.close();
  return (n / ms) * 1000;
}

export function scale({ instances = 100_000, small = 1_000, rounds = 20, fresh = false, log = () => {} } = {}) {
  const big = largeStore(instances, fresh, log);
  const dir = tempDir();
  const little = join(dir, 'small.db');
  buildStore(little, { instances: small, active: ACTIVE });
  const run = (db, args) => () => [process.execPath, CLI, '--db', db, '--sops', SOPS, ...args];
  const historyOf = idOf(Math.min(500, small - ACTIVE - 1));
  const m = interleavedMedians(
    {
      statusSmall: run(little, ['status', idOf(small - 1)]),
      statusBig: run(big, ['status', idOf(instances - 1)]),
      tasksSmall: run(little, ['tasks']),
      tasksBig: run(big, ['tasks']),
      historySmall: run(little, ['history', historyOf]),
      historyBig: run(big, ['history', historyOf]),
    },
    { rounds, warmup: 2, cwd: ROOT },
  );
  const rows = ['status', 'tasks', 'history'].map((cmd, i) => {
    const ratio = m[`${cmd}Big`] / m[`${cmd}Small`];
    return {
      id: `3${'abc'[i]}`,
      measure: `Scale: sop ${cmd}, ${(instances / 1000).toFixed(0)}k instances / ${((instances * 10) / 1e6).toFixed(1)}M events`,
      figure: fmt.ms(m[`${cmd}Big`]),
      baseline: `${fmt.ms(m[`${cmd}Small`])} (${small.toLocaleString('en-US')} instances)`,
      ratio: fmt.ratio(ratio),
      target: '<= 1.20x',
      met: ratio <= 1.2,
    };
  });

  const v = spawnSync(process.execPath, [CLI, 'verify', '--db', big, '--json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const report = JSON.parse(v.stdout);
  if (!report.ok) throw new Error(`verify of the large store failed: ${JSON.stringify(report.breaks[0])}`);
  const chainRate = (report.entries / report.ms.chain) * 1000;
  const replayRate = (report.events / report.ms.replay) * 1000;
  const raw = readRate(big);
  rows.push(
    {
      id: '3d',
      measure: `Verify: hash chain, ${report.entries.toLocaleString('en-US')} entries (${(report.ms.total / 1000).toFixed(1)} s in all)`,
      figure: fmt.rate(chainRate, 'entries'),
      baseline: `${fmt.rate(raw, 'rows')} (reading the log, no checks)`,
      ratio: fmt.ratio(chainRate / raw),
      target: '>= 300,000/s',
      met: chainRate >= 300_000,
    },
    {
      id: '3e',
      measure: `Verify: replay, ${report.events.toLocaleString('en-US')} events of ${report.instances.toLocaleString('en-US')} instances`,
      figure: fmt.rate(replayRate, 'events'),
      baseline: `${fmt.rate(raw, 'rows')} (reading the log, no checks)`,
      ratio: fmt.ratio(replayRate / raw),
      target: '>= 20,000/s',
      met: replayRate >= 20_000,
    },
  );
  rmSync(dir, { recursive: true, force: true });
  return rows;
}
