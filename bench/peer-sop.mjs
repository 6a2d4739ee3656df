#!/usr/bin/env node
/**
 * One side of the peer comparison, in a process of its own (for its peak
 * memory): `instances` instances of the 8-step SOP run through this engine,
 * each start and each step its own durable SQLite transaction, as `sop start`
 * and `sop advance` do, through the engine's public entry (openEngine), as a
 * program that embeds it would. Prints {instances, ms, maxRssKb} as JSON.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openEngine } from '../dist/engine/index.js';
import { tempDir } from './lib/fixtures.mjs';
import { peerSopYaml, PEER_STEPS, PEER_DECISION } from './lib/peer-sop.mjs';

const instances = Number(process.argv[2] ?? 200);
const dir = tempDir('sop-peer-');
const sops = join(dir, 'sops');
mkdirSync(sops);
writeFileSync(join(sops, 'peer-sop.yaml'), peerSopYaml());
const db = join(dir, 'sop.db');
const admin = await openEngine({ db, sops, create: true, identity: { user: 'admin', osUser: 'bench' } });
await admin.people.init('admin', { login: null });
// What runs is what the office published; roles are the actors of published SOPs.
await admin.definitions.publish('peer-sop');
await admin.people.add('petugas', { roles: ['petugas'] });
await admin.close();

const engine = await openEngine({ db, sops, identity: { user: 'petugas', osUser: 'bench' } });
const runOne = async () => {
  const { id } = await engine.instances.start('peer-sop');
  for (let i = 1; i <= PEER_STEPS; i++) await engine.instances.advance(id, i === PEER_DECISION ? { choice: 'setuju' } : {});
};
// Not timed: the first instances are where the JIT compiles the code (as for the other engine).
const warmup = Math.max(1, Math.round(instances / 10));
for (let n = 0; n < warmup; n++) await runOne();
const started = performance.now();
for (let n = 0; n < instances; n++) await runOne();
const ms = performance.now() - started;
const done = (await engine.instances.list({ status: 'completed' })).length;
await engine.close();
if (done !== warmup + instances) throw new Error(`${done} of ${warmup + instances} instances completed`);
process.stdout.write(JSON.stringify({ instances, ms, maxRssKb: process.resourceUsage().maxRSS }) + '\n');
