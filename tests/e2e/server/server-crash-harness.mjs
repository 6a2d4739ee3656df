/**
 * The server crash harness: several client processes (crash-client.mjs)
 * start instances and complete their steps through the office server,
 * while the server process is SIGKILLed at random moments and started
 * again, over and over, on one store. Each client retries every change
 * with its Idempotency-Key until it is answered.
 *
 * A kill comes at the n-th change of the store's files after the server
 * came up (n random), so it lands in or around a write: while a
 * transaction writes its pages, commits, or answers. No timer decides it.
 * After every kill, with the server down:
 *
 *   - the store opens, and PRAGMA integrity_check says ok;
 *   - verifyStore (what `sop verify` runs) finds no break;
 *   - every change a client saw acknowledged is recorded (its request);
 *   - no request id is in two event entries: nothing was applied twice;
 *
 * then a new server is started, and the clients are told where it is. At
 * the end the clients finish what they are sending and stop, the server is
 * stopped with SIGTERM, and the store must hold exactly the acknowledged
 * changes: each request id of an acknowledged start or advance in exactly
 * one event entry, and no event written by a request nobody acknowledged.
 *
 * Used by tests/e2e/server/crash.test.ts, and by hand for longer runs
 * (after npm run build):
 *   node tests/e2e/server/server-crash-harness.mjs --kills 1000 [--clients 4] [--keep]
 * Plain JavaScript over the built dist/, like the CLI crash harness.
 */
import { fork, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const CLI = join(ROOT, 'dist', 'cli', 'bin.cjs');
const CLIENT = join(import.meta.dirname, 'crash-client.mjs');
const { openEngine } = await import(join(ROOT, 'dist', 'engine', 'index.js'));
const { Store } = await import(join(ROOT, 'dist', 'engine', 'store', 'index.js'));
const { verifyStore } = await import(join(ROOT, 'dist', 'engine', 'audit', 'verify.js'));

const SOP_ID = 'uji-server';
/** A kill comes at one of the first KILL_SPREAD changes of the store's files after the server is up. */
const KILL_SPREAD = 120;
/** An SOP of its own, so that the run depends on no rule of the example SOPs: a loop, outputs, a sensitive one. */
const SOP_YAML = `id: uji-server
revision: 1
identity:
  agency: Pemerintah Kabupaten Contoh
  unit: Dinas Contoh
  number: B-000/UJI/000.0/00/0000
  name: Uji Server
  createdOn: 2026-01-01
  revisedOn: null
  effectiveOn: 2026-01-01
  approvedBy:
    position: Kepala Dinas Contoh
    name: Nama Pejabat, S.Sos.
legalBasis:
  - Peraturan Menteri PAN RB Nomor 35 Tahun 2012
qualifications:
  - Mampu mengoperasikan komputer
equipment:
  - PC/Laptop
warnings:
  - Layanan terhambat
records:
  - Berkas
actors:
  - id: petugas
    name: Petugas Layanan
  - id: pemeriksa
    name: Pemeriksa
steps:
  - id: penerimaan
    number: 1
    activity: Penerimaan berkas
    actor: petugas
    requirements: [Berkas]
    time: 10 Menit
    outputs:
      - id: berkas
        name: Berkas
  - id: pemeriksaan
    number: 2
    activity: Pemeriksaan berkas
    actor: pemeriksa
    requirements: [Berkas]
    time: 30 Menit
    exits:
      - label: Ulang
        to: penerimaan
      - label: Lanjut
        to: pemrosesan
  - id: pemrosesan
    number: 3
    activity: Pemrosesan
    actor: petugas
    requirements: [Berkas]
    time: 1 Jam
    outputs:
      - id: hasil
        name: Hasil
  - id: pengiriman-akun
    number: 4
    activity: Pengiriman akun
    actor: petugas
    requirements: [Hasil]
    time: 10 Menit
    outputs:
      - id: akun
        name: Nama akun
      - id: sandi
        name: Sandi sementara
        sensitive: true
  - id: pengarsipan
    number: 5
    activity: Pengarsipan
    actor: pemeriksa
    requirements: [Hasil]
    time: 10 Menit
    outputs: []
    next: selesai
ends:
  - id: selesai
    name: Selesai
    outcome: selesai
`;

/**
 * Runs until `kills` kills of the server, with `clients` client processes.
 * Returns the figures; throws (keeping the store) on the first violated check.
 *
 * @param {{ kills: number, clients?: number, dir?: string, keep?: boolean, big?: number, onKill?: (stats: object) => void }} options
 */
export async function serverCrashRun(options) {
  const clientCount = options.clients ?? 4;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'sop-server-crash-'));
  const db = join(dir, 'sop.db');
  const stats = {
    kills: 0,
    clients: clientCount,
    acknowledged: { start: 0, advance: 0 },
    inFlightAtKill: 0,
    committedBeforeKill: 0,
    notCommittedAtKill: 0,
    retries: 0,
    doubled: 0,
    lost: 0,
    unacknowledgedApplied: 0,
    events: 0,
    checks: 0,
    dir,
    ms: 0,
  };
  const started = performance.now();
  const tokens = await setUp(dir, db, clientCount);

  /** Every acknowledged change: request id -> what it was. */
  const acked = new Map();
  /** The change each client is sending now (request id), if any. */
  const inFlight = new Map();
  /** @type {Error | undefined} */
  let failure;
  /** Throws the first failure the clients reported (they report it in their callbacks, at any time). */
  const rethrow = () => {
    if (failure) throw new Error(failure.message, { cause: failure });
  };
  let generation = 0;

  const clients = tokens.map((token, i) => {
    const child = fork(CLIENT, [], {
      env: { ...cleanEnv(), TOKEN: token, SOP: SOP_ID, BIG: String(options.big ?? 64 * 1024) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const done = new Promise((resolvePromise) => {
      child.on('message', (m) => {
        if (m.type === 'sending') inFlight.set(i, m.key);
        else if (m.type === 'retry') stats.retries++;
        else if (m.type === 'ack') {
          if (acked.has(m.key)) failure ??= new Error(`request ${m.key} was acknowledged twice`);
          acked.set(m.key, m);
          stats.acknowledged[m.kind]++;
          inFlight.delete(i);
        } else if (m.type === 'error') failure ??= new Error(`client ${i + 1}: ${m.message}`);
        else if (m.type === 'done') resolvePromise();
      });
      child.on('exit', (code) => {
        if (code !== 0) failure ??= new Error(`client ${i + 1} ended with ${code}`);
        resolvePromise();
      });
    });
    return { child, done };
  });
  const tell = (message) => {
    for (const c of clients) if (c.child.connected) c.child.send(message);
  };

  try {
    while (stats.kills < options.kills && failure === undefined) {
      const server = await startServer(db, dir);
      generation++;
      tell({ type: 'up', url: server.url, generation });
      // Killed at the n-th change of the store's files from now on: a write of the WAL is a few to a few dozen
      // changes (its pages, the commit frame), so that is anywhere from inside the first write to a dozen writes on.
      await server.killAtChange(1 + Math.floor(Math.random() * KILL_SPREAD));
      stats.kills++;
      const flying = [...inFlight.values()];
      stats.inFlightAtKill += flying.length;
      for (const key of flying) {
        if (recorded(db, key)) stats.committedBeforeKill++;
        else stats.notCommittedAtKill++;
      }
      check(db, acked, stats);
      options.onKill?.(stats);
    }
    rethrow();
    // The end: a last server, the clients finish what they are sending and stop, then SIGTERM.
    const last = await startServer(db, dir);
    generation++;
    tell({ type: 'up', url: last.url, generation });
    tell({ type: 'stop' });
    await Promise.all(clients.map((c) => c.done));
    const ended = await last.stop();
    if (ended.code !== 0) throw new Error(`the last server ended with ${ended.signal ?? ended.code} on SIGTERM`);
    rethrow();
    check(db, acked, stats);
    exactlyOnce(db, acked, stats);
  } catch (e) {
    for (const c of clients) c.child.kill('SIGKILL');
    e.message += `\n(the store is kept at ${db})`;
    throw e;
  }
  stats.ms = Math.round(performance.now() - started);
  if (!options.keep) rmSync(dir, { recursive: true, force: true });
  return stats;
}

function cleanEnv() {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('SOP_')) delete env[k];
  return env;
}

/** The store: an administrator, the test SOP published, one operator per client holding its roles, with an API token each. */
async function setUp(dir, db, clientCount) {
  const sops = join(dir, 'sops');
  mkdirSync(sops, { recursive: true });
  writeFileSync(join(sops, `${SOP_ID}.yaml`), SOP_YAML);
  const engine = await openEngine({ db, sops, create: true });
  try {
    const admin = engine.as({ user: 'admin' });
    await admin.people.init('admin');
    await admin.definitions.publish(SOP_ID);
    const tokens = [];
    for (let i = 1; i <= clientCount; i++) {
      await admin.people.add(`operator${i}`, { roles: ['petugas', 'pemeriksa'] });
      tokens.push((await engine.as({ user: `operator${i}` }).auth.tokens.create('uji crash')).secret);
    }
    return tokens;
  } finally {
    await engine.close();
    for (const f of [db, `${db}-wal`, `${db}-shm`]) {
      try {
        chmodSync(f, 0o600);
      } catch {
        // Not there after the close.
      }
    }
  }
}

/** Starts `sop serve` on the store and resolves once it listens. */
function startServer(db, dir) {
  const child = spawn(process.execPath, [CLI, 'serve', '--db', db, '--sops', join(dir, 'sops'), '--port', '0'], { cwd: dir, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const ended = new Promise((resolvePromise) => child.once('exit', (code, signal) => resolvePromise({ code, signal })));
  return new Promise((resolvePromise, reject) => {
    let up = false;
    child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m && !up) {
        up = true;
        resolvePromise({
          url: m[1],
          stop: () => {
            child.kill('SIGTERM');
            return ended;
          },
          /** SIGKILLs the server at the n-th change of the store's files, and resolves once it is gone. */
          killAtChange: (n) =>
            new Promise((resolveKill) => {
              let changes = 0;
              const watcher = watch(dir, (_event, name) => {
                if (typeof name !== 'string' || !name.startsWith('sop.db')) return;
                if (++changes === n) {
                  watcher.close();
                  child.kill('SIGKILL');
                }
              });
              void ended.then(() => {
                watcher.close();
                resolveKill();
              });
            }),
        });
      }
    });
    void ended.then(({ code, signal }) => {
      if (!up) reject(new Error(`sop serve ended (${signal ?? code}) before listening:\n${out}\n${err}`));
    });
  });
}

function recorded(db, key) {
  const conn = new Database(db, { fileMustExist: true, readonly: true });
  try {
    return conn.prepare('SELECT 1 FROM requests WHERE id = ?').get(key) !== undefined;
  } finally {
    conn.close();
  }
}

/** The checks after a kill (and at the end). Throws with what is wrong. */
function check(db, acked, stats) {
  const conn = new Database(db, { fileMustExist: true });
  try {
    const integrity = conn.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') throw new Error(`integrity_check: ${String(integrity)}`);
    const requests = new Set(conn.prepare('SELECT id FROM requests').pluck().all());
    for (const [key, m] of acked) {
      if (!requests.has(key)) {
        stats.lost++;
        throw new Error(`the ${m.kind} ${key} (${m.instance}${m.step ? ` ${m.step}` : ''}) was acknowledged, but is not in the store: lost`);
      }
    }
    const doubled = conn
      .prepare(`SELECT json_extract(payload, '$.request') AS request, count(*) AS n FROM log WHERE kind = 'event' AND json_extract(payload, '$.type') != 'refused' GROUP BY request HAVING n > 1`)
      .all();
    if (doubled.length) {
      stats.doubled += doubled.length;
      throw new Error(`requests applied more than once: ${doubled.map((d) => `${d.request} (${d.n} times)`).join(', ')}`);
    }
  } finally {
    conn.close();
  }
  const store = Store.open(db, { mustExist: true });
  try {
    const report = verifyStore(store);
    if (!report.ok) throw new Error(`sop verify: ${report.breaks.map((b) => `${b.code} ${b.message}`).join('\n')}`);
  } finally {
    store.close();
  }
  stats.checks++;
}

/** At the end: the events of the run are exactly the acknowledged changes, each once. */
function exactlyOnce(db, acked, stats) {
  const conn = new Database(db, { fileMustExist: true, readonly: true });
  try {
    const rows = conn
      .prepare(`SELECT json_extract(payload, '$.request') AS request, json_extract(payload, '$.type') AS type, instance_id AS instance, json_extract(payload, '$.step') AS step FROM log WHERE kind = 'event'`)
      .all();
    stats.events = rows.length;
    const seen = new Map();
    for (const r of rows) {
      if (r.type === 'refused') throw new Error(`a refusal was recorded (${r.instance} ${r.step}): no client was refused anything`);
      seen.set(r.request, (seen.get(r.request) ?? 0) + 1);
      const m = acked.get(r.request);
      if (!m) {
        stats.unacknowledgedApplied++;
        throw new Error(`the ${r.type} of ${r.instance} by request ${r.request} is in the store, but no client was answered for it`);
      }
      const same = r.type === 'started' ? m.kind === 'start' && m.instance === r.instance : m.kind === 'advance' && m.instance === r.instance && m.step === r.step;
      if (!same) throw new Error(`request ${r.request} was acknowledged as ${m.kind} ${m.instance} ${m.step ?? ''}, but the store has ${r.type} ${r.instance} ${r.step ?? ''}`);
    }
    for (const [key, m] of acked) {
      const n = seen.get(key) ?? 0;
      if (n !== 1) throw new Error(`the acknowledged ${m.kind} ${key} is in the store ${n} times`);
    }
  } finally {
    conn.close();
  }
}

// node tests/e2e/server/server-crash-harness.mjs --kills N [--clients N] [--keep]
if (process.argv[1] === import.meta.filename) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? Number(process.argv[i + 1]) : fallback;
  };
  const stats = await serverCrashRun({
    kills: arg('--kills', 200),
    clients: arg('--clients', 4),
    keep: process.argv.includes('--keep'),
    onKill: (s) => {
      if (s.kills % 50 === 0) process.stderr.write(`${s.kills} kills, ${s.acknowledged.advance} advances acknowledged\n`);
    },
  });
  process.stdout.write(`${JSON.stringify(stats)}\n`);
}
