/**
 * Target 5: the same 8-step SOP with one decision in bpmn-engine (a
 * development dependency of the bench only), its state saved to SQLite and
 * recovered between steps as a command-line tool must, against this engine
 * with durable commits: at least 20 times more instances per second. Each
 * engine runs in a process of its own, so that each peak memory is its own.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { fmt, median } from './lib/measure.mjs';

const here = (f) => fileURLToPath(new URL(f, import.meta.url));

function side(script, instances) {
  const r = spawnSync(process.execPath, [here(script), String(instances)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${script} failed: ${r.stderr.slice(0, 1000)}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1));
}

/** Each side runs `runs` times, alternating, so that the machine's slow moments fall on both; the medians count. */
export function peer({ ours = 300, theirs = 30, runs = 3 } = {}) {
  const a = [];
  const b = [];
  for (let r = 0; r < runs; r++) {
    a.push(side('./peer-sop.mjs', ours));
    b.push(side('./peer-bpmn.mjs', theirs));
  }
  const oursRate = median(a.map((x) => (x.instances / x.ms) * 1000));
  const theirRate = median(b.map((x) => (x.instances / x.ms) * 1000));
  const peak = (xs) => Math.max(...xs.map((x) => x.maxRssKb));
  return [
    {
      id: '5',
      measure: `Peer: 8-step SOP with a decision, instances per second (median of ${runs} runs of ${ours} vs ${theirs} instances)`,
      figure: `${fmt.rate(oursRate, 'instances')}, peak ${fmt.mb(peak(a))}`,
      baseline: `${fmt.rate(theirRate, 'instances')}, peak ${fmt.mb(peak(b))} (bpmn-engine, state saved and recovered each step)`,
      ratio: fmt.ratio(oursRate / theirRate),
      target: '>= 20x',
      met: oursRate / theirRate >= 20,
    },
  ];
}
