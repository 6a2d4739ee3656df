/**
 * "Each active step gets a due time: its activation plus its waktu, in
 * working time of the office calendar." "A '1 Hari' step activated on a Friday
 * at 15:00 WITA falls due on Monday within working hours." "Overdue steps are
 * flagged wherever steps are shown."
 *
 * In-process, with the engine's clock pinned: the office calendar is
 * sops/calendar.yaml (Asia/Makassar, WITA = UTC+8; Mon-Thu 07:30-12:00,
 * 13:00-16:00; Fri 07:30-11:30, 13:00-16:30; 2026 holidays). The flags
 * through the built CLI, with the system clock: tests/e2e/runtime/deadlines.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { AdvanceRequest, CurrentStepView, Engine } from '../../engine/index.js';
import { loadCalendar } from '../../engine/calendar/load-calendar.js';
import { workingMinutesBetween } from '../../engine/calendar/working-time.js';
import { officeWith, type TestOffice } from '../helpers/engine.js';
import { tempDir, SOPS } from '../helpers/cli.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const calendar = loadCalendar(SOPS);

/** A WITA wall-clock time as an instant: wita('2026-11-20 15:00') is 07:00Z. */
const wita = (local: string) => new Date(`${local.replace(' ', 'T')}:00+08:00`);

/**
 * A database with the people of pengecualian-smki, and a way to act as any
 * of them at any time: the engine's clock is set to `when` for each act. It
 * is created before the suite's tests (and its own beforeAll), closed after.
 */
function office() {
  const dir = tempDir('sop-deadlines-');
  dirs.push(dir);
  const db = join(dir, 'sop.db');
  let now = wita('2026-11-02 08:00');
  let opened: TestOffice | undefined;
  beforeAll(async () => {
    opened = await officeWith(db, { budi: [], tekno: ['pengelola-tim-teknis'], kabid: ['kepala-bidang-persandian'] }, { clock: () => now });
  });
  afterAll(() => opened?.close());
  /** `fn` acting as `user` with the clock at `when` (one act at a time: the clock is shared). */
  const at = <T>(user: string, when: Date, fn: (e: Engine) => Promise<T>): Promise<T> => {
    now = when;
    return fn(opened!.as(user));
  };
  /** The one step an instance waits on, seen at `when`. */
  const current = async (id: string, when: Date): Promise<CurrentStepView> => {
    const st = await at('admin', when, (e) => e.instances.status(id));
    expect(st.current).toHaveLength(1);
    return st.current[0]!;
  };
  const advance = (user: string, when: Date, id: string, options: AdvanceRequest) => at(user, when, (e) => e.instances.advance(id, options));
  /** pengecualian-smki started by budi at `when`: waiting at step 1. */
  const start = async (when: Date) => (await at('budi', when, (e) => e.instances.start('pengecualian-smki'))).id;
  return { dir, db, at, current, advance, start };
}

const step1 = { step: 'pengajuan-permohonan', outputs: [{ id: 'surat-permohonan', value: 'Surat Permohonan' }] };
const step2 = { step: 'analisis-resiko', outputs: [{ id: 'daftar-resiko', value: 'Daftar Resiko' }] };
const approve = { step: 'persetujuan-permohonan', choice: 'setuju' };

describe('Given the decision of pengecualian-smki taken on Friday 2026-11-20 at 15:00 WITA, activating "Perencanaan Implementasi" (1 Hari)', () => {
  const o = office();
  let id: string;
  const friday1500 = wita('2026-11-20 15:00');

  beforeAll(async () => {
    id = await o.start(wita('2026-11-20 09:00'));
    await o.advance('budi', wita('2026-11-20 09:05'), id, step1);
    await o.advance('tekno', wita('2026-11-20 10:00'), id, step2);
    await o.advance('kabid', friday1500, id, approve);
  });

  it('then the step was activated at that instant', async () => {
    expect(friday1500.toISOString()).toBe('2026-11-20T07:00:00.000Z');
    expect(await o.current(id, friday1500)).toMatchObject({ step: 'perencanaan-implementasi', timeStandard: '1 Hari', activatedAt: '2026-11-20T07:00:00.000Z' });
  });

  it('then it falls due on Monday 2026-11-23 at 15:00 WITA, within working hours', async () => {
    const c = await o.current(id, friday1500);
    expect(c.dueAt).toBe('2026-11-23T07:00:00.000Z');
    expect(c.dueLocal).toBe('2026-11-23 15:00 WITA');
    const due = new Date(c.dueAt!);
    expect(due.getUTCDay()).toBe(1); // Monday (WITA and UTC share the date at 07:00Z)
    // Within working hours: the minute before the due time is working time (Monday 13:00-16:00).
    expect(workingMinutesBetween(new Date(due.getTime() - 60_000), due, calendar)).toBe(1);
    // And exactly one working day after its activation: Friday 15:00-16:30 (90) + Monday 07:30-12:00 (270) + 13:00-15:00 (120).
    expect(workingMinutesBetween(friday1500, due, calendar)).toBe(480);
  });

  it('then it is not overdue over the weekend, nor on Monday at 14:00 or at 15:00 itself', async () => {
    for (const t of ['2026-11-20 16:30', '2026-11-21 12:00', '2026-11-22 23:59', '2026-11-23 07:30', '2026-11-23 14:00', '2026-11-23 15:00']) {
      expect((await o.current(id, wita(t))).overdue, t).toBe(false);
    }
  });

  it('then it is overdue from Monday 15:01, at 16:00 and after', async () => {
    for (const t of ['2026-11-23 15:01', '2026-11-23 16:00', '2026-11-24 08:00']) {
      expect((await o.current(id, wita(t))).overdue, t).toBe(true);
    }
  });

  it('when a refused attempt happens later, then the activation and the due time do not move', async () => {
    await expect(o.advance('budi', wita('2026-11-23 10:00'), id, { outputs: [{ id: 'hasil-analisis-data-log', value: 'x' }] })).rejects.toThrow(/auth\.not-actor|does not hold/);
    const c = await o.current(id, wita('2026-11-23 10:00'));
    expect(c).toMatchObject({ activatedAt: '2026-11-20T07:00:00.000Z', dueAt: '2026-11-23T07:00:00.000Z', overdue: false });
  });

  it('when it is completed late, on Monday at 15:30, then the next step is due from that moment (2 Hari: Wednesday 15:30) and the history says the completion was late', async () => {
    await o.advance('tekno', wita('2026-11-23 15:30'), id, { step: 'perencanaan-implementasi', outputs: [{ id: 'hasil-analisis-data-log', value: 'Hasil analisis' }] });
    const c = await o.current(id, wita('2026-11-23 15:30'));
    expect(c).toMatchObject({ step: 'implementasi-teknis', timeStandard: '2 Hari', activatedAt: wita('2026-11-23 15:30').toISOString() });
    expect(c.dueAt).toBe(wita('2026-11-25 15:30').toISOString());
    const h = await o.at('admin', wita('2026-11-23 15:30'), (e) => e.instances.history(id));
    const late = h.entries.find((e) => e.type === 'completed' && e.step === 'perencanaan-implementasi')!;
    expect(late.timing).toMatchObject({ standard: '1 Hari', dueAt: '2026-11-23T07:00:00.000Z', onTime: false, workingMinutes: 510 });
    // Step 2 took 09:05-10:00 against 60 Menit; the decision waited 10:00-15:00 (less the lunch break) against 10 Menit.
    const onTime = h.entries.find((e) => e.type === 'completed' && e.step === 'analisis-resiko')!;
    expect(onTime.timing).toMatchObject({ standard: '60 Menit', workingMinutes: 55, onTime: true });
    const lateDecision = h.entries.find((e) => e.type === 'completed' && e.step === 'persetujuan-permohonan')!;
    expect(lateDecision.timing).toMatchObject({ standard: '10 Menit', workingMinutes: 210, onTime: false });
  });
});

describe('Given steps activated just before a weekend and holidays of sops/calendar.yaml', () => {
  const o = office();
  // In the order of time: the log refuses an entry dated before the last one (store.clock-behind).
  it('a "1 Hari" step activated on Friday at 16:20 WITA is due Monday at 16:00, the end of that working day, not 16:20', async () => {
    const id = await o.start(wita('2026-11-27 08:00'));
    await o.advance('budi', wita('2026-11-27 08:05'), id, step1);
    await o.advance('tekno', wita('2026-11-27 09:00'), id, step2);
    await o.advance('kabid', wita('2026-11-27 16:20'), id, approve);
    const c = await o.current(id, wita('2026-11-27 16:20'));
    expect(c.dueAt).toBe(wita('2026-11-30 16:00').toISOString());
    expect(c.dueLocal).toBe('2026-11-30 16:00 WITA');
  });

  it('a step activated on a Saturday starts counting on Monday at 07:30: "10 Menit" is due Monday 07:40', async () => {
    const id = await o.start(wita('2026-11-28 09:00'));
    expect((await o.current(id, wita('2026-11-28 09:00'))).dueLocal).toBe('2026-11-30 07:40 WITA');
  });

  it('"10 Menit" activated on Monday at 11:55 WITA runs over the lunch break: due 13:05', async () => {
    const id = await o.start(wita('2026-11-30 08:00'));
    await o.advance('budi', wita('2026-11-30 08:05'), id, step1);
    await o.advance('tekno', wita('2026-11-30 11:55'), id, step2);
    const c = await o.current(id, wita('2026-11-30 11:55'));
    expect(c).toMatchObject({ step: 'persetujuan-permohonan', timeStandard: '10 Menit' });
    expect(c.dueLocal).toBe('2026-11-30 13:05 WITA');
    expect((await o.current(id, wita('2026-11-30 12:59'))).overdue).toBe(false);
    expect((await o.current(id, wita('2026-11-30 13:06'))).overdue).toBe(true);
  });

  it('"1 Hari" activated on Wednesday 2026-12-23 at 10:00 WITA is due on the next working day, Monday 28 at 10:00', async () => {
    const id = await o.start(wita('2026-12-23 08:00'));
    await o.advance('budi', wita('2026-12-23 08:05'), id, step1);
    await o.advance('tekno', wita('2026-12-23 09:00'), id, step2);
    await o.advance('kabid', wita('2026-12-23 10:00'), id, approve);
    expect((await o.current(id, wita('2026-12-23 10:00'))).dueAt).toBe(wita('2026-12-28 10:00').toISOString());
  });

  it('"60 Menit" activated on Wednesday 2026-12-23 at 15:30 WITA: 30 minutes that day, then Thursday 24 (cuti bersama), Friday 25 (Natal) and the weekend are skipped: due Monday 28 at 08:00', async () => {
    const id = await o.start(wita('2026-12-23 15:00'));
    await o.advance('budi', wita('2026-12-23 15:30'), id, step1);
    const c = await o.current(id, wita('2026-12-23 15:30'));
    expect(c).toMatchObject({ step: 'analisis-resiko', timeStandard: '60 Menit', activatedAt: '2026-12-23T07:30:00.000Z' });
    expect(c.dueAt).toBe('2026-12-28T00:00:00.000Z');
    expect(c.dueLocal).toBe('2026-12-28 08:00 WITA');
    for (const t of ['2026-12-23 16:30', '2026-12-24 10:00', '2026-12-25 10:00', '2026-12-27 10:00', '2026-12-28 08:00']) {
      expect((await o.current(id, wita(t))).overdue, t).toBe(false);
    }
    expect((await o.current(id, wita('2026-12-28 08:01'))).overdue).toBe(true);
  });
});

describe('Given three instances, one overdue for the Pemohon, one overdue for Pengelola/Tim Teknis, one not yet due, seen on Monday 2026-12-07 at 10:00 WITA', () => {
  const o = office();
  const now = wita('2026-12-07 10:00');
  let overduePemohon: string;
  let overdueTeknis: string;
  let notDue: string;

  beforeAll(async () => {
    // Step 1, 10 Menit from Friday 2026-12-04 09:00: due 09:10, long past.
    overduePemohon = await o.start(wita('2026-12-04 09:00'));
    // Step 2, 60 Menit from Monday 08:00: due 09:00, past by an hour.
    overdueTeknis = await o.start(wita('2026-12-07 07:50'));
    await o.advance('budi', wita('2026-12-07 08:00'), overdueTeknis, step1);
    // Step 1, 10 Menit from 09:55: due 10:05, not yet.
    notDue = await o.start(wita('2026-12-07 09:55'));
  });

  it('then tasks --all lists all three, most urgent first, each flagged overdue or not', async () => {
    const list = await o.at('admin', now, (e) => e.instances.tasks({ all: true }));
    expect(list.map((t) => [t.instance, t.step, t.overdue])).toEqual([
      [overduePemohon, 'pengajuan-permohonan', true],
      [overdueTeknis, 'analisis-resiko', true],
      [notDue, 'pengajuan-permohonan', false],
    ]);
  });

  it('then tasks --overdue --all lists only the two overdue steps', async () => {
    const list = await o.at('admin', now, (e) => e.instances.tasks({ overdue: true, all: true }));
    expect(list.map((t) => t.instance)).toEqual([overduePemohon, overdueTeknis]);
    expect(list.every((t) => t.overdue)).toBe(true);
  });

  it("then each person's tasks --overdue lists only their own overdue steps", async () => {
    expect((await o.at('tekno', now, (e) => e.instances.tasks({ overdue: true }))).map((t) => t.instance)).toEqual([overdueTeknis]);
    expect((await o.at('budi', now, (e) => e.instances.tasks({ overdue: true }))).map((t) => t.instance)).toEqual([overduePemohon]);
    expect((await o.at('budi', now, (e) => e.instances.tasks({}))).map((t) => t.instance)).toEqual([overduePemohon, notDue]);
    expect(await o.at('kabid', now, (e) => e.instances.tasks({ overdue: true }))).toEqual([]);
  });

  it('then status flags the same steps overdue, with the same due time as tasks', async () => {
    const list = await o.at('admin', now, (e) => e.instances.tasks({ all: true }));
    for (const id of [overduePemohon, overdueTeknis, notDue]) {
      const c = await o.current(id, now);
      const t = list.find((x) => x.instance === id)!;
      expect(c.overdue).toBe(id !== notDue);
      expect(t).toMatchObject({ dueAt: c.dueAt, overdue: c.overdue, activatedAt: c.activatedAt });
    }
  });

  it('then earlier that morning, at 08:30, only the step due last Friday was overdue', async () => {
    expect((await o.at('admin', wita('2026-12-07 08:30'), (e) => e.instances.tasks({ overdue: true, all: true }))).map((t) => t.instance)).toEqual([overduePemohon]);
  });
});
