/**
 * Real concurrency: separate node processes, each with its own connection,
 * writing to the same instance through the built store (dist/: a child
 * process cannot load the TypeScript source). The children meet
 * at a start gate (tests/helpers/gate.ts): each opens the store (and reads
 * what it needs), says it is ready, and waits until all are; the test then
 * lets them go together.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { storeWithInstance } from '../../store/helpers.js';
import { GATE_MODULE, gateStdio, openGate } from '../../helpers/gate.js';

const storeUrl = pathToFileURL(path.resolve(import.meta.dirname, '../../../dist/engine/store/index.js')).href;
const gateUrl = pathToFileURL(GATE_MODULE).href;

/** Runs each `code` as an ES module in a fresh node process, all of them let through the gate together; resolves with their parsed JSON stdout. */
async function runTogether(runs: { code: string; env: Record<string, string> }[]): Promise<unknown[]> {
  const started = runs.map(({ code, env }) => runChild(code, env));
  await openGate(started.map((s) => s.child));
  return Promise.all(started.map((s) => s.done));
}

function runChild(code: string, env: Record<string, string>): { child: ChildProcess; done: Promise<unknown> } {
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], {
    env: { ...process.env, ...env },
    stdio: [...gateStdio('ignore')],
  });
  const done = new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => {
      if (status !== 0) reject(new Error(`child exited ${status}: ${err}`));
      else resolve(JSON.parse(out));
    });
  });
  return { child, done };
}

// Both children read version 1 first, then wait at the gate until both have, and append.
const appendOnce = `
import { Store } from ${JSON.stringify(storeUrl)};
import gate from ${JSON.stringify(gateUrl)};
const store = Store.open(process.env.DB);
const seen = store.getInstance('I-1').version;
gate.passGate();
let result;
try {
  store.write((tx) => tx.appendEvent('I-1', seen, { type: 'completed', step: process.env.NAME, by: { user: process.env.NAME, osUser: 'x' } }, { by: process.env.NAME }));
  result = { ok: true };
} catch (e) {
  result = { ok: false, code: e.code, message: e.message };
}
store.close();
process.stdout.write(JSON.stringify(result));
`;

// Appends N events, re-reading after each conflict, as the runtime would.
const appendMany = `
import { Store } from ${JSON.stringify(storeUrl)};
import gate from ${JSON.stringify(gateUrl)};
const store = Store.open(process.env.DB);
gate.passGate();
let conflicts = 0;
for (let i = 0; i < Number(process.env.N); ) {
  const seen = store.getInstance('I-1').version;
  try {
    store.write((tx) => tx.appendEvent('I-1', seen, { type: 'completed', step: process.env.NAME + i, by: { user: process.env.NAME, osUser: 'x' } }, { n: seen + 1 }));
    i++;
  } catch (e) {
    if (e.code !== 'store.conflict') throw e;
    conflicts++;
  }
}
store.close();
process.stdout.write(JSON.stringify({ conflicts }));
`;

describe('concurrent processes', () => {
  it('two processes append at the same version: exactly one succeeds', async () => {
    const { store, file } = storeWithInstance();
    const results = (await runTogether(['p1', 'p2'].map((name) => ({ code: appendOnce, env: { DB: file, NAME: name } })))) as { ok: boolean; code?: string; message?: string }[];

    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const loser = results.find((r) => !r.ok)!;
    expect(loser.code).toBe('store.conflict');
    expect(loser.message).toContain('version 1, now 2');
    const events = store.eventsOf('I-1');
    expect(events.map((e) => e.version)).toEqual([1, 2]);
    expect(store.getInstance('I-1')).toMatchObject({ version: 2, state: { by: events[1]!.event.step } });
  });

  it('two processes appending many events never lose one and never see SQLITE_BUSY', async () => {
    const { store, file } = storeWithInstance();
    const n = 40;
    await runTogether(['p', 'q'].map((name) => ({ code: appendMany, env: { DB: file, NAME: name, N: String(n) } })));
    const events = store.eventsOf('I-1');
    expect(events.map((e) => e.version)).toEqual(Array.from({ length: 2 * n + 1 }, (_, i) => i + 1));
    expect(store.getInstance('I-1')).toMatchObject({ version: 2 * n + 1, state: { n: 2 * n + 1 } });
  });
});
