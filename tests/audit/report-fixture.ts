/**
 * The store of the report tests (tests/audit/report.test.ts in-process,
 * tests/e2e/audit/report.test.ts through the built CLI): four instances of
 * pengecualian-smki, written through the engine with its clock pinned, on
 * the office calendar of sops/calendar.yaml (WITA; Mon-Thu 07:30-12:00 and
 * 13:00-16:00, Fri 07:30-11:30 and 13:00-16:30). The comments show the
 * arithmetic of every figure the tests expect. Times are WITA (UTC+8).
 */
import { join } from 'node:path';
import { expect } from 'vitest';
import type { AdvanceRequest } from '../../engine/index.js';
import { officeWith, type TestOffice } from '../helpers/engine.js';
import { tempDir } from '../helpers/cli.js';

export const wita = (local: string) => new Date(`${local}:00+08:00`);

export interface ReportFixture {
  db: string;
  /** The engine on the store, its clock left at Friday 27 November 2026 10:00 WITA; close it before another process opens the file. */
  office: TestOffice;
  ids: Record<'A' | 'B' | 'C' | 'D', string>;
}

export async function buildReportFixture(): Promise<ReportFixture> {
  const db = join(tempDir('sop-report-'), 'sop.db');
  let now = wita('2026-11-16T07:00');
  const at = (local: string) => (now = wita(local));
  const office = await officeWith(db, { sari: [], andi: ['pengelola-tim-teknis'], rina: ['kepala-bidang-persandian'] }, { clock: () => now, osUser: 'test' });
  const advance = async (user: string, id: string, local: string, options: AdvanceRequest = {}) => {
    at(local);
    await office.as(user).instances.advance(id, options);
  };
  const start = async (local: string) => {
    at(local);
    return (await office.as('sari').instances.start('pengecualian-smki')).id;
  };
  const surat = { outputs: [{ id: 'surat-permohonan', value: 'Surat' }] };
  const resiko = { outputs: [{ id: 'daftar-resiko', value: 'Daftar' }] };
  const ids: ReportFixture['ids'] = { A: '', B: '', C: '', D: '' };

  // A: Monday 16 November, refused at the decision.
  ids.A = await start('2026-11-16T08:00');
  await advance('sari', ids.A, '2026-11-16T08:07', surat); //  step 1:  08:00-08:07 = 7 min; due 08:10: on time
  await advance('andi', ids.A, '2026-11-16T11:50', resiko); // step 2: 08:07-11:50 = 223 min; due 09:07: late
  await advance('rina', ids.A, '2026-11-16T13:05', { choice: 'tidak-setuju' }); // step 3: 11:50-12:00 + 13:00-13:05 = 15 min; due 12:00: late
  // B: Friday 20 November to Thursday 26, to the end without an anomaly.
  ids.B = await start('2026-11-20T15:00');
  await advance('sari', ids.B, '2026-11-20T15:08', surat); // step 1: 8 min, on time
  await advance('andi', ids.B, '2026-11-23T08:00', resiko); // step 2: Fri 15:08-16:30 = 82 + Mon 07:30-08:00 = 30 -> 112 min; due Fri 16:08: late
  at('2026-11-23T08:05');
  await expect(office.as('sari').instances.advance(ids.B, { choice: 'setuju' })).rejects.toThrow(); // refused: moves nothing
  await advance('rina', ids.B, '2026-11-23T08:09', { choice: 'setuju' }); // step 3: 08:00-08:09 = 9 min (the refusal did not restart it); on time
  // C: Monday 23 November, stuck at step 2 (60 Menit, due Mon 10:05). Written between B's steps, in the order of time:
  // the log refuses an entry dated before the last one.
  ids.C = await start('2026-11-23T09:00');
  await advance('sari', ids.C, '2026-11-23T09:05', surat); // step 1: 5 min, on time
  // B goes on.
  await advance('andi', ids.B, '2026-11-24T08:09', { outputs: [{ id: 'hasil-analisis-data-log', value: 'Hasil' }] }); // step 4, 1 Hari: due Tue 08:09, done then: on time;
  //   Mon 08:09-12:00 = 231 + 13:00-16:00 = 180 + Tue 07:30-08:09 = 39 -> 450 min
  await advance('andi', ids.B, '2026-11-26T10:00', { choice: 'tidak-terjadi' }); // step 5, 2 Hari: due Thu 08:09: late;
  //   Tue 231 + 180, Wed 270 + 180, Thu 07:30-10:00 = 150 -> 1011 min
  await advance('andi', ids.B, '2026-11-26T14:00', { outputs: [{ id: 'laporan-implementasi-pengecualian', value: 'Laporan' }] }); // step 7, 1 Hari: 10:00-12:00 + 13:00-14:00 = 180 min; on time
  await advance('andi', ids.B, '2026-11-26T14:03'); // step 8, 5 Menit: 3 min; on time
  // D: Friday 27 November 09:55, at step 1 (10 Menit, due 10:05).
  ids.D = await start('2026-11-27T09:55');
  at('2026-11-27T10:00'); // now: Friday 27 November 10:00
  return { db, office, ids };
}
