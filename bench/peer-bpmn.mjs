#!/usr/bin/env node
/**
 * The other side: the same 8-step SOP as BPMN in bpmn-engine. Between steps
 * its state is saved and recovered, as a command-line tool that exits after
 * each step must: getState() is written to SQLite (WAL, synchronous=FULL,
 * one transaction per step, as this engine writes its events), then a new
 * Engine recovers it from the stored JSON, resumes, and takes the signal of
 * the waiting user task. Prints {instances, ms, maxRssKb} as JSON.
 */
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Engine } from 'bpmn-engine';
import { tempDir } from './lib/fixtures.mjs';
import { peerBpmn, PEER_STEPS } from './lib/peer-sop.mjs';

const instances = Number(process.argv[2] ?? 20);
const source = peerBpmn();
const db = new Database(join(tempDir('sop-peer-bpmn-'), 'bpmn.db'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.exec('CREATE TABLE state (id TEXT PRIMARY KEY, state TEXT NOT NULL)');
const save = db.prepare('INSERT OR REPLACE INTO state (id, state) VALUES (?, ?)');
const load = db.prepare('SELECT state FROM state WHERE id = ?').pluck();

/** Resolves with the id of the next user task that waits (other than `except`), or null when the process ends. */
function nextWait(engine, listener, except) {
  return new Promise((resolve, reject) => {
    listener.on('activity.wait', (api) => {
      if (api.id !== except) resolve(api.id);
    });
    engine.once('end', () => resolve(null));
    engine.once('error', reject);
  });
}

async function persist(id, engine) {
  const state = await engine.getState();
  db.transaction(() => save.run(id, JSON.stringify(state)))();
  engine.stop();
}

async function runOne(id) {
  const first = new Engine({ name: id, source });
  const listener = new EventEmitter();
  const waiting = nextWait(first, listener);
  await first.execute({ listener, variables: { ditolak: false } });
  let task = await waiting;
  await persist(id, first);
  for (let step = 1; step <= PEER_STEPS; step++) {
    if (task !== `s${step}`) throw new Error(`instance ${id} waits at ${task}, expected s${step}`);
    // A new process: recover from the stored state, resume, signal the waiting task, save the state it reaches.
    const engine = new Engine().recover(JSON.parse(load.get(id)));
    const l = new EventEmitter();
    const next = nextWait(engine, l, task);
    const execution = await engine.resume({ listener: l });
    execution.signal({ id: task });
    task = await next;
    await persist(id, engine);
  }
  if (task !== null) throw new Error(`instance ${id} did not end (waits at ${task})`);
}

// Not timed: the first instances are where the JIT compiles the code (as for the other engine).
const warmup = Math.max(1, Math.round(instances / 10));
for (let n = 0; n < warmup; n++) await runOne(`w${n}`);
const started = performance.now();
for (let n = 0; n < instances; n++) await runOne(`i${n}`);
const ms = performance.now() - started;
db.close();
process.stdout.write(JSON.stringify({ instances, ms, maxRssKb: process.resourceUsage().maxRSS }) + '\n');
