#!/usr/bin/env node
/**
 * One side of the peer comparison, in a process of its own (for its peak
 * memory): `instances` instances of the 8-step SOP run through this engine,
 * each start and each step its own durable SQLite transaction, as `sop start`
 * and `sop advance` do. Prints {instances, ms, maxRssKb} as JSON.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Session, initDatabase, addUser, startInstance, advanceInstance } from '../dist/engine/index.js';
import { tempDir } from './lib/fixtures.mjs';
import { peerSopYaml, PEER_STEPS, PEER_DECISION } from './lib/peer-sop.mjs';

const instances = Number(process.argv[2] ?? 200);
const dir = tempDir('sop-peer-');
const sops = join(dir, 'sops');
mkdirSync(sops);
writeFileSync(join(sops, 'peer-sop.yaml'), peerSopYaml());
const db = join(dir, 'sop.db');
const admin = new Session({ db, sops, identity: { user: 'admin', osUser: 'bench' } }, { create: true });
initDatabase(admin, 'admin');
addUser(admin, 'petugas', ['petugas'], false);
admin.close();

const s = new Session({ db, sops, identity: { user: 'petugas', osUser: 'bench' } });
const runOne = () => {
  const id = startInstance(s, 'peer-sop').id;
  for (let i = 1; i <= PEER_STEPS; i++) advanceInstance(s, id, i === PEER_DECISION ? { choice: 'setuju' } : {});
};
// Not timed: the first instances are where the JIT compiles the code (as for the other engine).
const warmup = Math.max(1, Math.round(instances / 10));
for (let n = 0; n < warmup; n++) runOne();
const started = performance.now();
for (let n = 0; n < instances; n++) runOne();
const ms = performance.now() - started;
const done = s.store.listInstances({ status: 'completed' }).length;
s.close();
if (done !== warmup + instances) throw new Error(`${done} of ${warmup + instances} instances completed`);
process.stdout.write(JSON.stringify({ instances, ms, maxRssKb: process.resourceUsage().maxRSS }) + '\n');
