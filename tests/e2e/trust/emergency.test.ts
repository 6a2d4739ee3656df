/**
 * Issue 11: "An administrator's emergency action on someone's behalf is
 * possible, recorded, and shown as such."
 *
 * Through the built CLI: the administrator completes budi's step with
 * `--on-behalf-of budi --emergency-reason "..."`; `history --json` shows
 * the entry by the administrator, `onBehalfOf` budi with the reason.
 * Refused at the time, nothing written: without a reason, by someone who is
 * not an administrator; a reason without the person is a usage error.
 * (In-process, with other changes: tests/trust/emergency.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { cliOffice, expectRefused, type CliOffice } from './office.js';

let office: CliOffice;
let id: string;
const REASON = 'Budi dirawat di rumah sakit; surat permohonan sudah diterima bagian umum';
const step1 = ['advance', '', '--step', 'pengajuan-permohonan', '--output', 'surat-permohonan=Surat permohonan'];
const advance = () => step1.map((a) => (a === '' ? id : a));

beforeAll(() => {
  office = cliOffice({ budi: [], andi: ['pengelola-tim-teknis'] }, { prefix: 'sop-emergency-' });
  ({ id } = office.json<{ id: string }>('budi', ['start', 'pengecualian-smki']));
});
afterAll(() => rmSync(office.dir, { recursive: true, force: true }));

describe("Given budi's instance at step 1, which only budi may complete", () => {
  it('when the administrator acts on his behalf without --emergency-reason (or with an empty one), then it is auth.no-reason and nothing is written', () => {
    const before = office.everything();
    const r = office.run('admin', [...advance(), '--on-behalf-of', 'budi']);
    expectRefused(r, 'auth.no-reason');
    expect(r.stderr).toContain('hint: say why: --emergency-reason "..."');
    expectRefused(office.run('admin', [...advance(), '--on-behalf-of', 'budi', '--emergency-reason', '  ']), 'auth.no-reason');
    expect(office.everything()).toEqual(before);
  });

  it('when andi, who is not an administrator, acts on his behalf with a reason, then it is auth.not-admin and nothing is written', () => {
    const before = office.everything();
    expectRefused(office.run('andi', [...advance(), '--on-behalf-of', 'budi', '--emergency-reason', REASON]), 'auth.not-admin', /only an administrator may act on someone's behalf; "andi" is not one/);
    expect(office.everything()).toEqual(before);
  });

  it('when a reason is given without --on-behalf-of, then it is a usage error (exit 2) and nothing is written: the action would pass for an ordinary one', () => {
    const before = office.everything();
    const r = office.run('admin', [...advance(), '--emergency-reason', REASON]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--emergency-reason goes with --on-behalf-of <user>');
    expect(office.everything()).toEqual(before);
  });

  it('when the administrator completes it with --on-behalf-of budi --emergency-reason, then it is done, and history --json shows by whom, for whom and why', () => {
    const r = office.run('admin', [...advance(), '--on-behalf-of', 'budi', '--emergency-reason', REASON]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('completed pengajuan-permohonan');
    const history = office.json<{ entries: Record<string, unknown>[] }>('admin', ['history', id]);
    expect(history.entries.at(-1)).toMatchObject({
      type: 'completed',
      step: 'pengajuan-permohonan',
      user: 'admin',
      role: 'pemohon',
      via: 'os-login',
      osUser: 'admin',
      onBehalfOf: { user: 'budi', reason: REASON },
      deputy: null,
      reassigned: null,
    });
    expect(history.entries[0]).toMatchObject({ type: 'started', user: 'budi', onBehalfOf: null });
    expect(office.json<{ ok: boolean }>('admin', ['verify']).ok).toBe(true);
  });
});
