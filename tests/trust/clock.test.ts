/**
 * Issue 11: "the event time come[s] from the process, so a
 * `NODE_OPTIONS=--require` preload recorded ... times going backwards."
 *
 * Time never goes back in the record: the log refuses an entry dated before
 * the last one (`store.clock-behind`), whichever change it is (a start, a
 * completion, a refusal's record, a user change, a publication), and
 * nothing is written; the same instant as the last entry is accepted, and
 * once the clock is right again the office goes on. Here with the engine's
 * clock set back (the clock a preload could fake); through the built CLI:
 * tests/e2e/trust/clock.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { SopError } from '../../engine/index.js';
import { Store } from '../../engine/store/index.js';
import { tempDir } from '../helpers/cli.js';
import { officeWith, type TestOffice } from '../helpers/engine.js';
import { entriesAfter, everything, headSeq } from './snapshot.js';
import { admin as storeAdmin } from '../store/helpers.js';

let dir: string;
let db: string;
let office: TestOffice;
let now = new Date('2026-11-23T01:00:00Z'); // Monday 09:00 WITA
let id: string;

async function refusal(p: Promise<unknown>): Promise<SopError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof SopError) return e;
    throw e;
  }
  throw new Error('expected a SopError');
}

beforeAll(async () => {
  dir = tempDir('sop-clock-');
  db = join(dir, 'sop.db');
  office = await officeWith(db, { sari: [], andi: ['pengelola-tim-teknis'] }, { clock: () => now });
  id = (await office.as('sari').instances.start('pengecualian-smki')).id;
  now = new Date('2026-11-23T01:05:00Z');
  await office.as('sari').instances.advance(id, { step: 'pengajuan-permohonan', outputs: [{ id: 'surat-permohonan', value: 'Surat' }] });
});
afterAll(async () => {
  await office.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Given a store whose last entry was written on Monday 2026-11-23 at 09:05 WITA', () => {
  it('when the clock says an hour earlier, then every kind of change is store.clock-behind and nothing is written', async () => {
    const last = entriesAfter(db, headSeq(db) - 1)[0]!.at;
    expect(last).toBe('2026-11-23T01:05:00.000Z');
    now = new Date('2026-11-23T00:05:00Z');
    const before = everything(db);
    const attempts: [string, () => Promise<unknown>][] = [
      ['start', () => office.as('sari').instances.start('pengecualian-smki')],
      ['advance', () => office.as('andi').instances.advance(id, { step: 'analisis-resiko', outputs: [{ id: 'daftar-resiko', value: 'Daftar' }] })],
      // A refusal is recorded in the history, at its time: that record cannot go back either.
      ['refused advance', () => office.as('sari').instances.advance(id, { step: 'analisis-resiko', outputs: [{ id: 'daftar-resiko', value: 'Daftar' }] })],
      ['cancel', () => office.as('sari').instances.cancel(id, { reason: 'Mundur waktu' })],
      ['user add', () => office.as('admin').people.add('budi')],
      ['grant', () => office.as('admin').people.grant('sari', ['kepala-bidang-persandian'])],
      ['publish', () => office.as('admin').definitions.publish('pengecualian-smki', { effectiveOn: '2026-11-01' })],
    ];
    for (const [what, attempt] of attempts) {
      const e = await refusal(attempt());
      expect(e.code, what).toBe('store.clock-behind');
      expect(e.message, what).toBe('the clock says 2026-11-23T00:05:00.000Z, before the last entry of the log (2026-11-23T01:05:00.000Z); nothing was written');
      expect(e.data, what).toEqual({ at: '2026-11-23T00:05:00.000Z', last: '2026-11-23T01:05:00.000Z' });
    }
    expect(everything(db)).toEqual(before);
  });

  it('when the clock says a millisecond before, it is refused too; the very same instant is accepted', async () => {
    now = new Date('2026-11-23T01:04:59.999Z');
    expect((await refusal(office.as('admin').people.add('budi'))).code).toBe('store.clock-behind');
    now = new Date('2026-11-23T01:05:00.000Z');
    await office.as('admin').people.add('budi');
    expect(entriesAfter(db, headSeq(db) - 1)[0]).toMatchObject({ kind: 'user', at: '2026-11-23T01:05:00.000Z' });
  });

  it('when the clock is right again, then the office goes on and everything verifies', async () => {
    now = new Date('2026-11-23T01:30:00Z');
    await office.as('andi').instances.advance(id, { step: 'analisis-resiko', outputs: [{ id: 'daftar-resiko', value: 'Daftar' }] });
    const report = await office.engine.audit.verify();
    expect(report, JSON.stringify(report.breaks)).toMatchObject({ ok: true, breaks: [] });
  });
});

describe('Given the store itself, written through with a clock that goes back', () => {
  it('when a write is dated before the head, then it is refused inside the transaction: nothing of that transaction is kept', () => {
    let at = new Date('2026-11-23T02:00:00Z');
    const file = join(dir, 'store.db');
    const store = Store.open(file, { clock: () => at });
    try {
      store.write((tx) => tx.initAdmin('ani', { login: 'ani' }, storeAdmin));
      at = new Date('2026-11-23T01:59:59Z');
      const before = store.logSince(0).length;
      expect(() => store.write((tx) => tx.putBlob('lampiran'))).not.toThrow();
      // A blob writes no entry; the user entry that would follow it in the same transaction is refused, and the blob goes with it.
      const blobs = () => (store.db.prepare('SELECT count(*) FROM blobs').pluck().get() as number) ?? 0;
      const blobsBefore = blobs();
      expect(() =>
        store.write((tx) => {
          tx.putBlob('lampiran lain');
          tx.addUser('budi', {}, storeAdmin);
        }),
      ).toThrow(expect.objectContaining({ code: 'store.clock-behind' }) as Error);
      expect(blobs()).toBe(blobsBefore);
      expect(store.getUser('budi')).toBeUndefined();
      expect(store.logSince(0)).toHaveLength(before);
    } finally {
      store.close();
    }
  });
});
