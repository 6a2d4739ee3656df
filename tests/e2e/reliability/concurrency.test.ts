/**
 * "Eight processes start and advance instances on one database at the same
 * time, over many rounds. Pass: no lost or duplicated event, no unhandled
 * SQLITE_BUSY, and a valid chain at the end."
 *
 * Eight node processes (concurrent-operator.mjs), each running the built
 * `sop` CLI's entry point (dist/) command after command on one SQLite file: each round
 * starts an instance and completes its first step, and completes the current
 * step of one of four shared instances that all eight are advancing at
 * once; every fourth round retries earlier commands with their request ids.
 * Every command's outcome is kept and checked against the log. In the first
 * round all eight read the same shared instance, then wait at a start gate
 * (tests/helpers/gate.ts) until all have, and complete its step together:
 * the race is there by construction, not by timing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { OS_LOGIN_PRELOAD, tempDir, SOPS, STACK_TRACE } from '../../helpers/cli.js';
import { officeWith } from '../../helpers/engine.js';
import { gateStdio, openGate } from '../../helpers/gate.js';
// @ts-expect-error a plain JavaScript module, shared with the soak script
import { checkInvariants } from './crash-harness.mjs';

const PROCESSES = 8;
const ROUNDS = 32;
const SHARED = 4;
const ROLES = ['administrator', 'pengelola-tim-teknis', 'kepala-bidang-persandian'];

interface Command {
  args: string[];
  requestId: string | null;
  code: number;
  stdout: string;
  stderr: string;
  retry?: boolean;
  first?: { code: number; stdout: string; stderr: string };
}

let dir: string;
let db: string;
let shared: string[];
let results: Command[][];
/** The last log entry the setup wrote (its own starts carry request ids too): the run's entries come after it. */
let setupSeq: number;
let seconds: number;

function operator(user: string): { child: ChildProcess; done: Promise<Command[]> } {
  // The operator runs as the OS login of its own name, bound to it (officeWith): that login is who acts.
  const env: Record<string, string | undefined> = { ...process.env, SOP_TEST_OS_LOGIN: user, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${OS_LOGIN_PRELOAD}`.trim() };
  for (const name of ['SOP_DIR', 'SOP_DB', 'SOP_USER', 'SOP_DEBUG', 'SOP_SERVER', 'SOP_TOKEN']) delete env[name];
  const child = spawn(process.execPath, [join(import.meta.dirname, 'concurrent-operator.mjs'), db, SOPS, user, String(ROUNDS), shared.join(',')], {
    stdio: [...gateStdio('ignore')],
    env,
  });
  const done = new Promise<Command[]>((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as Command[]) : reject(new Error(`operator ${user} exited ${code}: ${err}`))));
  });
  return { child, done };
}

beforeAll(async () => {
  dir = tempDir('sop-eight-');
  db = join(dir, 'sop.db');
  const office = await officeWith(db, Object.fromEntries(Array.from({ length: PROCESSES }, (_, i) => [`op${i + 1}`, ROLES])));
  try {
    shared = [];
    for (let i = 0; i < SHARED; i++) shared.push((await office.as('op1').instances.start('implementasi-security-patch', { title: `Patch bersama ${i + 1}` })).id);
  } finally {
    // Closed before the operator processes open the file.
    await office.close();
  }
  setupSeq = logRows().at(-1)!.seq;
  const started = performance.now();
  const operators = Array.from({ length: PROCESSES }, (_, i) => operator(`op${i + 1}`));
  await openGate(operators.map((o) => o.child));
  results = await Promise.all(operators.map((o) => o.done));
  seconds = (performance.now() - started) / 1000;
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface LogRow {
  seq: number;
  kind: string;
  instance_id: string | null;
  version: number | null;
  payload: string;
}

function logRows(): LogRow[] {
  const conn = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return conn.prepare('SELECT seq, kind, instance_id, version, payload FROM log ORDER BY seq').all() as LogRow[];
  } finally {
    conn.close();
  }
}

describe(`Given ${PROCESSES} operator processes on one database, ${ROUNDS} rounds each, four instances shared by all`, () => {
  it('then every command ended with success or, on a shared instance read stale, store.conflict: never busy, never an internal error', () => {
    const all = results.flat();
    console.log(`concurrency: ${PROCESSES} processes x ${ROUNDS} rounds, ${all.length} commands in ${seconds.toFixed(1)} s`);
    expect(all.length).toBeGreaterThanOrEqual(PROCESSES * ROUNDS * 3);
    for (const c of all) {
      const what = `sop ${c.args.join(' ')} (${c.requestId}): ${c.code}\n${c.stderr}`;
      expect(c.stderr, what).not.toMatch(STACK_TRACE);
      expect(c.stderr, what).not.toMatch(/store\.busy|SQLITE_BUSY|internal error/);
      if (c.code !== 0) {
        expect(c.code, what).toBe(1);
        expect(c.args[1] !== undefined && shared.includes(c.args[1]), `only the shared instances see conflicts: ${what}`).toBe(true);
        expect(c.stderr, what).toMatch(/\[store\.conflict\]/);
      }
    }
    // The shared instances were contended: some advances lost the race. In the first round, by construction:
    // all eight completed the step they had all read, and exactly one of them won.
    expect(all.filter((c) => c.code === 1).length).toBeGreaterThan(0);
    const firstRace = all.filter((c) => /^op\d+-round-0-shared$/.test(c.requestId ?? '') && !c.retry);
    expect(firstRace).toHaveLength(PROCESSES);
    expect(firstRace.filter((c) => c.code === 0)).toHaveLength(1);
    for (const c of firstRace.filter((c) => c.code !== 0)) expect(c.stderr).toMatch(/\[store\.conflict\]/);
  });

  it('then no event is lost or duplicated: each successful command is exactly one log entry carrying its request id, and every entry of the run is one of them', () => {
    const rows = logRows();
    const requestOf = (r: LogRow) => (JSON.parse(r.payload) as { request?: string }).request;
    // The events of the run: those written after the setup's.
    const runEvents = rows.filter((r) => r.seq > setupSeq && r.kind === 'event');
    expect(runEvents.filter((r) => requestOf(r) === undefined)).toEqual([]);
    const byRequest = new Map<string, LogRow[]>();
    for (const r of runEvents) byRequest.set(requestOf(r)!, [...(byRequest.get(requestOf(r)!) ?? []), r]);
    const succeeded = new Set(
      results
        .flat()
        .filter((c) => c.code === 0 && c.requestId)
        .map((c) => c.requestId!),
    );
    for (const id of succeeded) expect(byRequest.get(id)?.length, `request ${id}`).toBe(1);
    expect(new Set(byRequest.keys())).toEqual(succeeded);
    // Every one came from a command that reported success; none was refused.
    expect(runEvents.length).toBe(succeeded.size);
    expect(runEvents.filter((r) => r.version === null)).toEqual([]);
    // Each shared instance: one entry per version, no gap, no repeat.
    for (const id of shared) {
      const versions = rows.filter((r) => r.instance_id === id).map((r) => r.version);
      expect(versions).toEqual(Array.from({ length: versions.length }, (_, i) => i + 1));
      // It went on: each operator tried it in ROUNDS / SHARED rounds, and one completion can have beaten at most one
      // try of each other operator, so one try in PROCESSES at least went through, however the runs interleaved.
      expect(versions.length).toBeGreaterThanOrEqual(1 + ROUNDS / SHARED);
    }
  });

  it('then a command retried with its request id answered exactly as the first run did, whenever the first run wrote', () => {
    const retries = results.flat().filter((c) => c.retry);
    expect(retries.length).toBeGreaterThanOrEqual(PROCESSES * Math.floor(ROUNDS / 4));
    let recorded = 0;
    for (const r of retries) {
      if (r.first!.code === 0) {
        recorded++;
        expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual(r.first);
      } else {
        // The first run lost a race and wrote nothing: the retry is judged anew, applied at most once.
        expect([0, 1]).toContain(r.code);
      }
    }
    expect(recorded).toBeGreaterThan(0);
  });

  it('then integrity_check is ok, sop verify finds the chain and every replay valid, and nothing is half-applied', () => {
    const report = checkInvariants(db, new Map());
    expect(report.ok).toBe(true);
    expect(report.entries).toBe(logRows().length);
    expect(report.instances).toBe(SHARED + results.flat().filter((c) => c.args[0] === 'start' && c.code === 0 && !c.retry).length);
  });
});
