// @ts-check
/**
 * Embedding sop in another program: an SOP held in memory (no files), a
 * store in memory (nothing kept), and a request worked from start to end
 * through the engine's public entry, as a portal or a chat bot of the
 * office would. Run it after `npm run build`:
 *
 *   node examples/embed-in-memory.mjs
 *
 * `import ... from 'sop'` resolves to this package (its own name), and to
 * the installed package anywhere else (`npm install sop-<version>.tgz`).
 */
import { openEngine, sopsInMemory, isSopError } from 'sop';

/** An SOP in the national format, written where the program keeps it (a database, a form): here, inline. */
const permohonanSurat = `
id: permohonan-surat-keterangan
revision: 1
identity:
  agency: Pemerintah Kabupaten Contoh
  unit: Dinas Contoh
  number: B-1/CONTOH/000.6/08/2025
  name: Permohonan Surat Keterangan
  createdOn: 2025-08-04
  revisedOn: null
  effectiveOn: 2025-08-04
actors:
  - { id: pemohon, name: Pemohon, kind: case }
  - { id: petugas, name: Petugas Layanan }
steps:
  - id: pengajuan
    number: 1
    activity: Pengajuan Permohonan
    actor: pemohon
    time: 10 Menit
    outputs: [{ id: surat-permohonan, name: Surat Permohonan }]
  - id: pemeriksaan
    number: 2
    activity: Pemeriksaan Permohonan
    actor: petugas
    time: 1 Hari
    exits:
      - { label: Setuju, to: penerbitan }
      - { label: Tidak Setuju, to: ditolak }
  - id: penerbitan
    number: 3
    activity: Penerbitan Surat Keterangan
    actor: petugas
    time: 2 Jam
    outputs: [{ id: surat-keterangan, name: Surat Keterangan }]
    next: selesai
ends:
  - { id: selesai, outcome: selesai }
  - { id: ditolak, name: Permohonan Ditolak, outcome: ditolak }
`;

const app = { osUser: 'portal' };
const engine = await openEngine({
  db: ':memory:',
  create: true,
  sops: sopsInMemory({ 'permohonan-surat-keterangan': permohonanSurat }),
  identity: { user: 'admin', ...app },
});
const as = (/** @type {string} */ user) => engine.as({ user, ...app });

try {
  // The first administrator is a maintainer too: they publish what the office runs. Instances start only from a publication.
  await engine.people.init('admin');
  await engine.definitions.publish('permohonan-surat-keterangan');
  await engine.people.add('siti', { roles: ['petugas'] });
  await engine.people.add('budi');

  // Budi files a request: he is its Pemohon.
  const { id } = await as('budi').instances.start('permohonan-surat-keterangan', { title: 'Surat keterangan domisili' });
  await as('budi').instances.advance(id, { step: 'pengajuan', outputs: [{ id: 'surat-permohonan', value: 'Permohonan surat keterangan domisili, RT 03' }] });

  // Budi cannot approve his own request: the engine refuses, and records the attempt.
  try {
    await as('budi').instances.advance(id, { step: 'pemeriksaan', choice: 'setuju' });
  } catch (e) {
    if (!isSopError(e)) throw e;
    console.log(`refused as expected: ${e.code} (${e.kind})`);
  }

  await as('siti').instances.advance(id, { step: 'pemeriksaan', choice: 'setuju' });
  const done = await as('siti').instances.advance(id, { step: 'penerbitan', outputs: [{ id: 'surat-keterangan', value: 'SK/470/123/2026' }] });
  console.log(`instance ${id}: ${done.status.status} (${done.status.outcome})`);

  for (const e of (await engine.instances.history(id)).entries) {
    console.log(`  #${e.seq} ${e.type.padEnd(9)} ${e.step ?? ''} by ${e.user}${e.choice ? ` (${e.choice})` : ''}${e.reason ? `: ${e.reason.split(':')[0]}` : ''}`);
  }
  const report = await engine.audit.verify();
  console.log(`verify: ${report.ok ? 'ok' : 'BROKEN'}, ${report.entries} chain entries, ${report.instances} instance(s) replayed`);
  if (!report.ok || done.status.outcome !== 'selesai') process.exitCode = 1;
} finally {
  await engine.close();
}
