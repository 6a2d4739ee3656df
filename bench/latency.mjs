/**
 * Target 1: `sop status`, `sop tasks` and `sop advance` as whole processes,
 * against a bare `node -e "require('better-sqlite3')"` run alongside: at
 * most 1.5 times the baseline.
 */
import { join } from 'node:path';
import { CLI, ROOT, SOPS, interleavedMedians, fmt } from './lib/measure.mjs';
import { smallStore, tempDir } from './lib/fixtures.mjs';

export async function latency({ rounds = 30 } = {}) {
  const dir = tempDir();
  const db = join(dir, 'sop.db');
  const warmup = 3;
  // The OS login running the bench is andi's: he has the 20 tasks, and is the Pemohon of the fresh instances.
  const ids = await smallStore(db, { active: 20, fresh: rounds + warmup, freshFor: 'andi' });
  // The steps the CLI shows are remembered under XDG_STATE_HOME: the bench's own, not the home of whoever runs it.
  const env = { ...process.env, SOP_DB: db, SOP_DIR: SOPS, XDG_STATE_HOME: join(dir, 'state') };
  delete env.SOP_USER;
  let k = 0;
  const m = interleavedMedians(
    {
      baseline: () => [process.execPath, '-e', "require('better-sqlite3')"],
      status: () => [process.execPath, CLI, 'status', ids.active[0]],
      tasks: () => [process.execPath, CLI, 'tasks'],
      advance: () => [process.execPath, CLI, 'advance', ids.fresh[k++], '--step', 'pengajuan-permohonan', '--output', 'surat-permohonan=Surat permohonan'],
    },
    { rounds, warmup, env, cwd: ROOT },
  );
  return ['status', 'tasks', 'advance'].map((cmd, i) => ({
    id: `1${'abc'[i]}`,
    measure: `CLI latency: sop ${cmd} (median of ${rounds} runs)`,
    figure: fmt.ms(m[cmd]),
    baseline: `${fmt.ms(m.baseline)} (node -e "require('better-sqlite3')")`,
    ratio: fmt.ratio(m[cmd] / m.baseline),
    target: '<= 1.50x',
    met: m[cmd] / m.baseline <= 1.5,
    raw: { ms: m[cmd], baselineMs: m.baseline },
  }));
}
