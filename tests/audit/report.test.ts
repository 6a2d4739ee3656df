/**
 * "Report figures are checked against hand-computed ones on a fixture with
 * known times, working time included."
 *
 * Four instances of pengecualian-smki, written through the engine with its
 * clock pinned, on the office calendar of sops/calendar.yaml
 * (tests/audit/report-fixture.ts: the comments there show the times).
 * Every figure below was worked out by hand from these times; the comments
 * show the arithmetic. Times are WITA (UTC+8). The same store through the
 * built CLI: tests/e2e/audit/report.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Audit, ComplianceReport } from '../../engine/index.js';
import { buildReportFixture, type ReportFixture } from './report-fixture.js';

let fx: ReportFixture;
const ids = {} as ReportFixture['ids'];

beforeAll(async () => {
  fx = await buildReportFixture();
  Object.assign(ids, fx.ids);
});

afterAll(() => fx?.office.close());

const report = (options: Parameters<Audit['report']>[0] = {}): Promise<ComplianceReport> => fx.office.as('admin').audit.report(options);

describe('Given the four instances, reported on Friday 27 November 2026 at 10:00 WITA over all time', () => {
  it('then the SOP had 11 step completions, 7 of 11 on time (64%): below the 80% target, so "tidak berjalan dengan baik"', async () => {
    const [smki] = (await report()).sops;
    expect(smki).toMatchObject({
      sop: 'pengecualian-smki',
      instances: { started: 4, completed: 1 + 1, cancelled: 0, active: 2 },
      outcomes: { ditolak: 1, selesai: 1 },
      count: 11,
      measured: 11,
      onTime: 7,
      late: 4,
      // sorted: 3 5 7 8 9 [15] 112 180 223 450 1011
      medianMinutes: 15,
      worstMinutes: 1011,
      verdict: 'tidak berjalan dengan baik',
    });
    expect(smki!.onTimeShare).toBeCloseTo(7 / 11, 10);
    expect(smki!.belowTarget).toEqual(['2 Menganalisis Resiko Pengecualian', '3 Persetujuan Permohonan Pengecualian', '5 Implementasi Teknis Pengecualian Keamanan Informasi']);
  });

  it('then per step: count, median and worst working minutes, and the share on time', async () => {
    const steps = Object.fromEntries((await report()).sops[0]!.steps.map((s) => [s.step, [s.count, s.medianMinutes, s.worstMinutes, s.onTime, s.measured]]));
    expect(steps).toEqual({
      'pengajuan-permohonan': [3, 7, 8, 3, 3], //       5 7 8
      'analisis-resiko': [2, 167.5, 223, 0, 2], //      112 223
      'persetujuan-permohonan': [2, 12, 15, 1, 2], //   9 15
      'perencanaan-implementasi': [1, 450, 450, 1, 1],
      'implementasi-teknis': [1, 1011, 1011, 0, 1],
      'identifikasi-anomali': [0, null, null, 0, 0],
      'penyusunan-laporan': [1, 180, 180, 1, 1],
      'pengiriman-laporan': [1, 3, 3, 1, 1],
    });
  });

  it('then per actor: the same figures over the steps each actor performs', async () => {
    const actors = Object.fromEntries((await report()).actors.map((a) => [a.actor, [a.count, a.medianMinutes, a.worstMinutes, a.onTime, a.measured]]));
    expect(actors).toEqual({
      pemohon: [3, 7, 8, 3, 3],
      // 3 112 [180 223] 450 1011: median (180 + 223) / 2
      'pengelola-tim-teknis': [6, 201.5, 1011, 3, 6],
      'kepala-bidang-persandian': [2, 12, 15, 1, 2],
    });
  });

  it('then C is overdue at step 2 since Monday 10:05 by 1795 working minutes, and D (due 10:05) is not', async () => {
    // Mon 10:05-12:00 = 115 + 180; Tue, Wed, Thu 450 each; Fri 07:30-10:00 = 150
    expect((await report()).overdue).toEqual([expect.objectContaining({ instance: ids.C, step: 'analisis-resiko', dueLocal: '2026-11-23 10:05 WITA', overdueMinutes: 1795 })]);
  });

  it('then the open instances by age: D today, C for 4 days (1860 working minutes)', async () => {
    const r = await report();
    expect(r.open.map((o) => [o.instance, o.ageDays, o.workingMinutes, o.current])).toEqual([
      [ids.C, 4, 1860, 'analisis-resiko'], // Mon 09:00-12:00 = 180 + 180; 450 x 3; Fri 150
      [ids.D, 0, 5, 'pengajuan-permohonan'],
    ]);
    expect(r.openByAge).toEqual([
      { label: '0-1 days', count: 1 },
      { label: '2-7 days', count: 1 },
      { label: '8-30 days', count: 0 },
      { label: '31-90 days', count: 0 },
      { label: 'over 90 days', count: 0 },
    ]);
  });
});

describe('Given the period Friday 20 to Tuesday 24 November (inclusive)', () => {
  it('then only the completions in it count: B steps 1-4 and C step 1, 4 of 5 on time (80%), "berjalan dengan baik"', async () => {
    const fromDate = new Date('2026-11-19T16:00:00Z'); // 20 Nov 00:00 WITA
    const toDate = new Date('2026-11-24T16:00:00Z'); // 25 Nov 00:00 WITA: the 24th is included
    const [smki] = (await report({ from: fromDate, to: toDate })).sops;
    expect(smki).toMatchObject({ count: 5, onTime: 4, measured: 5, verdict: 'berjalan dengan baik', instances: { started: 2, completed: 0, active: 1 } });
    expect(smki!.onTimeShare).toBe(0.8);
  });
});
