/**
 * Issue 11: "the event time come[s] from the process, so a
 * `NODE_OPTIONS=--require` preload recorded ... times going backwards."
 *
 * Through the built CLI, with the machine's own clock: a store whose last
 * entry is dated after it (written by a clock set ahead, as a preload could
 * fake one) refuses every write with `store.clock-behind` (exit 1, a hint
 * to set the clock right), at the time, and writes nothing; reading goes
 * on. (Every kind of change, and the same instant accepted, with the
 * engine's clock pinned: tests/trust/clock.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { sop, tempDir, SOPS } from '../../helpers/cli.js';
import { officeWith, openOffice } from '../../helpers/engine.js';
import { everything } from '../../trust/snapshot.js';

let dir: string;
let db: string;
let id: string;

beforeAll(async () => {
  dir = tempDir('sop-clock-');
  db = join(dir, 'sop.db');
  const office = await officeWith(db, { sari: [] });
  try {
    ({ id } = await office.as('sari').instances.start('pengecualian-smki'));
  } finally {
    await office.close();
  }
  // The last entry, written by a clock set ahead to 2099.
  const future = await openOffice(db, { create: false, clock: () => new Date('2099-01-01T00:00:00Z') });
  try {
    await future.as('admin').people.add('dari-masa-depan');
  } finally {
    await future.close();
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (login: string, args: string[]) => sop([...args, '--db', db, '--sops', SOPS], { cwd: dir, login });

describe('Given a store whose last entry is dated 2099-01-01, after the machine clock', () => {
  it('when people write (start, advance, user add, publish), then each is store.clock-behind (exit 1, with a hint) and nothing is written', () => {
    const before = everything(db);
    for (const [login, args] of [
      ['sari', ['start', 'pengecualian-smki']],
      ['sari', ['advance', id, '--step', 'pengajuan-permohonan', '--output', 'surat-permohonan=Surat']],
      ['admin', ['user', 'add', 'budi']],
      ['admin', ['publish', 'pengecualian-smki', '--effective', '2026-01-01']],
    ] as const) {
      const r = run(login, [...args]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr.split('\n')[0]).toMatch(/^sop: the clock says \d{4}-\d\d-\d\dT[\d:.]+Z, before the last entry of the log \(2099-01-01T00:00:00\.000Z\); nothing was written \[store\.clock-behind\]$/);
      expect(r.stderr).toContain("hint: the machine's clock is behind the record: set it right (NTP), then try again");
    }
    expect(everything(db)).toEqual(before);
  });

  it('then reading still answers', () => {
    const r = run('sari', ['status', id, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ id, version: 1 });
  });
});
