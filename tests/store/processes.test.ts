/**
 * Real concurrency: separate node processes, each with its own connection,
 * writing to the same instance through the built store.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { storeWithInstance } from './helpers.js';

const storeUrl = pathToFileURL(path.resolve(__dirname, '../../dist/engine/store/index.js')).href;

/** Runs `code` as an ES module in a fresh node process; resolves with its parsed JSON stdout. */
function runChild(code: string, env: Record<string, string>): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', code], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => {
      if (status !== 0) reject(new Error(`child exited ${status}: ${err}`));
      else resolve(JSON.parse(out));
    });
  });
}

// Both children read version 1 first, then wait for the same instant and append.
const appendOnce = `
import { Store } from ${JSON.stringify(storeUrl)};
const store = Store.open(process.env.DB);
const seen = store.getInstance('I-1').version;
const startAt = Number(process.env.START_AT);
while (Date.now() < startAt) {}
let result;
try {
  store.appendEvent('I-1', seen, { type: 'completed', step: process.env.NAME, by: { user: process.env.NAME, osUser: 'x' } }, { by: process.env.NAME });
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
const store = Store.open(process.env.DB);
const startAt = Number(process.env.START_AT);
while (Date.now() < startAt) {}
let conflicts = 0;
for (let i = 0; i < Number(process.env.N); ) {
  const seen = store.getInstance('I-1').version;
  try {
    store.appendEvent('I-1', seen, { type: 'completed', step: process.env.NAME + i, by: { user: process.env.NAME, osUser: 'x' } }, { n: seen + 1 });
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
    const startAt = String(Date.now() + 1500);
    const results = (await Promise.all(
      ['p1', 'p2'].map((name) => runChild(appendOnce, { DB: file, START_AT: startAt, NAME: name })),
    )) as { ok: boolean; code?: string; message?: string }[];

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
    const startAt = String(Date.now() + 1500);
    const n = 40;
    await Promise.all(['p', 'q'].map((name) => runChild(appendMany, { DB: file, START_AT: startAt, NAME: name, N: String(n) })));
    const events = store.eventsOf('I-1');
    expect(events.map((e) => e.version)).toEqual(Array.from({ length: 2 * n + 1 }, (_, i) => i + 1));
    expect(store.getInstance('I-1')).toMatchObject({ version: 2 * n + 1, state: { n: 2 * n + 1 } });
  });
});
