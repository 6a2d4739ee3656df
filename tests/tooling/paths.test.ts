/**
 * `sopPaths` on the three seeds. Every expected path below is read off the
 * signed documents in ../shared/seeds by hand: the rows walked (No and
 * Waktu as printed), the end reached, and the total time standard added up
 * by hand, working days and minutes apart. Shortest and longest compare
 * with a working day of 450 minutes (the seed office's calendar: 07:30-16:00
 * with an hour's break, Friday 07:30-16:30 with a 90-minute break).
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CALENDAR } from '../../engine/calendar/calendar.js';
import { loadCalendar } from '../../engine/calendar/load-calendar.js';
import { checkSopSource, loadSop, SCHEMA_COMMENT } from '../../engine/definition/load.js';
import { sopPaths, workingDayMinutes, type SopPath } from '../../engine/tooling/paths.js';
import { fileURLToPath } from 'node:url';

const SOPS = fileURLToPath(new URL('../../sops/', import.meta.url));
const pathsOf = (id: string) => sopPaths(loadSop(SOPS, id), { minutesPerDay: 450 });

interface Expected {
  /** The rows walked: "No Waktu", as the document prints them. */
  rows: string[];
  /** The exit labels taken, in order. */
  choices: string[];
  end: string;
  days: number;
  minutes: number;
  text: string;
  loop: boolean;
  shortest?: boolean;
  longest?: boolean;
}

const walked = (p: SopPath) => p.steps.map((s) => `${s.number} ${s.timeText}`);
const chosen = (p: SopPath) => p.steps.flatMap((s) => (s.choice ? [s.choice.label] : []));

function expectPaths(id: string, expected: Expected[]): void {
  const result = pathsOf(id);
  expect(result.paths.map((p) => ({ rows: walked(p), end: p.end.id }))).toEqual(expected.map((e) => ({ rows: e.rows, end: e.end })));
  result.paths.forEach((p, i) => {
    const e = expected[i]!;
    expect(p.number).toBe(i + 1);
    expect(chosen(p)).toEqual(e.choices);
    expect({ days: p.total.days, minutes: p.total.minutes, text: p.total.text }).toEqual({ days: e.days, minutes: e.minutes, text: e.text });
    expect(p.workingMinutes).toBe(e.days * 450 + e.minutes);
    expect(p.loops.length > 0).toBe(e.loop);
    expect(p.shortest).toBe(e.shortest === true);
    expect(p.longest).toBe(e.longest === true);
  });
}

describe('Given SOP Pengecualian Penerapan SMKI (B-434)', () => {
  it('Then it has three paths: refused after step 3, approved without an anomaly, and approved with one anomaly (the 6 -> 5 loop once)', () => {
    expectPaths('pengecualian-smki', [
      // 10 + 60 + 10 Menit
      { rows: ['1 10 Menit', '2 60 Menit', '3 10 Menit'], choices: ['Tidak Setuju'], end: 'ditolak', days: 0, minutes: 80, text: '1 Jam 20 Menit', loop: false, shortest: true },
      // 10 + 60 + 10 + 5 Menit; 1 + 2 + 1 Hari
      {
        rows: ['1 10 Menit', '2 60 Menit', '3 10 Menit', '4 1 Hari', '5 2 Hari', '7 1 Hari', '8 5 Menit'],
        choices: ['Setuju', 'Tidak Terjadi'],
        end: 'selesai',
        days: 4,
        minutes: 85,
        text: '4 Hari + 1 Jam 25 Menit',
        loop: false,
      },
      // the same, with 6 (1 Hari) and 5 again (2 Hari): 7 Hari
      {
        rows: ['1 10 Menit', '2 60 Menit', '3 10 Menit', '4 1 Hari', '5 2 Hari', '6 1 Hari', '5 2 Hari', '7 1 Hari', '8 5 Menit'],
        choices: ['Setuju', 'Terjadi Anomali', 'Tidak Terjadi'],
        end: 'selesai',
        days: 7,
        minutes: 85,
        text: '7 Hari + 1 Jam 25 Menit',
        loop: true,
        longest: true,
      },
    ]);
  });

  it('Then the looping path names its loop and marks the step walked again', () => {
    const looping = pathsOf('pengecualian-smki').paths[2]!;
    expect(looping.loops).toEqual([{ from: 'identifikasi-anomali', to: 'implementasi-teknis', label: null }]);
    expect(looping.steps.filter((s) => s.again).map((s) => s.id)).toEqual(['implementasi-teknis']);
    expect(looping.actors.map((a) => a.name)).toEqual(['Pemohon', 'Pengelola/Tim Teknis', 'Kepala Bidang Persandian']);
  });
});

describe('Given SOP Implementasi Security Patch (B-435)', () => {
  it('Then it has four paths: no patch needed, before or after one anomaly (back to step 2), and patched, before or after one anomaly', () => {
    const head = ['1 10 Menit', '2 30 Menit', '3 60 Menit'];
    const approved = ['4 10 Menit', '5 10 Menit', '6 2 Hari'];
    expectPaths('implementasi-security-patch', [
      // 10 + 30 + 60 Menit
      { rows: head, choices: ['Tidak Perlu'], end: 'tidak-perlu', days: 0, minutes: 100, text: '1 Jam 40 Menit', loop: false, shortest: true },
      // 100 + 10 + 10 Menit + 2 Hari, then again 30 + 60 Menit
      {
        rows: [...head, ...approved, '2 30 Menit', '3 60 Menit'],
        choices: ['Perlu Implementasi', 'Terjadi Anomali', 'Tidak Perlu'],
        end: 'tidak-perlu',
        days: 2,
        minutes: 210,
        text: '2 Hari + 3 Jam 30 Menit',
        loop: true,
      },
      // 120 Menit; 2 + 1 Hari
      {
        rows: [...head, ...approved, '6 1 Hari'],
        choices: ['Perlu Implementasi', 'Tidak Terjadi'],
        end: 'selesai',
        days: 3,
        minutes: 120,
        text: '3 Hari + 2 Jam',
        loop: false,
      },
      // 120 + 30 + 60 + 10 + 10 Menit; 2 + 2 + 1 Hari
      {
        rows: [...head, ...approved, '2 30 Menit', '3 60 Menit', ...approved, '6 1 Hari'],
        choices: ['Perlu Implementasi', 'Terjadi Anomali', 'Perlu Implementasi', 'Tidak Terjadi'],
        end: 'selesai',
        days: 5,
        minutes: 230,
        text: '5 Hari + 3 Jam 50 Menit',
        loop: true,
        longest: true,
      },
    ]);
  });
});

describe('Given SOP Pengelolaan Akses Pengguna (B-015)', () => {
  it('Then it has two paths and no loop: not approved at step 3, or every row to the end', () => {
    expectPaths('pengelolaan-akses-pengguna', [
      // 10 + 10 + 5 Menit
      { rows: ['1 10 Menit', '2 10 Menit', '3 5 Menit'], choices: ['Tidak disetujui'], end: 'ditolak', days: 0, minutes: 25, text: '25 Menit', loop: false, shortest: true },
      // 10 + 10 + 5 + 5 + 30 + 5 + 5 + 10 + 5 + 10 Menit
      {
        rows: ['1 10 Menit', '2 10 Menit', '3 5 Menit', '4 5 Menit', '5 30 Menit', '6 5 Menit', '7 5 Menit', '8 10 Menit', '9 5 Menit', '10 10 Menit'],
        choices: ['Disetujui'],
        end: 'selesai',
        days: 0,
        minutes: 95,
        text: '1 Jam 35 Menit',
        loop: false,
        longest: true,
      },
    ]);
  });
});

describe('the order of shortest and longest', () => {
  it("Given the seed office's calendar, Then a working day is 450 working minutes; the default calendar's is 480", () => {
    expect(workingDayMinutes(loadCalendar(SOPS))).toBe(450);
    expect(workingDayMinutes(DEFAULT_CALENDAR)).toBe(480);
  });

  it('Given two paths of equal length, Then both are marked', () => {
    const text = `${SCHEMA_COMMENT}
id: sama
revision: 1
identity: { agency: A, unit: U, number: N, name: Sama Panjang, createdOn: 2025-01-01, effectiveOn: 2025-01-01 }
actors: [{ id: petugas, name: Petugas }]
steps:
  - { id: periksa, number: 1, activity: Periksa, actor: petugas, time: 10 Menit, exits: [{ label: Ya, to: ya }, { label: Tidak, to: tidak }] }
  - { id: ya, number: 2, activity: Proses Ya, actor: petugas, time: 1 Jam, outputs: [], next: selesai }
  - { id: tidak, number: 3, activity: Proses Tidak, actor: petugas, time: 60 Menit, outputs: [], next: selesai }
ends: [{ id: selesai, outcome: selesai }]
`;
    const def = checkSopSource('sama.yaml', text, () => false).definition!;
    const { paths } = sopPaths(def);
    expect(paths.map((p) => [p.workingMinutes, p.shortest, p.longest])).toEqual([
      [70, true, true],
      [70, true, true],
    ]);
  });
});

describe('a flow with too many paths', () => {
  it('Given 14 decisions in a row, each with two exits to the next step (16,384 paths), Then sopPaths refuses with paths.too-many', () => {
    const steps = Array.from({ length: 14 }, (_, i) => {
      const next = i === 13 ? 'selesai' : `k${i + 1}`;
      return `  - { id: k${i}, number: ${i + 1}, activity: Keputusan ${i + 1}, actor: petugas, time: 5 Menit, exits: [{ label: Ya, to: ${next} }, { label: Tidak, to: ${next} }] }`;
    });
    const text = `id: banyak\nrevision: 1\nidentity: { agency: A, unit: U, number: N, name: Banyak, createdOn: 2025-01-01, effectiveOn: 2025-01-01 }\nactors: [{ id: petugas, name: Petugas }]\nsteps:\n${steps.join('\n')}\nends: [{ id: selesai, outcome: selesai }]\n`;
    const def = checkSopSource('banyak.yaml', text, () => false).definition!;
    expect(() => sopPaths(def)).toThrow(expect.objectContaining({ code: 'paths.too-many' }));
    expect(sopPaths(def, { maxPaths: 20_000 }).paths).toHaveLength(16_384);
  });
});

describe('a tangled flow', () => {
  // How long the refusal takes is measured by the benchmark (npm run bench, 6c).
  it('Given 400 steps where every second one may send the procedure back to the start, Then sopPaths refuses on its bound on work instead of filling the memory', () => {
    const steps = Array.from({ length: 400 }, (_, i) => {
      const next = i === 399 ? 'selesai' : `s${i + 1}`;
      return i % 2 === 1
        ? `  - { id: s${i}, number: ${i + 1}, activity: Periksa, actor: petugas, time: 5 Menit, exits: [{ label: Maju, to: ${next} }, { label: Ulang, to: s0 }] }`
        : `  - { id: s${i}, number: ${i + 1}, activity: Kerjakan, actor: petugas, time: 5 Menit, outputs: [], next: ${next} }`;
    });
    const text = `id: kusut\nrevision: 1\nidentity: { agency: A, unit: U, number: N, name: Kusut, createdOn: 2025-01-01, effectiveOn: 2025-01-01 }\nactors: [{ id: petugas, name: Petugas }]\nsteps:\n${steps.join('\n')}\nends: [{ id: selesai, outcome: selesai }]\n`;
    const def = checkSopSource('kusut.yaml', text, () => false).definition!;
    // Not at the 5,000th path: the walk stops once it has done a million steps' worth of work.
    expect(() => sopPaths(def)).toThrow(expect.objectContaining({ code: 'paths.too-many', message: expect.stringMatching(/over a million/) }));
  });
});
