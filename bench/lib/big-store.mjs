/**
 * Builds a large store for the scale benchmarks: `instances` instances of
 * pengecualian-smki, each walked through the anomaly loop to the end (one
 * start and nine completions: 10 events each, so 100,000 instances give
 * 1,000,000 events), with real outputs, hash chain and cached states,
 * through the store's own API; the last `active` instances stop at step 2,
 * waiting for andi. Each batch of instances is one transaction
 * (`store.write`: each write of it runs as a savepoint inside): a million
 * durable commits would take most of an hour and measure nothing the
 * benchmark looks at. Written below the use cases, the entries carry no
 * request id, and no request is recorded.
 */
import { createHash } from 'node:crypto';
import { Store } from '../../dist/engine/store/index.js';
import { loadSop } from '../../dist/engine/definition/load.js';
import { initialState, applyEvent } from '../../dist/engine/machine/index.js';
import { SOPS } from './measure.mjs';
import { OS_LOGIN } from './fixtures.mjs';

const PATH = [
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

function blobRefOf(text) {
  const bytes = Buffer.from(text, 'utf8');
  return { sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length };
}

/** Returns the ids of the active instances. */
export function buildStore(file, { instances, active = 20, progress = () => {} }) {
  const def = loadSop(SOPS, 'pengecualian-smki');
  let t = Date.parse('2026-01-05T00:00:00Z');
  const store = Store.open(file, {
    clock: () => {
      t += 60_000;
      return new Date(t);
    },
  });
  const admin = { user: 'admin', osUser: 'bench' };
  const hash = store.write((tx) => {
    tx.initAdmin('admin', {}, admin);
    tx.addUser('sari', { roles: [] }, admin);
    // The OS login running the bench is andi's: the CLI's tasks and status are timed as his.
    tx.addUser('andi', { roles: ['pengelola-tim-teknis'], login: OS_LOGIN }, admin);
    tx.addUser('rina', { roles: ['kepala-bidang-persandian'] }, admin);
    return tx.putDefinition(def);
  });
  const activeIds = [];
  const batch = 1000;
  for (let done = 0; done < instances; done += batch) {
    store.write((tx) => {
      for (let i = done; i < Math.min(instances, done + batch); i++) {
        const id = `bench-${String(i).padStart(7, '0')}`;
        const title = `Permohonan ${i}`;
        let state = { ...initialState(def), assignments: { pemohon: 'sari' } };
        tx.createInstance({ id, definitionHash: hash, title, state, event: { type: 'started', by: { user: 'sari', osUser: 'bench' }, title, assignments: { pemohon: 'sari' } } });
        const steps = i >= instances - active ? PATH.slice(0, 1) : PATH;
        if (steps.length === 1) activeIds.push(id);
        steps.forEach(([step, choice, role, user, outputs], k) => {
          state = { ...applyEvent(def, state, choice ? { type: 'COMPLETE', step, choice } : { type: 'COMPLETE', step }), assignments: state.assignments };
          // Every 10th instance has outputs of its own; the others share theirs (stored once), as forms do.
          const contents = outputs.map(([, text]) => (i % 10 === 0 ? `${text} ${i}` : text));
          const records = outputs.map(([oid], j) => ({ id: oid, ...blobRefOf(contents[j]) }));
          tx.appendEvent(
            id,
            k + 1,
            { type: 'completed', step, ...(choice ? { choice } : {}), ...(records.length ? { outputs: records } : {}), by: { user, role, osUser: 'bench' } },
            state,
            state.status === 'active' ? {} : { status: state.status, outcome: state.outcome },
            contents,
          );
        });
      }
    });
    progress(Math.min(instances, done + batch));
  }
  store.close();
  return activeIds;
}
