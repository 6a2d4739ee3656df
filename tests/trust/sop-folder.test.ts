/**
 * Issue 11: "One edited row of `source_cache` (no trigger, outside the
 * chain) made every later `sop start` from the official folder use such a
 * definition."
 *
 * The source cache is gone (migration 004 drops it): nothing that runs reads
 * the SOP folder. An instance starts from the publication in effect, and due
 * times count in the published calendar. So editing the folder, even the
 * file of a published SOP, or its calendar, or removing it all, changes
 * nothing about what starts and how it runs, until a maintainer publishes;
 * then new instances take the new revision and running ones keep theirs.
 *
 * Here through the engine, one engine per command as the CLI opens them;
 * through the built CLI: tests/e2e/trust/sop-folder.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Engine } from '../../engine/index.js';
import { tempDir, SOPS } from '../helpers/cli.js';
import { officeWith, openOffice } from '../helpers/engine.js';

let dir: string;
let sops: string;
let db: string;
let id: string;
let published: string;
let now = new Date('2026-11-23T01:00:00Z'); // Monday 09:00 WITA

/** Runs `fn` as `user` on an engine opened for it and closed after, as each CLI command does: nothing is remembered between two of them but the store. */
async function as<T>(user: string, fn: (e: Engine) => Promise<T>): Promise<T> {
  const office = await openOffice(db, { sops, clock: () => now, osUser: 'test', create: false });
  try {
    return await fn(office.as(user));
  } finally {
    await office.close();
  }
}

/** Every row of the store, to show that reading wrote nothing. */
const everything = () => {
  const d = new Database(db, { readonly: true });
  try {
    const tables = d.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all() as string[];
    return Object.fromEntries(tables.map((t) => [t, d.prepare(`SELECT * FROM "${t}"`).all()]));
  } finally {
    d.close();
  }
};

const smki = () => join(sops, 'pengecualian-smki.yaml');
const calendarFile = () => join(sops, 'calendar.yaml');
const original = readFileSync(join(SOPS, 'pengecualian-smki.yaml'), 'utf8');
/** Revision 2, in which the approver (Kepala Bidang Persandian) became a person of the case: whoever starts could approve. */
const forged = original.replace('revision: 1', 'revision: 2').replace('    name: Kepala Bidang Persandian\n', '    name: Kepala Bidang Persandian\n    kind: case\n');

beforeAll(async () => {
  expect(forged).toContain('revision: 2');
  expect(forged).not.toBe(original.replace('revision: 1', 'revision: 2'));
  dir = tempDir('sop-folder-');
  sops = join(dir, 'sops');
  db = join(dir, 'sop.db');
  mkdirSync(sops);
  for (const f of ['pengecualian-smki.yaml', 'calendar.yaml']) copyFileSync(join(SOPS, f), join(sops, f));
  const office = await officeWith(db, { sari: [], andi: ['pengelola-tim-teknis'] }, { sops, clock: () => now, osUser: 'test' });
  await office.close();
  published = await as('admin', async (e) => (await e.definitions.published('pengecualian-smki')).sops[0]!.hash);
  id = await as('sari', async (e) => (await e.instances.start('pengecualian-smki')).id);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Given an instance of a published SOP, and the SOP folder it was published from', () => {
  it('when status is asked twice, then the answer is the same, in the published calendar, and reading wrote nothing', async () => {
    const before = everything();
    const first = await as('sari', (e) => e.instances.status(id));
    const second = await as('sari', (e) => e.instances.status(id));
    expect(second).toEqual(first);
    expect(everything()).toEqual(before);
    expect(first).toMatchObject({ revision: 1, definitionHash: published, newerRevision: null });
    expect(first.current[0]!.dueLocal).toBe('2026-11-23 09:10 WITA');
  });

  it('when the SOP file is edited (revision 2, the approver made a person of the case), then nothing that runs sees it: status notes nothing, a new start is revision 1', async () => {
    writeFileSync(smki(), forged);
    expect((await as('sari', (e) => e.instances.status(id))).newerRevision).toBeNull();
    const other = await as('sari', async (e) => (await e.instances.start('pengecualian-smki')).id);
    const view = await as('sari', (e) => e.instances.status(other));
    expect(view).toMatchObject({ revision: 1, definitionHash: published, assignments: { pemohon: 'sari' } });
    expect(await as('sari', (e) => e.definitions.inEffect('pengecualian-smki'))).toMatchObject({ revision: 1 });
    // The maintainer's tools read the folder: that is where revision 2 is written and checked.
    expect(await as('sari', (e) => e.definitions.get('pengecualian-smki'))).toMatchObject({ revision: 2 });
  });

  it('when the calendar file is edited (the office starts at 10:00 on Mondays), then due times do not change', async () => {
    writeFileSync(calendarFile(), readFileSync(calendarFile(), 'utf8').replace('monday:    ["07:30-12:00", "13:00-16:00"]', 'monday:    ["10:00-12:00", "13:00-16:00"]'));
    expect((await as('sari', (e) => e.instances.status(id))).current[0]!.dueLocal).toBe('2026-11-23 09:10 WITA');
  });

  it('when the SOP folder is gone altogether, then the office still starts, shows, advances, lists and verifies', async () => {
    renameSync(sops, `${sops}.away`);
    try {
      expect(existsSync(sops)).toBe(false);
      const other = await as('sari', async (e) => (await e.instances.start('pengecualian-smki')).id);
      expect(await as('sari', (e) => e.instances.status(other))).toMatchObject({ revision: 1, definitionHash: published });
      now = new Date('2026-11-23T01:05:00Z');
      await as('sari', (e) => e.instances.advance(other, { step: 'pengajuan-permohonan', outputs: [{ id: 'surat-permohonan', value: 'Surat' }] }));
      expect((await as('andi', (e) => e.instances.tasks())).map((t) => t.instance)).toEqual([other]);
      expect((await as('sari', (e) => e.instances.history(other))).entries.map((h) => h.type)).toEqual(['started', 'completed']);
      const report = await as('sari', (e) => e.audit.verify());
      expect(report, JSON.stringify(report.breaks)).toMatchObject({ ok: true, breaks: [] });
    } finally {
      renameSync(`${sops}.away`, sops);
    }
  });

  it('when a maintainer publishes the edited SOP and calendar, then new instances take revision 2, the running one keeps revision 1, and due times count in the new calendar', async () => {
    now = new Date('2026-11-23T01:10:00Z');
    const p = await as('admin', (e) => e.definitions.publish('pengecualian-smki', { effectiveOn: '2026-11-23' }));
    expect(p).toMatchObject({ kind: 'sop', sop: 'pengecualian-smki', revision: 2, effectiveOn: '2026-11-23', by: 'admin' });
    await as('admin', (e) => e.definitions.publishCalendar());
    const running = await as('sari', (e) => e.instances.status(id));
    expect(running).toMatchObject({ revision: 1, definitionHash: published, newerRevision: { revision: 2 } });
    // Activated at 09:00, before work in the new calendar: the 10 minutes run from 10:00.
    expect(running.current[0]!.dueLocal).toBe('2026-11-23 10:10 WITA');
    const other = await as('sari', async (e) => (await e.instances.start('pengecualian-smki')).id);
    expect(await as('sari', (e) => e.instances.status(other))).toMatchObject({ revision: 2, definitionHash: p.hash, newerRevision: null, assignments: { pemohon: 'sari', 'kepala-bidang-persandian': 'sari' } });
  });

  it('then the instance still advances as revision 1 and everything verifies', async () => {
    await as('sari', (e) => e.instances.advance(id, { step: 'pengajuan-permohonan', outputs: [{ id: 'surat-permohonan', value: 'Surat' }] }));
    expect(await as('sari', (e) => e.instances.status(id))).toMatchObject({ revision: 1, current: [{ step: 'analisis-resiko' }] });
    const report = await as('sari', (e) => e.audit.verify());
    expect(report, JSON.stringify(report.breaks)).toMatchObject({ ok: true, breaks: [] });
  });
});
