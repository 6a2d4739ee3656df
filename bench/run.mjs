#!/usr/bin/env node
/**
 * `npm run bench`: every target of the performance issue, each figure beside
 * its baseline measured in the same run. Not part of `npm test`.
 *
 *   node bench/run.mjs [--quick] [--fresh] [--only 1,2,3,4,5,6] [--json <file>]
 *
 * --quick   smaller sizes (10,000 instances for the scale figures, fewer rounds), for a check, not for the record
 * --fresh   rebuild the large store even if one of this schema is in the temp folder
 */
import { writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { machine } from './lib/measure.mjs';
import { printTable } from './lib/table.mjs';
import { latency } from './latency.mjs';
import { throughput } from './throughput.mjs';
import { scale } from './scale.mjs';
import { validation } from './validation.mjs';
import { peer } from './peer.mjs';
import { bounds } from './bounds.mjs';

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const value = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = flag('--quick');
const only = new Set((value('--only') ?? '1,2,3,4,5,6').split(','));
const log = (s) => process.stderr.write(s);

const m = machine();
const sqlite = new Database(':memory:').prepare('select sqlite_version() AS v').get().v;
log(`sop benchmark${quick ? ' (quick)' : ''}\nmachine: ${m.cpu}, ${m.memory}, ${m.os}; Node ${m.node}; SQLite ${sqlite}\n`);

const sections = [
  ['1', 'CLI latency', () => latency({ rounds: quick ? 10 : 30 })],
  ['2', 'durable throughput', () => throughput({ rounds: quick ? 4 : 12 })],
  ['3', 'scale', () => scale({ instances: quick ? 10_000 : 100_000, rounds: quick ? 8 : 20, fresh: flag('--fresh'), log })],
  ['4', 'validation', () => validation({ rounds: quick ? 2 : 5 })],
  ['5', 'peer comparison', () => peer(quick ? { ours: 100, theirs: 10, runs: 1 } : {})],
  ['6', 'bounds on hostile and heavy input', () => bounds({ rounds: quick ? 2 : 5 })],
];
const rows = [];
for (const [id, name, fn] of sections) {
  if (!only.has(id)) continue;
  const started = performance.now();
  log(`${id}. ${name} ...\n`);
  rows.push(...(await fn()));
  log(`   (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
}
process.stdout.write(`\nMachine: ${m.cpu}, ${m.memory}, ${m.os}; Node ${m.node}; SQLite ${sqlite}\n\n`);
printTable(rows);
const missed = rows.filter((r) => r.met === false);
process.stdout.write(`\n${rows.filter((r) => r.met === true).length} target(s) met, ${missed.length} missed${missed.length ? `: ${missed.map((r) => r.id).join(', ')}` : ''}.\n`);
const json = value('--json');
if (json) writeFileSync(json, JSON.stringify({ machine: { ...m, sqlite }, quick, rows }, null, 2));
