/**
 * Issue 11: "An administrator's emergency action on someone's behalf is
 * possible, recorded, and shown as such in `history`."
 *
 * The administrator completes a step for the person who may (the Pemohon
 * bound to the instance) with a reason: the event records both (by the
 * administrator, `onBehalfOf` the person and the reason), and the history
 * shows it. Refused at the time, nothing written: without a reason, by
 * someone who is not an administrator (whatever they try to record so, a
 * step, a user change or a publication), for someone who is not registered.
 * For someone who may not do the step, it is refused like their own attempt
 * and recorded as the administrator's on their behalf. (CLI:
 * tests/e2e/trust/emergency.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Engine } from '../../engine/index.js';
import { tempDir } from '../helpers/cli.js';
import { officeWith, type TestOffice } from '../helpers/engine.js';
import { entriesAfter, everything, headSeq } from './snapshot.js';

let dir: string;
let db: string;
let office: TestOffice;
let id: string;

const REASON = 'Budi dirawat di rumah sakit; surat permohonan sudah diterima bagian umum pada 2026-11-23';

/** The engine acting for `user` on behalf of `subject`, with `reason`. */
const onBehalf = (user: string, subject: string, reason: string): Engine => office.engine.as({ user, via: 'program', osUser: 'tester', onBehalfOf: { user: subject, reason } });

async function refused(p: Promise<unknown>): Promise<{ code: string; data: Record<string, unknown> }> {
  try {
    await p;
  } catch (e) {
    return e as { code: string; data: Record<string, unknown> };
  }
  throw new Error('expected a refusal');
}

beforeAll(async () => {
  dir = tempDir('sop-emergency-');
  db = join(dir, 'sop.db');
  office = await officeWith(db, { budi: [], andi: ['pengelola-tim-teknis'], dian: [] });
  await office.as('admin').people.setRights('dian', { maintainer: true });
  ({ id } = await office.as('budi').instances.start('pengecualian-smki', { title: 'Pengecualian server arsip' }));
});
afterAll(async () => {
  await office.close();
  rmSync(dir, { recursive: true, force: true });
});

const step1 = { step: 'pengajuan-permohonan', outputs: [{ id: 'surat-permohonan', value: 'Surat permohonan' }] };

describe("Given budi's instance at step 1, which only budi (its Pemohon) may complete", () => {
  it('when the administrator completes it without a reason (empty, or only spaces), then it is auth.no-reason and nothing is written', async () => {
    const before = everything(db);
    for (const reason of ['', '   ', '\n']) {
      expect(await refused(onBehalf('admin', 'budi', reason).instances.advance(id, step1))).toMatchObject({ code: 'auth.no-reason', data: { user: 'admin' } });
    }
    expect(everything(db)).toEqual(before);
  });

  it("when someone who is not an administrator acts on budi's behalf, with a reason, then it is auth.not-admin and nothing is written", async () => {
    const before = everything(db);
    for (const user of ['andi', 'dian']) {
      expect(await refused(onBehalf(user, 'budi', REASON).instances.advance(id, step1))).toMatchObject({ code: 'auth.not-admin', data: { user, action: 'act on behalf' } });
    }
    expect(everything(db)).toEqual(before);
  });

  it('when the reason is given on behalf of someone not registered, then it is auth.unknown-user and nothing is written', async () => {
    const before = everything(db);
    expect(await refused(onBehalf('admin', 'hantu', REASON).instances.advance(id, step1))).toMatchObject({ code: 'auth.unknown-user', data: { user: 'hantu' } });
    expect(everything(db)).toEqual(before);
  });

  it("when the administrator acts on behalf of andi, who may not do this step, then it is refused as andi would be, and recorded as the administrator's attempt on his behalf", async () => {
    const seq = headSeq(db);
    expect(await refused(onBehalf('admin', 'andi', REASON).instances.advance(id, step1))).toMatchObject({ code: 'auth.not-actor', data: { user: 'andi', actor: 'pemohon', bound: 'budi' } });
    const added = entriesAfter(db, seq);
    expect(added).toHaveLength(1);
    expect(added[0]!.payload).toMatchObject({ type: 'refused', by: { user: 'admin', onBehalfOf: { user: 'andi', reason: REASON } } });
  });

  it("when the administrator completes it on budi's behalf with a reason, then it is done, and the event and the history say by whom, for whom and why", async () => {
    const seq = headSeq(db);
    const done = await onBehalf('admin', 'budi', REASON).instances.advance(id, step1);
    expect(done).toMatchObject({ completed: 'pengajuan-permohonan', status: { current: [{ step: 'analisis-resiko' }] } });
    expect(entriesAfter(db, seq).map((e) => e.payload.by)).toEqual([{ user: 'admin', role: 'pemohon', via: 'program', osUser: 'tester', onBehalfOf: { user: 'budi', reason: REASON } }]);
    const entry = (await office.engine.instances.history(id)).entries.at(-1)!;
    expect(entry).toMatchObject({ type: 'completed', step: 'pengajuan-permohonan', user: 'admin', role: 'pemohon', onBehalfOf: { user: 'budi', reason: REASON } });
    // Everyone else's entries say no one's behalf.
    expect((await office.engine.instances.history(id)).entries[0]).toMatchObject({ type: 'started', user: 'budi', onBehalfOf: null });
    const report = await office.engine.audit.verify();
    expect(report, JSON.stringify(report.breaks)).toMatchObject({ ok: true });
  });
});

describe("Given changes other than steps, recorded as done on someone's behalf", () => {
  it('when someone who is not an administrator records a change so (their own profile, a publication), then it is auth.not-admin and nothing is written', async () => {
    const before = everything(db);
    expect(await refused(onBehalf('andi', 'budi', REASON).people.setProfile('andi', { jabatan: 'Pranata Komputer' }))).toMatchObject({ code: 'auth.not-admin' });
    expect(await refused(onBehalf('dian', 'budi', REASON).definitions.publish('pengecualian-smki', { effectiveOn: '2026-01-01' }))).toMatchObject({ code: 'auth.not-admin' });
    expect(everything(db)).toEqual(before);
  });

  it("when the administrator changes roles on someone's behalf without a reason, then it is auth.no-reason; with one, it is done and recorded so", async () => {
    const before = everything(db);
    expect(await refused(onBehalf('admin', 'andi', ' ').people.grant('dian', ['pengelola-tim-teknis']))).toMatchObject({ code: 'auth.no-reason' });
    expect(everything(db)).toEqual(before);
    const seq = headSeq(db);
    await onBehalf('admin', 'andi', 'Andi menyerahkan tugas tim teknis kepada Dian selama cuti').people.grant('dian', ['pengelola-tim-teknis']);
    expect(entriesAfter(db, seq)[0]!.payload).toMatchObject({ action: 'add-roles', user: 'dian', by: { user: 'admin', onBehalfOf: { user: 'andi' } } });
  });
});
