/**
 * `sop report` through the built CLI, on the store of the in-process report
 * tests (tests/audit/report-fixture.ts; the figures are worked out by hand
 * in tests/audit/report.test.ts). The CLI runs with the system clock: the
 * engine's clock is faked only in-process, to write the store.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { ComplianceReport } from '../../../engine/index.js';
import { sop, SOPS } from '../../helpers/cli.js';
import { buildReportFixture } from '../../audit/report-fixture.js';

let db: string;

beforeAll(async () => {
  const fx = await buildReportFixture();
  await fx.office.close();
  db = fx.db;
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
