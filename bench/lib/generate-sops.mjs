/**
 * Generated SOP files for the validation benchmark: `count` files of
 * `steps` steps, three actors, a decision every sixth step whose negative
 * exit loops back or ends, each step with a waktu and an output.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function sopText(id, steps) {
  const lines = [
    '# yaml-language-server: $schema=../schemas/sop.schema.json',
    `id: ${id}`,
    'revision: 1',
    'identity:',
    '  agency: Pemerintah Kabupaten Kutai Kartanegara',
    '  unit: Dinas Komunikasi dan Informatika',
    `  number: B-${id.slice(4)}/DISKOMINFO/000.6/08/2025`,
    `  name: Prosedur Uji ${id}`,
    '  createdOn: 2025-08-04',
    '  revisedOn: null',
    '  effectiveOn: 2025-08-04',
    'legalBasis: [Peraturan Menteri PAN-RB Nomor 35 Tahun 2012]',
    'qualifications: [Memahami tugas pokok dan fungsi]',
    'equipment: [PC/laptop, jaringan internet]',
    'warnings: [Apabila SOP tidak dilaksanakan, layanan terhambat]',
    'records: [Dokumen hasil setiap langkah]',
    'actors:',
    '  - { id: pemohon, name: Pemohon, kind: case }',
    '  - { id: petugas, name: Petugas Layanan }',
    '  - { id: kepala-bidang, name: Kepala Bidang }',
    'steps:',
  ];
  const actors = ['pemohon', 'petugas', 'kepala-bidang'];
  for (let i = 1; i <= steps; i++) {
    const last = i === steps;
    lines.push(
      `  - id: langkah-${i}`,
      `    number: ${i}`,
      `    activity: Melaksanakan kegiatan nomor ${i} sesuai prosedur`,
      `    actor: ${actors[i % 3]}`,
      '    requirements: [PC/laptop, jaringan internet]',
      `    time: ${i % 4 === 0 ? '1 Hari' : `${10 + (i % 5) * 5} Menit`}`,
    );
    if (i % 6 === 0 && !last) {
      lines.push('    exits:', `      - { label: Setuju, to: langkah-${i + 1} }`, `      - { label: Tidak Setuju, to: ${i > 6 ? `langkah-${i - 5}` : 'ditolak'} }`);
    } else {
      lines.push('    outputs:', `      - { id: hasil-${i}, name: Hasil langkah ${i} }`);
      if (last) lines.push('    next: selesai');
    }
  }
  lines.push('ends:', '  - { id: selesai, name: Selesai, outcome: selesai }', '  - { id: ditolak, name: Ditolak, outcome: ditolak }');
  return lines.join('\n') + '\n';
}

export function generateSops(dir, { count = 1000, steps = 30 } = {}) {
  mkdirSync(dir, { recursive: true });
  for (let n = 0; n < count; n++) {
    const id = `uji-${String(n).padStart(4, '0')}`;
    writeFileSync(join(dir, `${id}.yaml`), sopText(id, steps));
  }
  return dir;
}
