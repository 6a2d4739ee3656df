/**
 * Issue 11: "An instance starts only from a definition that a person
 * holding the maintainer right has published into the store (`sop publish
 * <file>`; the history records who published what, when, and the tanggal
 * efektif)."
 *
 * Through the built CLI, each person as their own OS login, on a copy of
 * the seeds: a maintainer publishes, an administrator publishes, anyone
 * else is refused with nothing written; the log records who published which
 * revision, when, and from when; a tanggal efektif in the future is
 * `sop.not-yet-effective`; republishing the same changes nothing; and
 * publishing the office calendar moves the due times of what runs. (The
 * day a future publication takes effect, with the clock pinned:
 * tests/trust/publish.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SOPS, tempDir } from '../../helpers/cli.js';
import { cliOffice, expectRefused, type CliOffice } from './office.js';

let office: CliOffice;
let sops: string;
/** The tanggal efektif the administrator published implementasi-security-patch revision 2 from. */
let effectiveDay: string;

interface Published {
  seq: number;
  kind: 'sop' | 'calendar';
  sop: string | null;
  hash: string;
  revision: number | null;
  effectiveOn: string;
  at: string;
  by: string;
}

/** The office's date today (the seeds' calendar is WITA). */
const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Makassar' }).format(new Date());

beforeAll(() => {
  sops = join(tempDir('sop-publish-folder-'), 'sops');
  cpSync(SOPS, sops, { recursive: true });
  office = cliOffice({ dian: [], sari: [] }, { sops, prefix: 'sop-publish-' });
  expect(office.run('admin', ['user', 'rights', 'dian', '--maintainer']).stdout).toBe('dian: maintainer\n');
});
afterAll(() => rmSync(office.dir, { recursive: true, force: true }));

describe('Given an office with the seeds published, dian (a maintainer) and sari (no rights)', () => {
  it('when sari publishes, an SOP or the calendar, then it is auth.not-maintainer (exit 1, with a hint) and nothing is written', () => {
    const before = office.everything();
    for (const args of [
      ['publish', 'pengecualian-smki'],
      ['publish', '--all'],
      ['publish', '--calendar'],
      ['publish', join(sops, 'pengecualian-smki.yaml'), '--effective', '2020-01-01'],
    ]) {
      const r = office.run('sari', args);
      expectRefused(r, 'auth.not-maintainer', /only a maintainer or an administrator may publish (SOPs|the office calendar); "sari" is neither/);
      expect(r.stderr).toContain('hint: an administrator gives the right: sop user rights sari --maintainer');
    }
    expect(office.everything()).toEqual(before);
  });

  it('when dian publishes revision 2 of a file, then the log records who, when, the revision, its hash and the tanggal efektif; new instances take it', () => {
    const file = join(sops, 'pengecualian-smki.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('revision: 1', 'revision: 2').replace('    time: 60 Menit\n', '    time: 2 Jam\n'));
    const head = office.head();
    const day = today();
    const [p] = office.json<Published[]>('dian', ['publish', file, '--effective', day]);
    expect(p).toEqual({ seq: head + 2, kind: 'sop', sop: 'pengecualian-smki', hash: expect.stringMatching(/^[0-9a-f]{64}$/), revision: 2, effectiveOn: day, at: expect.any(String), by: 'dian' });
    const entry = office.entriesAfter(head).at(-1)!;
    expect(entry.at).toBe(p!.at);
    expect(entry.payload).toMatchObject({ action: 'publish', kind: 'sop', sop: 'pengecualian-smki', hash: p!.hash, revision: 2, effectiveOn: day, by: { user: 'dian', via: 'os-login', osUser: 'dian' } });
    const { id } = office.json<{ id: string }>('sari', ['start', 'pengecualian-smki']);
    expect(office.json('sari', ['status', id])).toMatchObject({ revision: 2, definitionHash: p!.hash });
  });

  it('when the administrator publishes, then it is done too, recorded as theirs', () => {
    const file = join(sops, 'implementasi-security-patch.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('revision: 1', 'revision: 2'));
    const day = today();
    const r = office.run('admin', ['publish', 'implementasi-security-patch', '--effective', day]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^published implementasi-security-patch revision 2, in effect from ${day} \\([0-9a-f]{12}\\)\\n$`));
    effectiveDay = day;
    expect(office.entriesAfter(office.head() - 1)[0]!.payload).toMatchObject({ action: 'publish', revision: 2, by: { user: 'admin', osUser: 'admin' } });
  });

  it('when the same is published again from the same date, then it prints the same publication and nothing is written', () => {
    const before = office.everything();
    const again = office.json<Published[]>('dian', ['publish', 'implementasi-security-patch', '--effective', effectiveDay]);
    expect(again).toMatchObject([{ revision: 2, effectiveOn: effectiveDay, by: 'admin' }]);
    expect(office.everything()).toEqual(before);
  });

  it('when a new SOP is published from a tanggal efektif in the future, then it is sop.not-yet-effective (with the date) until then, and nothing is written', () => {
    expect(office.run('dian', ['new', 'izin-cuti', '--name', 'Pelayanan Izin Cuti Pegawai']).code).toBe(0);
    const published = office.run('dian', ['publish', 'izin-cuti', '--effective', '2099-01-02']);
    expect(published.stdout).toMatch(/^published izin-cuti revision 1, in effect from 2099-01-02/);
    const before = office.everything();
    const r = office.run('sari', ['start', 'izin-cuti']);
    expectRefused(r, 'sop.not-yet-effective', /SOP "izin-cuti" is published, but takes effect only on 2099-01-02/);
    expect(r.stderr).toContain('hint: it can be started from 2099-01-02 on');
    expect(office.everything()).toEqual(before);
  });

  it('when --effective is not a date, then it is publish.invalid-date and nothing is written', () => {
    const before = office.everything();
    const r = office.run('dian', ['publish', 'pengecualian-smki', '--effective', '1 Desember 2026']);
    expectRefused(r, 'publish.invalid-date');
    expect(r.stderr).toContain('hint: give the tanggal efektif as YYYY-MM-DD');
    expect(office.everything()).toEqual(before);
  });
});

describe('Given an instance waiting on a 10 Menit step', () => {
  let id: string;
  let activatedAt: string;
  const calendarFile = () => join(sops, 'calendar.yaml');
  const due = () => office.json<{ current: { dueAt: string }[] }>('sari', ['status', id]).current[0]!.dueAt;
  const day = (iso: string, plus: number) => new Date(Date.parse(`${iso.slice(0, 10)}T00:00:00Z`) + plus * 86_400_000).toISOString().slice(0, 10);
  const allWeek = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'].map((d) => `  ${d}: ["00:00-24:00"]`).join('\n');

  beforeAll(() => {
    ({ id } = office.json<{ id: string }>('sari', ['start', 'pengecualian-smki']));
    activatedAt = office.json<{ current: { activatedAt: string }[] }>('sari', ['status', id]).current[0]!.activatedAt;
  });

  it('when a calendar that works round the clock is published, then it is due exactly 10 minutes after it was activated; the same again writes nothing', () => {
    writeFileSync(calendarFile(), `timeZone: UTC\nworkingHours:\n${allWeek}\n`);
    const r = office.run('dian', ['publish', '--calendar']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^published the office calendar \([0-9a-f]{12}\)\n$/);
    expect(due()).toBe(new Date(Date.parse(activatedAt) + 10 * 60_000).toISOString());
    const before = office.everything();
    expect(office.run('dian', ['publish', '--calendar']).stdout).toBe(r.stdout);
    expect(office.everything()).toEqual(before);
  });

  it('when a calendar with that day and the next two as holidays is published, then the step is due 00:10 on the third day after', () => {
    const holidays = [0, 1, 2].map((n) => `  - { date: ${day(activatedAt, n)}, name: Cuti bersama ${n + 1} }`).join('\n');
    writeFileSync(calendarFile(), `timeZone: UTC\nworkingHours:\n${allWeek}\nholidays:\n${holidays}\n`);
    expect(office.run('dian', ['publish', '--calendar']).code).toBe(0);
    expect(due()).toBe(`${day(activatedAt, 3)}T00:10:00.000Z`);
    // Editing the file again changes nothing until it is published.
    writeFileSync(calendarFile(), `timeZone: UTC\nworkingHours:\n${allWeek}\n`);
    expect(due()).toBe(`${day(activatedAt, 3)}T00:10:00.000Z`);
  });
});
