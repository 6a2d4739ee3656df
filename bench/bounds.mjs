/**
 * Section 6: the speed bounds that used to be assertions of `npm test`
 * (where they failed on a loaded machine), each as a ratio to a baseline
 * measured in the same run:
 *
 *   6a  checking the slowest hostile SOP file (tests/definition/hostile.test.ts,
 *       tests/helpers/hostile-files.ts, the worst files at the size limit)
 *       against checking a valid SOP of about the largest size allowed; each
 *       check in a fresh process (bench/lib/check-file.mjs). The test said
 *       "under 2 s": about 4 times the valid file, which takes about half a
 *       second on the two-core machine of the README's runs.
 *   6b  the same through the tool: `sop validate <file>` as a whole process
 *       (tests/e2e/cli/definition-commands.test.ts said "under 2 seconds"; the
 *       valid file takes about as long as in 6a, so 4 times again).
 *   6c  sopPaths refusing a tangled 400-step flow (its work is bounded)
 *       against listing the 16,384 paths of 14 decisions in a row
 *       (tests/tooling/paths.test.ts said "within two seconds").
 *   6d  foldEvents over 10,000 events against ten folds of 1,000: a long
 *       history costs no more per event than a short one
 *       (tests/machine/machine.test.ts said "well under a second").
 *   6e  `sop status` while another process holds the store's write lock
 *       against the same status without the lock: status reads the store
 *       only (it runs the published definition), so it does not wait for
 *       the lock (the busy timeout is 5 s).
 *   6f  adding five years of working time (600,000 minutes, and 1,250
 *       working days) against measuring the same span back, which walks it
 *       day by day: adding has no minute-by-minute loop
 *       (tests/calendar/working-time.test.ts said "under 2 s").
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { DEFAULT_CALENDAR } from '../dist/engine/calendar/calendar.js';
import { addWorkingTime, workingMinutesBetween } from '../dist/engine/calendar/working-time.js';
import { checkSopSource, loadSop, MAX_SOP_FILE_BYTES } from '../dist/engine/definition/load.js';
import { foldEvents } from '../dist/engine/machine/index.js';
import { sopPaths } from '../dist/engine/tooling/paths.js';
import { CLI, ROOT, SOPS, fmt, median } from './lib/measure.mjs';
import { as, OS_LOGIN, tempDir } from './lib/fixtures.mjs';
import { sopText } from './lib/generate-sops.mjs';
import { hostileFiles } from './lib/hostile.mjs';

const CHECK_FILE = fileURLToPath(new URL('./lib/check-file.mjs', import.meta.url));

/** Runs a process to its end and returns its wall milliseconds; any exit code but a crash (a signal, 134) will do. */
function timeRun(argv, options = {}) {
  const started = performance.now();
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', maxBuffer: 64 << 20, ...options });
  const ms = performance.now() - started;
  if (r.status === null || r.status > 2) throw new Error(`${argv.join(' ').slice(0, 200)} crashed (${r.signal ?? r.status}): ${(r.stderr || '').slice(-500)}`);
  return { ms, stdout: r.stdout };
}

/** A valid SOP of about the largest size allowed (bench/lib/generate-sops.mjs, some 1,000 steps). */
function largestValidSop() {
  let steps = 10;
  while (sopText('uji-0001', steps + 10).length < MAX_SOP_FILE_BYTES - 4096) steps += 10;
  return sopText('uji-0001', steps);
}

/** `runs`: {name: () => ms}; interleaved rounds after one warm-up round; the median of each. */
function interleaved(runs, rounds) {
  const names = Object.keys(runs);
  const times = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r <= rounds; r++) {
    for (const n of names) {
      const ms = runs[n]();
      if (r > 0) times[n].push(ms);
    }
  }
  return Object.fromEntries(names.map((n) => [n, median(times[n])]));
}

function hostileRows(rounds) {
  const dir = tempDir();
  const valid = join(dir, 'uji-0001.yaml');
  writeFileSync(valid, largestValidSop());
  const files = hostileFiles().map(([name, content]) => {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, content);
    return [name, file];
  });
  const loader = (file) => () => Number(timeRun([process.execPath, CHECK_FILE, file], { cwd: ROOT }).stdout);
  const tool = (file) => () => timeRun([process.execPath, CLI, 'validate', file, '--json'], { cwd: ROOT }).ms;
  const rows = [];
  for (const [id, what, runner, target] of [
    ['6a', 'checkSopFile, in a fresh process', loader, 4],
    ['6b', 'sop validate <file>, whole process', tool, 4],
  ]) {
    const m = interleaved(Object.fromEntries([['valid', runner(valid)], ...files.map(([name, file]) => [name, runner(file)])]), rounds);
    const [worst, ms] = files.map(([name]) => [name, m[name]]).sort((a, b) => b[1] - a[1])[0];
    rows.push({
      id,
      measure: `Hostile SOP files: the slowest of ${files.length} (${worst}), ${what} (median of ${rounds})`,
      figure: fmt.ms(ms),
      baseline: `${fmt.ms(m.valid)} (a valid SOP of ${(readFileSync(valid).length / 1024).toFixed(0)} KiB)`,
      ratio: fmt.ratio(ms / m.valid),
      target: `<= ${target.toFixed(2)}x`,
      met: ms / m.valid <= target,
      raw: { ms, baselineMs: m.valid, worst, all: m },
    });
  }
  rmSync(dir, { recursive: true, force: true });
  return rows;
}

function flow(id, steps) {
  return `id: ${id}\nrevision: 1\nidentity: { agency: A, unit: U, number: N, name: ${id}, createdOn: 2025-01-01, effectiveOn: 2025-01-01 }\nactors: [{ id: petugas, name: Petugas }]\nsteps:\n${steps.join('\n')}\nends: [{ id: selesai, outcome: selesai }]\n`;
}

/** The two flows of tests/tooling/paths.test.ts: 14 decisions in a row (16,384 paths), and 400 steps looping back to the start. */
function pathsRow(rounds) {
  const decisions = flow(
    'banyak',
    Array.from({ length: 14 }, (_, i) => {
      const next = i === 13 ? 'selesai' : `k${i + 1}`;
      return `  - { id: k${i}, number: ${i + 1}, activity: Keputusan ${i + 1}, actor: petugas, time: 5 Menit, exits: [{ label: Ya, to: ${next} }, { label: Tidak, to: ${next} }] }`;
    }),
  );
  const tangled = flow(
    'kusut',
    Array.from({ length: 400 }, (_, i) => {
      const next = i === 399 ? 'selesai' : `s${i + 1}`;
      return i % 2 === 1
        ? `  - { id: s${i}, number: ${i + 1}, activity: Periksa, actor: petugas, time: 5 Menit, exits: [{ label: Maju, to: ${next} }, { label: Ulang, to: s0 }] }`
        : `  - { id: s${i}, number: ${i + 1}, activity: Kerjakan, actor: petugas, time: 5 Menit, outputs: [], next: ${next} }`;
    }),
  );
  const many = checkSopSource('banyak.yaml', decisions, () => false).definition;
  const kusut = checkSopSource('kusut.yaml', tangled, () => false).definition;
  const timed = (fn) => () => {
    const started = performance.now();
    fn();
    return performance.now() - started;
  };
  const m = interleaved(
    {
      list: timed(() => {
        if (sopPaths(many, { maxPaths: 20_000 }).paths.length !== 16_384) throw new Error('the 14 decisions should give 16,384 paths');
      }),
      refuse: timed(() => {
        try {
          sopPaths(kusut);
        } catch (e) {
          if (e.code === 'paths.too-many') return;
          throw e;
        }
        throw new Error('the tangled flow should be refused with paths.too-many');
      }),
    },
    rounds,
  );
  return {
    id: '6c',
    measure: `sopPaths refusing a tangled flow (400 steps, 200 loops back to the start) (median of ${rounds})`,
    figure: fmt.ms(m.refuse),
    baseline: `${fmt.ms(m.list)} (listing the 16,384 paths of 14 decisions in a row)`,
    ratio: fmt.ratio(m.refuse / m.list),
    target: '<= 2.00x',
    met: m.refuse / m.list <= 2,
    raw: { ms: m.refuse, baselineMs: m.list },
  };
}

/** The anomaly loop of pengecualian-smki, as in tests/machine/machine.test.ts: 4 events to reach it, then 2 per lap. */
function foldRow(rounds) {
  const def = loadSop(SOPS, 'pengecualian-smki');
  const complete = (step, choice) => (choice === undefined ? { type: 'COMPLETE', step } : { type: 'COMPLETE', step, choice });
  const toLoop = [complete('pengajuan-permohonan'), complete('analisis-resiko'), complete('persetujuan-permohonan', 'setuju'), complete('perencanaan-implementasi')];
  const lap = [complete('implementasi-teknis', 'terjadi-anomali'), complete('identifikasi-anomali')];
  const events = (n) => [...toLoop, ...Array.from({ length: (n - toLoop.length) / 2 }, () => lap).flat()];
  const long = events(10_000);
  const short = events(1_000);
  const m = interleaved(
    {
      short: () => {
        const started = performance.now();
        for (let i = 0; i < 10; i++) foldEvents(def, short);
        return performance.now() - started;
      },
      long: () => {
        const started = performance.now();
        const s = foldEvents(def, long);
        const ms = performance.now() - started;
        if (s.visits['identifikasi-anomali'] !== 4998) throw new Error('the fold lost a lap');
        return ms;
      },
    },
    rounds,
  );
  return {
    id: '6d',
    measure: `foldEvents, 10,000 events of the anomaly loop (${((m.long * 1000) / 10_000).toFixed(1)} µs an event; median of ${rounds})`,
    figure: fmt.ms(m.long),
    baseline: `${fmt.ms(m.short)} (ten folds of 1,000 events)`,
    ratio: fmt.ratio(m.long / m.short),
    target: '<= 1.50x',
    met: m.long / m.short <= 1.5,
    raw: { ms: m.long, baselineMs: m.short },
  };
}

async function lockedStatusRow(rounds) {
  const dir = tempDir();
  const db = join(dir, 'sop.db');
  const admin = (fn, create = false) => as(db, 'admin', fn, create);
  await admin((e) => e.people.init('admin', { login: null }), true);
  await admin(async (e) => {
    // The OS login running the bench is sari's: the CLI's status is timed as hers.
    await e.people.add('sari', { roles: [], login: OS_LOGIN });
    await e.definitions.publish('pengecualian-smki');
  });
  const { id } = await as(db, 'sari', (e) => e.instances.start('pengecualian-smki'));
  const blocker = new Database(db);
  // status reads the store only (the definition it runs is the published one): a writer's lock must not hold it up.
  const status = () => timeRun([process.execPath, CLI, 'status', id, '--json', '--db', db], { cwd: ROOT }).ms;
  const m = interleaved(
    {
      free: status,
      locked: () => {
        blocker.prepare('BEGIN IMMEDIATE').run();
        try {
          return status();
        } finally {
          blocker.prepare('ROLLBACK').run();
        }
      },
    },
    rounds,
  );
  blocker.close();
  rmSync(dir, { recursive: true, force: true });
  return {
    id: '6e',
    measure: `sop status while another process holds the write lock (median of ${rounds})`,
    figure: fmt.ms(m.locked),
    baseline: `${fmt.ms(m.free)} (the same, no lock held)`,
    ratio: fmt.ratio(m.locked / m.free),
    target: '<= 1.50x',
    met: m.locked / m.free <= 1.5,
    raw: { ms: m.locked, baselineMs: m.free },
  };
}

/** As in tests/calendar/working-time.test.ts: five years of working time from 1 January 2026, in the default calendar. */
function workingTimeRow(rounds) {
  const start = new Date('2026-01-01T08:00:00+08:00');
  const minutes = 480 * 250 * 5;
  const end = addWorkingTime(start, { amount: minutes, unit: 'minute' }, DEFAULT_CALENDAR);
  // Each figure is 20 calls: one takes about a millisecond.
  const calls = 20;
  const m = interleaved(
    {
      add: () => {
        const started = performance.now();
        for (let i = 0; i < calls; i++) {
          addWorkingTime(start, { amount: minutes, unit: 'minute' }, DEFAULT_CALENDAR);
          addWorkingTime(start, { amount: 250 * 5, unit: 'day' }, DEFAULT_CALENDAR);
        }
        return performance.now() - started;
      },
      between: () => {
        const started = performance.now();
        for (let i = 0; i < calls; i++) if (workingMinutesBetween(start, end, DEFAULT_CALENDAR) !== minutes) throw new Error('the span should measure back to 600,000 minutes');
        return performance.now() - started;
      },
    },
    rounds,
  );
  return {
    id: '6f',
    measure: `Working time: adding five years (600,000 minutes, and 1,250 days), ${calls} times (median of ${rounds})`,
    figure: fmt.ms(m.add),
    baseline: `${fmt.ms(m.between)} (measuring the span back, day by day, ${calls} times)`,
    ratio: fmt.ratio(m.add / m.between),
    target: '<= 2.00x',
    met: m.add / m.between <= 2,
    raw: { ms: m.add, baselineMs: m.between },
  };
}

export async function bounds({ rounds = 5 } = {}) {
  return [...hostileRows(Math.max(1, Math.round(rounds / 2))), pathsRow(rounds * 4), foldRow(rounds * 4), await lockedStatusRow(rounds * 2), workingTimeRow(rounds * 4)];
}
