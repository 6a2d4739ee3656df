#!/usr/bin/env node
/**
 * Builds a large store for the scale benchmarks: `instances` instances of
 * pengecualian-smki, each walked through the anomaly loop to the end (one
 * start and nine completions: 10 events each, so 100,000 instances give
 * 1,000,000 events), with real outputs, real hash chain and real cached
 * states, through the store's own API. Everything goes into one transaction
 * per batch (the engine's nested transactions become savepoints), because
 * a million durable commits would take hours and measure nothing useful.
 *
 * usage: node bench/make-store.mjs <file.db> [instances=100000]
 */
import { existsSync } from 'node:fs';
import { Store } from '../dist/engine/store/index.js';
import { loadSop, initialState, applyEvent } from '../dist/engine/index.js';

const [file, count = '100000'] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/make-store.mjs <file.db> [instances]');
  process.exit(2);
}
if (existsSync(file)) {
  console.error(`${file} exists; give a new file`);
  process.exit(1);
}
const n = Number(count);
const def = loadSop(new URL('../sops/', import.meta.url).pathname, 'pengecualian-smki');
let t = Date.parse('2026-01-05T00:00:00Z');
const store = Store.open(file, { clock: () => new Date((t += 60_000)) });
const admin = { user: 'admin', osUser: 'bench' };
store.initAdmin('admin', admin);
store.addUser('sari', { roles: [] }, admin);
store.addUser('andi', { roles: ['pengelola-tim-teknis'] }, admin);
store.addUser('rina', { roles: ['kepala-bidang-persandian'] }, admin);
const hash = store.putDefinition(def);

const path = [
  ['pengajuan-permohonan', undefined, 'pemohon', 'sari', [['surat-permohonan', 'Surat permohonan']]],
  ['analisis-resiko', undefined, 'pengelola-tim-teknis', 'andi', [['daftar-resiko', 'Daftar resiko']]],
  ['persetujuan-permohonan', 'setuju', 'kepala-bidang-persandian', 'rina', []],
  ['perencanaan-implementasi', undefined, 'pengelola-tim-teknis', 'andi', [['hasil-analisis-data-log', 'Hasil analisis']]],
  ['implementasi-teknis', 'terjadi-anomali', 'pengelola-tim-teknis', 'andi', []],
  ['identifikasi-anomali', undefined, 'pengelola-tim-teknis', 'andi', [['laporan-anomali', 'Laporan anomali']]],
  ['implementasi-teknis', 'tidak-terjadi', 'pengelola-tim-teknis', 'andi', []],
  ['penyusunan-laporan', undefined, 'pengelola-tim-teknis', 'andi', [['laporan-implementasi-pengecualian', 'Laporan']]],
  ['pengiriman-laporan', undefined, 'pengelola-tim-teknis', 'andi', []],
];

const started = performance.now();
const batch = 1000;
for (let done = 0; done < n; done += batch) {
  store.db.transaction(() => {
    for (let i = done; i < Math.min(n, done + batch); i++) {
      const id = `bench-${String(i).padStart(7, '0')}`;
      let state = { ...initialState(def), assignments: { pemohon: 'sari' } };
      store.createInstance({ id, definitionHash: hash, title: `Permohonan ${i}`, state, event: { type: 'started', by: { user: 'sari', osUser: 'bench' }, title: `Permohonan ${i}`, assignments: { pemohon: 'sari' } } });
      path.forEach(([step, choice, role, user, outputs], k) => {
        const event = choice ? { type: 'COMPLETE', step, choice } : { type: 'COMPLETE', step };
        state = { ...applyEvent(def, state, event), assignments: state.assignments };
        // Every 10th instance gets its own output contents; the rest share them (deduplicated, as in an office).
        const contents = outputs.map(([, text]) => (i % 10 === 0 ? `${text} ${i}` : text));
        const records = outputs.map(([oid], j) => ({ id: oid, ...blobRefOf(contents[j]) }));
        store.appendEvent(
          id, k + 1,
          { type: 'completed', step, ...(choice ? { choice } : {}), ...(records.length ? { outputs: records } : {}), by: { user, role, osUser: 'bench' } },
          state,
          state.status === 'active' ? {} : { status: state.status, outcome: state.outcome },
          contents,
        );
      });
    }
  })();
  if ((done / batch) % 10 === 0) process.stderr.write(`\r${done + batch} instances`);
}
store.close();
process.stderr.write(`\rbuilt ${n} instances (${n * 10} events) in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);

import { createHash } from 'node:crypto';
function blobRefOf(text) {
  const bytes = Buffer.from(text, 'utf8');
  return { sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length };
}
