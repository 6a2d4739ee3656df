#!/usr/bin/env node
/**
 * Builds a large store by hand, for measuring outside the benchmark:
 *   node bench/make-store.mjs <file.db> [instances=100000] [active=20]
 * See lib/big-store.mjs for what it holds.
 */
import { existsSync } from 'node:fs';
import { buildStore } from './lib/big-store.mjs';

const [file, count = '100000', active = '20'] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/make-store.mjs <file.db> [instances] [active]');
  process.exit(2);
}
if (existsSync(file)) {
  console.error(`${file} exists; give a new file`);
  process.exit(1);
}
const started = performance.now();
buildStore(file, { instances: Number(count), active: Number(active), progress: (n) => process.stderr.write(`\r${n} instances`) });
process.stderr.write(`\rbuilt ${count} instances in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
