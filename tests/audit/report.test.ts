/**
 * "Report figures are checked against hand-computed ones on a fixture with
 * known times, working time included."
 *
 * Four instances of pengecualian-smki, written through the engine with its
 * clock pinned, on the office calendar of sops/calendar.yaml (WITA;
 * Mon-Thu 07:30-12:00 and 13:00-16:00, Fri 07:30-11:30 and 13:00-16:30).
 * Every figure below was worked out by hand from these times; the comments
 * show the arithmetic. Times are WITA (UTC+8).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { initDatabase, addUser, startInstance, advanceInstance, complianceReport } from '../../dist/engine/index.js';
import type { AdvanceOptions, ComplianceReport } from '../../dist/engine/index.js';
import { actingAs } from '../helpers/session.js';
import { sop, SOPS, tempDir } from '../helpers/cli.js';

const wita = (local: string) => new Date(`${local}:00+08:00`);
let db: string;
let now = wita('2026-11-16T07:00');
const ids: Record<'A' | 'B' | 'C' | 'D', string> = { A: '', B: '', C: '', D: '' };

const as = actingAs(() => db, { clock: () => now, osUser: 'test' });
const at = (local: string) => (now = wita(local));
const advance = (user: string, id: string, local: string, options: AdvanceOptions = {}) => {
  at(local);
  as(user, (s) => advanceInstance(s, id, options));
};
const start = (local: string) => {
  at(local);
  return as('sari', (s) => startInstance(s, 'pengecualian-smki').id);
};
const surat = { outputs: [{ id: 'surat-permohonan', value: 'Surat' }] };
const resiko = { outputs: [{ id: 'daftar-resiko', value: 'Daftar' }] };

beforeAll(() => {
  db = join(tempDir('sop-report-'), 'sop.db');
  as('admin', (s) => initDatabase(s, 'admin'), true);
  as('admin', (s) => {
    addUser(s, 'sari', [], false);
    addUser(s, 'andi', ['pengelola-tim-teknis'], false);
    addUser(s, 'rina', ['kepala-bidang-persandian'], false);
  });
  // A: Monday 16 November, refused at the decision.
  ids.A = start('2026-11-16T08:00');
  advance('sari', ids.A, '2026-11-16T08:07', surat); //  step 1:  08:00-08:07 = 7 min; due 08:10: on time
  advance('andi', ids.A, '2026-11-16T11:50', resiko); // step 2: 08:07-11:50 = 223 min; due 09:07: late
  advance('rina', ids.A, '2026-11-16T13:05', { choice: 'tidak-setuju' }); // step 3: 11:50-12:00 + 13:00-13:05 = 15 min; due 12:00: late
  // B: Friday 20 November to Thursday 26, to the end without an anomaly.
  ids.B = start('2026-11-20T15:00');
  advance('sari', ids.B, '2026-11-20T15:08', surat); // step 1: 8 min, on time
  advance('andi', ids.B, '2026-11-23T08:00', resiko); // step 2: Fri 15:08-16:30 = 82 + Mon 07:30-08:00 = 30 -> 112 min; due Fri 16:08: late
  at('2026-11-23T08:05');
  expect(() => as('sari', (s) => advanceInstance(s, ids.B, { choice: 'setuju' }))).toThrow(); // refused: moves nothing
  advance('rina', ids.B, '2026-11-23T08:09', { choice: 'setuju' }); // step 3: 08:00-08:09 = 9 min (the refusal did not restart it); on time
  advance('andi', ids.B, '2026-11-24T08:09', { outputs: [{ id: 'hasil-analisis-data-log', value: 'Hasil' }] }); // step 4, 1 Hari: due Tue 08:09, done then: on time;
  //   Mon 08:09-12:00 = 231 + 13:00-16:00 = 180 + Tue 07:30-08:09 = 39 -> 450 min
  advance('andi', ids.B, '2026-11-26T10:00', { choice: 'tidak-terjadi' }); // step 5, 2 Hari: due Thu 08:09: late;
  //   Tue 231 + 180, Wed 270 + 180, Thu 07:30-10:00 = 150 -> 1011 min
  advance('andi', ids.B, '2026-11-26T14:00', { outputs: [{ id: 'laporan-implementasi-pengecualian', value: 'Laporan' }] }); // step 7, 1 Hari: 10:00-12:00 + 13:00-14:00 = 180 min; on time
  advance('andi', ids.B, '2026-11-26T14:03'); // step 8, 5 Menit: 3 min; on time
  // C: Monday 23 November, stuck at step 2 (60 Menit, due Mon 10:05).
  ids.C = start('2026-11-23T09:00');
  advance('sari', ids.C, '2026-11-23T09:05', surat); // step 1: 5 min, on time
  // D: Friday 27 November 09:55, at step 1 (10 Menit, due 10:05).
  ids.D = start('2026-11-27T09:55');
  at('2026-11-27T10:00'); // now: Friday 27 November 10:00
});

const report = (options: Parameters<typeof complianceReport>[1] = {}): ComplianceReport => as('admin', (s) => complianceReport(s, options));

describe('Given the four instances, reported on Friday 27 November 2026 at 10:00 WITA over all time', () => {
  it('then the SOP had 11 step completions, 7 of 11 on time (64%): below the 80% target, so "tidak berjalan dengan baik"', () => {
    const [smki] = report().sops;
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

  it('then per step: count, median and worst working minutes, and the share on time', () => {
    const steps = Object.fromEntries(report().sops[0]!.steps.map((s) => [s.step, [s.count, s.medianMinutes, s.worstMinutes, s.onTime, s.measured]]));
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

  it('then per actor: the same figures over the steps each actor performs', () => {
    const actors = Object.fromEntries(report().actors.map((a) => [a.actor, [a.count, a.medianMinutes, a.worstMinutes, a.onTime, a.measured]]));
    expect(actors).toEqual({
      pemohon: [3, 7, 8, 3, 3],
      // 3 112 [180 223] 450 1011: median (180 + 223) / 2
      'pengelola-tim-teknis': [6, 201.5, 1011, 3, 6],
      'kepala-bidang-persandian': [2, 12, 15, 1, 2],
    });
  });

  it('then C is overdue at step 2 since Monday 10:05 by 1795 working minutes, and D (due 10:05) is not', () => {
    // Mon 10:05-12:00 = 115 + 180; Tue, Wed, Thu 450 each; Fri 07:30-10:00 = 150
    expect(report().overdue).toEqual([
      expect.objectContaining({ instance: ids.C, step: 'analisis-resiko', dueLocal: '2026-11-23 10:05 WITA', overdueMinutes: 1795 }),
    ]);
  });

  it('then the open instances by age: D today, C for 4 days (1860 working minutes)', () => {
    const r = report();
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
  it('then only the completions in it count: B steps 1-4 and C step 1, 4 of 5 on time (80%), "berjalan dengan baik"', () => {
    const fromDate = new Date('2026-11-19T16:00:00Z'); // 20 Nov 00:00 WITA
    const toDate = new Date('2026-11-24T16:00:00Z'); // 25 Nov 00:00 WITA: the 24th is included
    const [smki] = report({ from: fromDate, to: toDate }).sops;
    expect(smki).toMatchObject({ count: 5, onTime: 4, measured: 5, verdict: 'berjalan dengan baik', instances: { started: 2, completed: 0, active: 1 } });
    expect(smki!.onTimeShare).toBe(0.8);
  });
});

describe('sop report through the built CLI, with the system clock (faked by the engine clock only in-process)', () => {
  const run = (...args: string[]) => sop(['report', '--db', db, '--sops', SOPS, ...args]);

  it('--from and --to select the same period as local dates; --json prints the data', () => {
    const r = run('--from', '2026-11-20', '--to', '2026-11-24', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as ComplianceReport;
    expect(out).toMatchObject({ from: '2026-11-20', to: '2026-11-24', target: 0.8, timeZone: 'Asia/Makassar' });
    expect(out.sops[0]).toMatchObject({ count: 5, onTime: 4, verdict: 'berjalan dengan baik' });
  });

  it('the table shows the figures per step, the evaluation and the actors', () => {
    const r = run('--sop', 'pengecualian-smki');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('evaluation: tidak berjalan dengan baik; below target: 2 Menganalisis Resiko Pengecualian');
    expect(r.stdout).toMatch(/2 +Menganalisis Resiko Pengecu… +Pengelola\/Tim T… +60 Menit +2 +2 h 48 min +3 h 43 min +0\/2 0%/);
    expect(r.stdout).toContain('Per pelaksana (actor):');
  });

  it('--format csv gives one row per SOP, step, actor, overdue step and open instance', () => {
    const r = run('--format', 'csv', '--target', '60');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^level,sop,step,number,activity,actor,standard,count,measured,on_time,late,on_time_share,median_minutes,worst_minutes,verdict/);
    expect(lines.filter((l) => l.startsWith('sop,'))).toHaveLength(1);
    expect(lines.find((l) => l.startsWith('sop,'))).toContain(',11,11,7,4,0.636,15,1011,berjalan dengan baik');
    expect(lines.filter((l) => l.startsWith('step,'))).toHaveLength(8);
    expect(lines.filter((l) => l.startsWith('actor,'))).toHaveLength(3);
    expect(lines.filter((l) => l.startsWith('open,'))).toHaveLength(2);
  });

  it('--format md gives Markdown tables with the monitoring verdict', () => {
    const r = run('--format', 'md');
    expect(r.stdout).toContain('| pengecualian-smki | B-434/DISKOMINFO/000.6/08/2025 | Pengecualian Penerapan SMKI | 11 | 7/11 64% | tidak berjalan dengan baik |');
  });

  it('refuses a bad date, a bad format or a bad target as usage errors (exit 2), and an unknown SOP (exit 1)', () => {
    expect(run('--from', '2026-13-01').code).toBe(2);
    expect(run('--from', '2026-11-25', '--to', '2026-11-20').code).toBe(2);
    expect(run('--format', 'pdf').code).toBe(2);
    expect(run('--target', '120').code).toBe(2);
    const unknown = run('--sop', 'tidak-ada');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('[sop.not-found]');
  });
});
