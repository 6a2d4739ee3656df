/**
 * Issue 11: "An instance starts only from a definition that a person
 * holding the maintainer right has published into the store (`sop
 * publish <file>`; the history records who published what, when, and the
 * tanggal efektif)."
 *
 * Through the engine with its clock pinned (Monday 2026-11-23, WITA), on a
 * copy of the seeds: who may publish (a maintainer, an administrator; anyone
 * else is refused, nothing written); what the log records; republishing the
 * same is no change; a future tanggal efektif is `sop.not-yet-effective`
 * until that day, then the new revision starts while running instances keep
 * theirs; `effectiveOn` overrides the file's date, and among equal dates the
 * latest published is in effect; due times count in the documented default
 * calendar until one is published, then in the published one. (Through the
 * built CLI: tests/e2e/trust/publish.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SopError, StatusView } from '../../engine/index.js';
import { tempDir, SOPS } from '../helpers/cli.js';
import { officeWith, type TestOffice } from '../helpers/engine.js';
import { entriesAfter, everything, headSeq } from './snapshot.js';

let dir: string;
let sops: string;
let db: string;
let office: TestOffice;
/** Monday 2026-11-23 07:40 WITA: before the seeds' calendar opens (07:30 + 10) and the default one (08:00). */
let now = new Date('2026-11-22T23:40:00Z');
/** An instance of pengecualian-smki started before any calendar was published. */
let early: string;
let revision1: string;

async function refused(p: Promise<unknown>): Promise<SopError> {
  try {
    await p;
  } catch (e) {
    return e as SopError;
  }
  throw new Error('expected a refusal');
}

const smkiFile = () => join(sops, 'pengecualian-smki.yaml');
const original = readFileSync(join(SOPS, 'pengecualian-smki.yaml'), 'utf8');
const status = (id: string): Promise<StatusView> => office.engine.instances.status(id);

beforeAll(async () => {
  dir = tempDir('sop-publish-');
  sops = join(dir, 'sops');
  db = join(dir, 'sop.db');
  cpSync(SOPS, sops, { recursive: true });
  office = await officeWith(db, { dian: [], sari: [] }, { sops, clock: () => now, publish: false });
  await office.as('admin').people.setRights('dian', { maintainer: true });
});
afterAll(async () => {
  await office.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Given an office with nothing published, its administrator, dian (a maintainer) and sari (no rights)', () => {
  it('when sari publishes, then it is auth.not-maintainer and nothing is written; nothing can start yet', async () => {
    const before = everything(db);
    expect(await refused(office.as('sari').definitions.publish('pengecualian-smki'))).toMatchObject({ code: 'auth.not-maintainer', data: { user: 'sari', action: 'publish SOPs' } });
    expect(await refused(office.as('sari').definitions.publishCalendar())).toMatchObject({ code: 'auth.not-maintainer', data: { user: 'sari', action: 'publish the office calendar' } });
    expect(everything(db)).toEqual(before);
    expect(await refused(office.as('sari').instances.start('pengecualian-smki'))).toMatchObject({ code: 'sop.not-published', data: { sop: 'pengecualian-smki', published: [] } });
    expect(everything(db)).toEqual(before);
  });

  it('when dian publishes an SOP, then the log records who, when, which SOP, its revision and hash, and the tanggal efektif of the file', async () => {
    const seq = headSeq(db);
    const p = await office.as('dian').definitions.publish('pengecualian-smki');
    revision1 = p.hash;
    expect(p).toEqual({ seq: seq + 2, kind: 'sop', sop: 'pengecualian-smki', hash: expect.stringMatching(/^[0-9a-f]{64}$/), revision: 1, effectiveOn: '2025-08-04', at: now.toISOString(), by: 'dian' });
    const [stored, publication] = entriesAfter(db, seq);
    expect(stored).toMatchObject({ kind: 'definition', payload: { hash: p.hash } });
    expect(publication).toMatchObject({ seq: p.seq, kind: 'definition', at: '2026-11-22T23:40:00.000Z' });
    expect(publication!.payload).toEqual({
      action: 'publish',
      kind: 'sop',
      sop: 'pengecualian-smki',
      hash: p.hash,
      revision: 1,
      effectiveOn: '2025-08-04',
      by: { user: 'dian', via: 'program', osUser: 'tester' },
      request: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    expect((await office.engine.definitions.published('pengecualian-smki')).sops).toEqual([
      { ...p, number: 'B-434/DISKOMINFO/000.6/08/2025', name: 'Pengecualian Penerapan SMKI', inEffect: true, state: 'in-effect' },
    ]);
  });

  it('when the administrator publishes another, then it is done too, recorded as theirs', async () => {
    expect(await office.as('admin').definitions.publish('implementasi-security-patch')).toMatchObject({ sop: 'implementasi-security-patch', revision: 1, by: 'admin' });
  });

  it('when the same definition is published again from the same date, then nothing changes: the same publication is the answer', async () => {
    const before = everything(db);
    const again = await office.as('dian').definitions.publish('pengecualian-smki');
    expect(again).toMatchObject({ hash: revision1, effectiveOn: '2025-08-04', by: 'dian' });
    expect(everything(db)).toEqual(before);
  });

  it('when a tanggal efektif is not a date, then it is publish.invalid-date and nothing is written', async () => {
    const before = everything(db);
    for (const date of ['2026-02-30', '1 Desember 2026', '2026-12-1', '']) {
      expect(await refused(office.as('dian').definitions.publish('pengecualian-smki', { effectiveOn: date })), date).toMatchObject({ code: 'publish.invalid-date' });
    }
    expect(everything(db)).toEqual(before);
  });

  it('when dian loses the maintainer right, then dian can no longer publish', async () => {
    await office.as('admin').people.setRights('dian', { maintainer: false });
    const before = everything(db);
    expect(await refused(office.as('dian').definitions.publish('pengelolaan-akses-pengguna'))).toMatchObject({ code: 'auth.not-maintainer', data: { user: 'dian' } });
    expect(everything(db)).toEqual(before);
    await office.as('admin').people.setRights('dian', { maintainer: true });
  });
});

describe('Given the office calendar, not published yet', () => {
  it('when an instance starts at 07:40 WITA on Monday, then its 10 Menit count in the documented default calendar (from 08:00): due 08:10', async () => {
    ({ id: early } = await office.as('sari').instances.start('pengecualian-smki'));
    expect((await status(early)).current[0]).toMatchObject({ dueLocal: '2026-11-23 08:10 WITA' });
  });

  it("when the seeds' calendar is published (work from 07:30), then the same step is due 07:50", async () => {
    const p = await office.as('dian').definitions.publishCalendar();
    expect(p).toMatchObject({ kind: 'calendar', sop: null, revision: null, effectiveOn: '2026-11-23', by: 'dian' });
    expect((await status(early)).current[0]).toMatchObject({ dueLocal: '2026-11-23 07:50 WITA' });
  });

  it('when the calendar file is edited (Mondays from 10:00), then nothing changes until it is published; then the step is due 10:10; the same again changes nothing', async () => {
    const file = join(sops, 'calendar.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('monday:    ["07:30-12:00", "13:00-16:00"]', 'monday:    ["10:00-12:00", "13:00-16:00"]'));
    expect((await status(early)).current[0]).toMatchObject({ dueLocal: '2026-11-23 07:50 WITA' });
    now = new Date('2026-11-22T23:41:00Z');
    await office.as('admin').definitions.publishCalendar();
    expect((await status(early)).current[0]).toMatchObject({ dueLocal: '2026-11-23 10:10 WITA' });
    const before = everything(db);
    await office.as('admin').definitions.publishCalendar();
    expect(everything(db)).toEqual(before);
  });
});

describe('Given revision 2 of pengecualian-smki, whose tanggal efektif is 2026-12-01, and pengelolaan-akses-pengguna published from that day too', () => {
  let revision2: string;

  beforeAll(async () => {
    writeFileSync(smkiFile(), original.replace('revision: 1', 'revision: 2').replace('  effectiveOn: 2025-08-04', '  effectiveOn: 2026-12-01').replace('    time: 60 Menit\n', '    time: 2 Jam\n'));
    now = new Date('2026-11-23T01:00:00Z');
    const p = await office.as('dian').definitions.publish('pengecualian-smki');
    expect(p).toMatchObject({ revision: 2, effectiveOn: '2026-12-01' });
    revision2 = p.hash;
    // effectiveOn overrides the file's date (2025-04-10).
    expect(await office.as('dian').definitions.publish('pengelolaan-akses-pengguna', { effectiveOn: '2026-12-01' })).toMatchObject({ revision: 1, effectiveOn: '2026-12-01' });
  });

  it('then before that day, pengelolaan-akses-pengguna is sop.not-yet-effective and nothing is written, and pengecualian-smki still starts at revision 1', async () => {
    const before = everything(db);
    const e = await refused(office.as('sari').instances.start('pengelolaan-akses-pengguna'));
    expect(e).toMatchObject({ code: 'sop.not-yet-effective', data: { sop: 'pengelolaan-akses-pengguna', effectiveOn: '2026-12-01', today: '2026-11-23' } });
    expect(e.message).toBe('SOP "pengelolaan-akses-pengguna" is published, but takes effect only on 2026-12-01');
    expect(everything(db)).toEqual(before);
    const { id } = await office.as('sari').instances.start('pengecualian-smki');
    expect(await status(id)).toMatchObject({ revision: 1, definitionHash: revision1, newerRevision: null });
    const listed = (await office.engine.definitions.published('pengecualian-smki')).sops;
    expect(listed.map((p) => [p.revision, p.effectiveOn, p.inEffect])).toEqual([
      [1, '2025-08-04', true],
      [2, '2026-12-01', false],
    ]);
  });

  it('then on the last minute before that day (23:59 WITA), still not', async () => {
    now = new Date('2026-11-30T15:59:00Z');
    expect(await refused(office.as('sari').instances.start('pengelolaan-akses-pengguna'))).toMatchObject({ code: 'sop.not-yet-effective' });
  });

  it('then from 00:00 WITA that day, both start, pengecualian-smki at revision 2; the instance started before keeps revision 1 and its waktu, and its status says revision 2 is in effect', async () => {
    now = new Date('2026-11-30T16:00:00Z');
    expect((await office.as('sari').instances.start('pengelolaan-akses-pengguna')).id).toMatch(/^20261130-/);
    const { id } = await office.as('sari').instances.start('pengecualian-smki');
    expect(await status(id)).toMatchObject({ revision: 2, definitionHash: revision2, newerRevision: null });
    const kept = await status(early);
    expect(kept).toMatchObject({ revision: 1, definitionHash: revision1, newerRevision: { revision: 2 } });
    expect(kept.newerRevision!.note).toBe('revision 2 is published, in effect from 2026-12-01 (this instance runs revision 1 as it started); new instances use the new one');
    expect((await office.engine.definitions.inEffect('pengecualian-smki')).revision).toBe(2);
  });

  it('when a maintainer publishes revision 1 again from the same day, then among equal dates the latest published is in effect: revision 1', async () => {
    writeFileSync(smkiFile(), original);
    now = new Date('2026-11-30T16:05:00Z');
    expect(await office.as('dian').definitions.publish('pengecualian-smki', { effectiveOn: '2026-12-01' })).toMatchObject({ revision: 1, hash: revision1, effectiveOn: '2026-12-01' });
    const { id } = await office.as('sari').instances.start('pengecualian-smki');
    expect(await status(id)).toMatchObject({ revision: 1, definitionHash: revision1 });
    const report = await office.engine.audit.verify();
    expect(report, JSON.stringify(report.breaks)).toMatchObject({ ok: true, breaks: [] });
  });
});

describe('Given calendars published across time zones', () => {
  it('when the next calendar is in a zone whose today is a day earlier, then it is still the one in force: the latest published, not the latest date', async () => {
    const file = join(sops, 'calendar.yaml');
    const week = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'].map((d) => `  ${d}: ["00:00-24:00"]`).join('\n');
    // Tuesday 2026-12-01 00:06 in WITA, still Monday 2026-11-30 16:06 in UTC.
    now = new Date('2026-11-30T16:06:00Z');
    writeFileSync(file, `timeZone: UTC\nworkingHours:\n${week}\n`);
    expect(await office.as('dian').definitions.publishCalendar()).toMatchObject({ effectiveOn: '2026-12-01' });
    writeFileSync(file, `timeZone: UTC\nworkingHours:\n${week}\nholidays:\n  - { date: 2026-12-25, name: Natal }\n`);
    const latest = await office.as('dian').definitions.publishCalendar();
    expect(latest).toMatchObject({ effectiveOn: '2026-11-30' });
    expect((await office.engine.definitions.published()).calendar).toMatchObject({ seq: latest.seq, hash: latest.hash });
    expect([...(await office.engine.definitions.calendar()).holidays]).toEqual([['2026-12-25', 'Natal']]);
  });
});
