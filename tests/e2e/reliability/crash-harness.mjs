/**
 * The crash harness: operators' commands run as real `sop` processes and are
 * killed with SIGKILL at random points, over and over, on one database.
 * After every kill:
 *
 *   - the database opens, and PRAGMA integrity_check says ok;
 *   - verifyStore (what `sop verify` runs) finds no break;
 *   - every command that reported success is in the log exactly once;
 *   - nothing is half-applied: each request's entries are all there with
 *     its record, each stored output belongs to an event, each instance row
 *     has its events (verify), no request id is in two entries;
 *
 * then the killed command is run again with the same --request-id, as a
 * script would after a crash: it must succeed, and be in the log once.
 *
 * Each command runs as the OS login of the person it is (the applicant who
 * starts instances and does the steps of the person of the case, the
 * operator who does the steps of the roles, or the administrator), bound to
 * them at set-up: in direct file mode the login is who acts. Two people,
 * not one: the person of a case may not do another actor's step of it
 * (separation of duties). The test stands the login in
 * (os-login-preload.cjs for a process, asLogin in this one).
 *
 * Used by tests/e2e/reliability/crash.test.ts (a few hundred kills in
 * npm run test:e2e) and by tests/long/crash-soak.mjs (thousands, by hand).
 * Plain JavaScript importing the built dist/, so that the soak script runs
 * with node alone.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, watch, writeFileSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const SOPS = join(ROOT, 'sops');
/** Stands a `sop` process in for an OS login (the person bound to it acts): test scaffolding, see that file. */
const OS_LOGIN_PRELOAD = join(ROOT, 'tests', 'helpers', 'os-login-preload.cjs');
const { openEngine } = await import(join(ROOT, 'dist', 'engine', 'index.js'));
const { Store } = await import(join(ROOT, 'dist', 'engine', 'store', 'index.js'));
const { verifyStore } = await import(join(ROOT, 'dist', 'engine', 'audit', 'verify.js'));
const { run } = await import(join(ROOT, 'dist', 'cli', 'program.js'));

const ADMIN = 'admin';
/** Every standing role of the seeds: each lane's operator holds them all; the applicant holds none, and is the person of the case of what it starts. */
const ROLES = ['pengelola-tim-teknis', 'kepala-bidang-persandian', 'administrator', 'kepala-bidang-aptika'];
const SEEDS = ['pengecualian-smki', 'implementasi-security-patch', 'pengelolaan-akses-pengguna'];
/** At decisions, the exits that keep an instance going (through its loops) more often than not. */
const PREFERRED = { 'persetujuan-permohonan': 'setuju', 'analisis-rencana': 'perlu-implementasi', 'verifikasi-persetujuan': 'disetujui' };

/**
 * Runs `kills` kills over `lanes` lanes, each on its own database, killing
 * one process at a time.
 * Returns the figures. Throws (with the database kept) on the first
 * violated invariant.
 *
 * @param {{ kills: number, lanes?: number, dir?: string, seed?: number, onKill?: (stats: object) => void, keep?: boolean }} options
 */
export async function crashRun(options) {
  const lanes = options.lanes ?? 2;
  const root = options.dir ?? mkdtempSync(join(tmpdir(), 'sop-crash-'));
  const stats = { kills: 0, committedBeforeKill: 0, notCommitted: 0, finishedBeforeKill: 0, retries: 0, commands: 0, checks: 0, reported: 0, byKind: {}, dir: root, ms: 0 };
  const started = performance.now();
  let remaining = options.kills;
  let timing;

  // Each lane has its own database, so that the changes it watches for are its own process's.
  const lane = async (n) => {
    const dir = join(root, `lane-${n}`);
    mkdirSync(dir, { recursive: true });
    const db = join(dir, 'sop.db');
    const reported = new Map(); // request id -> command, for every command that reported success
    await setUp(db);
    const payload = join(dir, 'lampiran.bin');
    // An output of 256 KiB makes some writes long enough to be killed in the middle of them.
    writeFileSync(payload, randomBytes(256 * 1024));
    timing ??= await calibrate(db, dir);
    const state = { user: 'operator', applicant: 'pemohon', spare: 'cadangan', spareHas: false, instances: [] };
    while (remaining > 0) {
      const command = await nextCommand(db, state, payload);
      const killAt = killPoint(timing);
      const outcome = await runAndKill(command, { db, dir }, killAt);
      stats.commands++;
      if (outcome.killed) {
        remaining--;
        stats.kills++;
        stats.byKind[killAt.kind] = (stats.byKind[killAt.kind] ?? 0) + 1;
      } else {
        stats.finishedBeforeKill++;
        if (outcome.code !== 0) throw new Error(`sop ${command.argv.join(' ')} exited ${outcome.code} before being killed:\n${outcome.stderr}\n(database: ${db})`);
        reported.set(command.requestId, command.kind);
      }
      check(db, reported);
      stats.checks++;
      if (outcome.killed) {
        const committed = requestRecorded(db, command.requestId);
        if (committed) stats.committedBeforeKill++;
        else stats.notCommitted++;
        // The script's retry after the crash: the same command, the same request id.
        const retry = await runToEnd(command, { db, dir });
        stats.retries++;
        if (retry.code !== 0) throw new Error(`the retry of sop ${command.argv.join(' ')} (killed ${committed ? 'after' : 'before'} its commit) exited ${retry.code}:\n${retry.stderr}\n(database: ${db})`);
        if (!requestRecorded(db, command.requestId)) throw new Error(`the retry of ${command.requestId} reported success but left no record (database: ${db})`);
        reported.set(command.requestId, command.kind);
        check(db, reported);
        stats.checks++;
      }
      command.after?.();
      options.onKill?.(stats);
    }
    stats.reported += reported.size;
  };
  await Promise.all(Array.from({ length: lanes }, (_, i) => lane(i + 1)));
  stats.ms = Math.round(performance.now() - started);
  if (!options.keep) rmSync(root, { recursive: true, force: true });
  return stats;
}

function check(db, reported) {
  try {
    checkInvariants(db, reported);
  } catch (e) {
    e.message += `\n(the database is kept at ${db})`;
    throw e;
  }
}

// --- the database and the commands ----------------------------------------

/** Runs `fn` with an engine on the lane's store acting as `user`, closed afterwards (no connection is left open across a kill). */
async function withEngine(db, user, fn, create = false) {
  const engine = await openEngine({ db, sops: SOPS, identity: { user, osUser: 'crash-test' }, create });
  try {
    return await fn(engine);
  } finally {
    await engine.close();
  }
}

/** The administrator (bound to the login admin), the seeds and their calendar published, the operator, the applicant and a spare, each bound to a login of their name. */
async function setUp(db) {
  await withEngine(db, ADMIN, (e) => e.people.init(ADMIN, { login: ADMIN }), true);
  await withEngine(db, ADMIN, async (e) => {
    for (const sop of SEEDS) await e.definitions.publish(sop);
    await e.definitions.publishCalendar();
    await e.people.add('operator', { roles: ROLES, login: 'operator' });
    await e.people.add('pemohon', { login: 'pemohon' });
    await e.people.add('cadangan', { login: 'cadangan' });
  });
}

/** The answer recorded for request `id`, if it was recorded. */
function recordedAnswer(db, id) {
  const store = Store.open(db, { mustExist: true });
  try {
    return store.request(id)?.answer;
  } finally {
    store.close();
  }
}

let counter = 0;
const requestId = (kind) => `crash-${kind}-${Date.now().toString(36)}-${++counter}-${randomBytes(4).toString('hex')}`;

/**
 * The lane's next command: mostly completing the current step of one of its
 * instances (with outputs, sometimes a 256 KiB file, a password on standard
 * input), else starting one, now and then a role change or a cancel.
 */
async function nextCommand(db, state, payload) {
  const statuses = await withEngine(db, ADMIN, async (e) => {
    const all = [];
    for (const id of state.instances) all.push(await e.instances.status(id));
    return all;
  });
  const active = statuses.filter((st) => st.status === 'active').map((st) => st.id);
  state.instances = active;
  const roll = Math.random();
  if (active.length < 3 || roll < 0.1) {
    const sop = SEEDS[Math.floor(Math.random() * SEEDS.length)];
    const rid = requestId('start');
    return {
      kind: 'start',
      requestId: rid,
      login: state.applicant,
      argv: ['start', sop, '--title', `Uji crash ${counter}`, '--request-id', rid, '--json'],
      after: () => {
        const id = recordedAnswer(db, rid)?.ok?.id;
        if (id) state.instances.push(id);
      },
    };
  }
  if (roll < 0.18) {
    const rid = requestId('role');
    const verb = state.spareHas ? 'revoke' : 'grant';
    return {
      kind: 'role',
      requestId: rid,
      login: ADMIN,
      argv: ['user', verb, state.spare, 'kepala-bidang-aptika', '--request-id', rid],
      after: () => {
        state.spareHas = !state.spareHas;
      },
    };
  }
  const id = active[Math.floor(Math.random() * active.length)];
  if (roll < 0.2) {
    const rid = requestId('cancel');
    return { kind: 'cancel', requestId: rid, login: state.applicant, argv: ['cancel', id, '--reason', 'Dibatalkan saat uji crash', '--request-id', rid] };
  }
  const st = statuses.find((s) => s.id === id);
  const step = st.current[0];
  const rid = requestId('advance');
  const argv = ['advance', id, '--step', step.step, '--request-id', rid];
  if (step.choices.length) argv.push('--choice', PREFERRED[step.step] ?? step.choices[Math.floor(Math.random() * step.choices.length)]);
  let input = '';
  for (const o of step.outputs) {
    if (o.sensitive) input += `Rahasia-${randomBytes(6).toString('hex')}\n`;
    else if (Math.random() < 0.3) argv.push('--output', `${o.id}=@${payload}`);
    else argv.push('--output', `${o.id}=${o.name} ${randomBytes(8).toString('hex')}`);
  }
  if (Math.random() < 0.3) argv.push('--note', `Catatan "uji" ${counter}; DROP TABLE log; --`);
  // A step of the person of the case is theirs (the applicant); a step of a role, the operator's.
  return { kind: 'advance', requestId: rid, login: step.assignee ?? state.user, argv, input, secret: input !== '' };
}

// --- running and killing -----------------------------------------------------

/** The environment of a `sop` process: the lane's store, and the OS login `login` stood in for (when given). */
function childEnv(db, login) {
  const env = { ...process.env, SOP_DB: db, SOP_DIR: SOPS };
  delete env.SOP_USER;
  delete env.SOP_DEBUG;
  delete env.SOP_TEST_OS_LOGIN;
  if (login !== undefined) {
    env.SOP_TEST_OS_LOGIN = login;
    env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} --require ${OS_LOGIN_PRELOAD}`.trim();
  }
  return env;
}

/** The OS login a run in this process stands for, per asynchronous context: the lanes run side by side. */
const standIn = new AsyncLocalStorage();
const os = createRequire(import.meta.url)('node:os');
const realUserInfo = os.userInfo;
os.userInfo = (options) => {
  const info = realUserInfo(options);
  const login = standIn.getStore();
  return login === undefined ? info : { ...info, username: login };
};
syncBuiltinESMExports();

/** Runs `fn` in this process as if it ran as the OS login `login` (as the preload does for a process). */
function asLogin(login, fn) {
  return login === undefined ? fn() : standIn.run(login, fn);
}

/** How long the commands take here, unkilled: the kill points are spread over that span. */
async function calibrate(db, dir) {
  const times = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    await runToEnd({ argv: ['list', '--json'], input: '', secret: true }, { db, dir });
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  // A write takes a little longer than this read.
  return { commandMs: times[1] * 1.3 };
}

/**
 * Where to kill: at a random time over the command's whole run (start-up,
 * opening, the write, the answer), or on the n-th change of the database's
 * files, which lands in or right after a write.
 */
function killPoint(timing) {
  const r = Math.random();
  if (r < 0.3) return { kind: 'timed', afterMs: Math.random() * timing.commandMs * 1.1 };
  // A write shows as about 5 changes when the store is opened (-wal, -shm), a few to a dozen while the
  // transaction writes its pages and commits, then the checkpoint into the .db file and the close.
  return { kind: 'on-write', afterChanges: 1 + Math.floor(Math.random() * 14), extraMs: Math.random() < 0.7 ? 0 : Math.random() * 2 };
}

function runAndKill(command, { db, dir }, killAt) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...command.argv], { cwd: dir, env: childEnv(db, command.login), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let killed = false;
    const kill = () => {
      if (child.exitCode === null && child.signalCode === null) {
        killed = child.kill('SIGKILL');
      }
    };
    let timer;
    let watcher;
    if (killAt.kind === 'timed') {
      timer = setTimeout(kill, killAt.afterMs);
    } else {
      let changes = 0;
      watcher = watch(dir, (_event, name) => {
        if (typeof name !== 'string' || !name.startsWith('sop.db')) return;
        if (++changes === killAt.afterChanges) {
          if (killAt.extraMs > 0) timer = setTimeout(kill, killAt.extraMs);
          else kill();
        }
      });
      // A command that never writes is killed late, not left alone.
      setTimeout(kill, 2000).unref();
    }
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.stdin.on('error', () => {});
    child.stdin.end(command.input ?? '');
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      watcher?.close();
      resolvePromise({ killed: killed && signal === 'SIGKILL', code, stdout, stderr });
    });
  });
}

/** Runs a command to its end: in-process through the CLI's own entry point, or as a process when it reads a password on standard input. */
async function runToEnd(command, { db, dir }) {
  if (!command.secret) {
    let stdout = '';
    let stderr = '';
    const io = { out: (t) => (stdout += t), err: (t) => (stderr += t), width: 80 };
    const code = await asLogin(command.login, () => run([...command.argv, '--db', db, '--sops', SOPS], io));
    return { code, stdout, stderr };
  }
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...command.argv], { cwd: dir, env: childEnv(db, command.login), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.stdin.on('error', () => {});
    child.stdin.end(command.input ?? '');
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

// --- the checks ----------------------------------------------------------------

function requestRecorded(db, id) {
  const conn = new Database(db, { fileMustExist: true });
  try {
    return conn.prepare('SELECT 1 FROM requests WHERE id = ?').get(id) !== undefined;
  } finally {
    conn.close();
  }
}

/**
 * The checks after a kill. Throws with what is wrong.
 *
 * @param {string} db
 * @param {Map<string, string>} reported request ids of the commands that reported success
 */
export function checkInvariants(db, reported = new Map()) {
  const conn = new Database(db, { fileMustExist: true });
  try {
    const integrity = conn.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') throw new Error(`integrity_check: ${String(integrity)}`);
    const requests = new Map(
      conn
        .prepare('SELECT id, command, log_seq FROM requests')
        .all()
        .map((r) => [r.id, r]),
    );
    for (const [id, kind] of reported) {
      if (!requests.has(id)) throw new Error(`the ${kind} ${id} reported success, but its request is not recorded`);
    }
    // Each request is in the log: its entries carry its id, the last of them is the one its record names.
    const tagged = conn
      .prepare(`SELECT json_extract(payload, '$.request') AS request, kind, count(*) AS n, max(seq) AS last FROM log
                WHERE json_extract(payload, '$.request') IS NOT NULL GROUP BY request, kind`)
      .all();
    const lastOf = new Map();
    for (const t of tagged) {
      if (t.kind !== 'definition' && t.n !== 1) throw new Error(`request ${t.request} is in ${t.n} ${t.kind} entries of the log: applied more than once`);
      lastOf.set(t.request, Math.max(lastOf.get(t.request) ?? 0, t.last));
      if (!requests.has(t.request)) throw new Error(`log entries of request ${t.request} were written without its record: half-applied`);
    }
    for (const [id, r] of requests) {
      if (lastOf.get(id) !== r.log_seq) throw new Error(`the record of request ${id} names entry ${r.log_seq}, but its last entry is ${lastOf.get(id)}: half-applied`);
    }
    // Every stored output belongs to an event that names it.
    const named = new Set();
    for (const { payload } of conn.prepare(`SELECT payload FROM log WHERE kind = 'event' AND instr(payload, '"outputs"') > 0`).iterate()) {
      for (const o of JSON.parse(payload).outputs ?? []) if (o.sha256) named.add(o.sha256);
    }
    for (const { sha256 } of conn.prepare('SELECT sha256 FROM blobs').iterate()) {
      if (!named.has(sha256)) throw new Error(`the stored output ${sha256} belongs to no event: half-applied`);
    }
  } finally {
    conn.close();
  }
  const store = Store.open(db, { mustExist: true });
  try {
    const report = verifyStore(store);
    if (!report.ok) throw new Error(`sop verify: ${report.breaks.map((b) => `${b.code} ${b.message}`).join('\n')}`);
    return report;
  } finally {
    store.close();
  }
}
