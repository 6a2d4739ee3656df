#!/usr/bin/env node
/**
 * The long run of the crash test: thousands of SIGKILLs of `sop` processes
 * at random points, with every check of tests/e2e/reliability/crash.test.ts
 * after each kill. Not part of npm test; run it by hand after `npm run build`:
 *
 *   node tests/long/crash-soak.mjs --kills 5000 [--lanes 2] [--keep]
 *
 * It prints its progress, and at the end the figures as JSON. On the first
 * violated check it stops with exit 1 and keeps the database for a look.
 */
import { parseArgs } from 'node:util';
import { crashRun } from '../e2e/reliability/crash-harness.mjs';

const { values } = parseArgs({
  options: {
    kills: { type: 'string', default: '5000' },
    lanes: { type: 'string', default: '2' },
    keep: { type: 'boolean', default: false },
  },
});
const kills = Number(values.kills);
const lanes = Number(values.lanes);
if (!Number.isInteger(kills) || kills < 1 || !Number.isInteger(lanes) || lanes < 1) {
  console.error('usage: node tests/long/crash-soak.mjs --kills <n> [--lanes <n>] [--keep]');
  process.exit(2);
}
let shown = 0;
try {
  const stats = await crashRun({
    kills,
    lanes,
    keep: values.keep,
    onKill: (s) => {
      if (s.kills >= shown + 100) {
        shown = s.kills - (s.kills % 100);
        console.error(`${s.kills} kills survived (${s.committedBeforeKill} after their commit), ${s.commands} commands, ${s.checks} checks`);
      }
    },
  });
  console.log(JSON.stringify(stats, null, 2));
} catch (e) {
  console.error(`crash soak FAILED: ${e.message}`);
  process.exit(1);
}
