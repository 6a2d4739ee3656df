/**
 * "verify checks who was allowed" (issue 11): replaying the user entries of
 * the log gives who held which role, who was administrator or maintainer,
 * at each entry; every completion, user change and publication must have
 * been allowed then. Each attack below is done on a copy of the operators'
 * store (tests/audit/fixture.ts) as a careful forger would: the guards
 * dropped and the chain recomputed, so that the chain holds and only the
 * authority check can tell (`authority.not-allowed`).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { VerifyReport } from '../../engine/index.js';
import { fileURLToPath } from 'node:url';
import type { ActorMeta, UserChange } from '../../engine/events.js';
import { checkSopFile } from '../../engine/definition/load.js';
import type { Delegation } from '../../engine/machine/authority.js';
import { completionAllowed, userChangeAllowed, type AuthorityView, type UserState } from '../../engine/audit/authority-check.js';
import { buildAuditFixture, copyStore, type AuditFixture } from './fixture.js';
import { dropGuards, entries, laterClock, openCopy, rewriteEntry } from './trust-helpers.js';
import { officeWith } from '../helpers/engine.js';
import { tempDir } from '../helpers/cli.js';

let f: AuditFixture;

beforeAll(async () => {
  f = await buildAuditFixture();
});

async function verify(file: string, options: { instance?: string } = {}): Promise<VerifyReport> {
  const office = await openCopy(file);
  try {
    return await office.engine.audit.verify(options);
  } finally {
    await office.close();
  }
}

/** Tampers with a copy of the fixture (guards dropped) and returns its file. */
function tampered(fn: (db: Database.Database) => void): string {
  const file = copyStore(f);
  const db = new Database(file);
  try {
    dropGuards(db);
    fn(db);
  } finally {
    db.close();
  }
  return file;
}

/** The completion of `step` in instance `id`. */
function completion(db: Database.Database, id: string, step: string) {
  return entries(db).find((e) => e.instance_id === id && e.data.type === 'completed' && e.data.step === step)!;
}

describe('Given the store the operators wrote, untouched', () => {
  it('then verify finds everyone allowed: each step done by its role holder or bound person, each change by the administrator', async () => {
    const r = await verify(copyStore(f));
    expect(r.breaks).toEqual([]);
    expect(r.ok).toBe(true);
  });
});

describe("Given an approver's name changed in the log to someone who never held the role, the chain recomputed", () => {
  it('then verify, without any checkpoint, reports authority.not-allowed at that entry, naming the person, the role and why', async () => {
    let seq = 0;
    const file = tampered((db) => {
      const e = completion(db, f.finished, 'persetujuan-permohonan');
      expect((e.data.by as { user: string }).user).toBe('rina');
      seq = e.seq;
      rewriteEntry(db, e.seq, (p) => ((p.by as { user: string }).user = 'andi'));
    });
    const r = await verify(file);
    expect(r.ok).toBe(false);
    // The chain holds: the forger recomputed it. Only who was allowed tells.
    expect(r.breaks.map((b) => b.code)).toEqual(['authority.not-allowed']);
    expect(r.breaks[0]).toMatchObject({ seq, instance: f.finished });
    expect(r.breaks[0]!.message).toContain('"andi" does not hold the role kepala-bidang-persandian; andi never held it');
    expect(r.breaks[0]!.message).toContain('andi never held it');
    // Verifying that instance alone says it too.
    const one = await verify(file, { instance: f.finished });
    expect(one.breaks).toEqual([expect.objectContaining({ code: 'authority.not-allowed', seq })]);
  });

  it('and a name that was never a user at all is reported as such', async () => {
    const file = tampered((db) => rewriteEntry(db, completion(db, f.finished, 'persetujuan-permohonan').seq, (p) => ((p.by as { user: string }).user = 'mallory')));
    const r = await verify(file);
    expect(r.breaks.map((b) => b.code)).toEqual(['authority.not-allowed']);
    expect(r.breaks[0]!.message).toContain('mallory was not a registered user then');
  });
});

describe('Given a step of a person of the case recorded as done by someone else, the chain recomputed', () => {
  it('then it is authority.not-allowed: the step is done by the person bound to it in that instance', async () => {
    const file = tampered((db) => rewriteEntry(db, completion(db, f.atDecision, 'pengajuan-permohonan').seq, (p) => ((p.by as { user: string }).user = 'andi')));
    const r = await verify(file);
    expect(r.breaks.map((b) => b.code)).toEqual(['authority.not-allowed']);
    expect(r.breaks[0]).toMatchObject({ instance: f.atDecision });
    expect(r.breaks[0]!.message).toMatch(/who is "sari" in this instance, not "andi"/);
  });
});

describe('Given a role granted in the log by someone who was not an administrator then, the chain recomputed', () => {
  it('then the grant is authority.not-allowed, naming who made it', async () => {
    let seq = 0;
    const file = tampered((db) => {
      const add = entries(db).find((e) => e.kind === 'user' && e.data.action === 'add' && e.data.user === 'rina')!;
      seq = add.seq;
      rewriteEntry(db, add.seq, (p) => ((p.by as { user: string }).user = 'andi'));
    });
    const r = await verify(file);
    expect(r.breaks.map((b) => b.code)).toEqual(['authority.not-allowed']);
    expect(r.breaks[0]).toMatchObject({ seq });
    expect(r.breaks[0]!.message).toContain('andi was not an administrator then, and only an administrator may add people (rina)');
  });
});

describe('Given an action through an OS login that was not bound to the person then, the chain recomputed', () => {
  it('then it is authority.not-allowed: in direct file mode the person is the one bound to the login', async () => {
    const file = tampered((db) =>
      rewriteEntry(db, completion(db, f.finished, 'persetujuan-permohonan').seq, (p) => {
        p.by = { ...(p.by as object), via: 'os-login', osUser: 'andi' };
      }),
    );
    const r = await verify(file);
    expect(r.breaks.map((b) => b.code)).toEqual(['authority.not-allowed']);
    expect(r.breaks[0]!.message).toContain('through the OS login andi, which was not theirs (theirs was rina)');
  });
});

describe("Given an administrator's emergency action on someone's behalf", () => {
  it('then it verifies; recorded as done by someone who was not an administrator, it is authority.not-allowed', async () => {
    const file = copyStore(f);
    const office = await openCopy(file);
    try {
      await office.engine.as({ user: 'admin', via: 'program', onBehalfOf: { user: 'rina', reason: 'Kepala Bidang sakit; disetujui lewat telepon' } }).instances.advance(f.atDecision, { choice: 'setuju' });
      expect((await office.engine.audit.verify()).breaks).toEqual([]);
    } finally {
      await office.close();
    }
    const db = new Database(file);
    try {
      dropGuards(db);
      const e = completion(db, f.atDecision, 'persetujuan-permohonan');
      expect(e.data.by).toMatchObject({ user: 'admin', onBehalfOf: { user: 'rina' } });
      rewriteEntry(db, e.seq, (p) => ((p.by as { user: string }).user = 'andi'));
    } finally {
      db.close();
    }
    const r = await verify(file);
    expect(r.breaks.map((b) => b.code)).toEqual(['authority.not-allowed']);
    expect(r.breaks[0]!.message).toContain('only an administrator may act on someone\'s behalf; "andi" is not one');
  });
});

describe('Given a publication recorded as made by someone who was neither maintainer nor administrator, the chain recomputed', () => {
  it('then it is authority.not-allowed', async () => {
    const file = join(tempDir('sop-authority-'), 'publish.db');
    const { clock, tick } = laterClock('2026-11-02T01:00:00Z');
    const office = await officeWith(file, { budi: [] }, { clock });
    tick();
    await office.as('admin').definitions.publish('pengecualian-smki', { effectiveOn: '2026-12-01' });
    await office.close();
    const db = new Database(file);
    let seq = 0;
    try {
      dropGuards(db);
      const pub = entries(db)
        .filter((e) => e.kind === 'definition' && e.data.action === 'publish')
        .at(-1)!;
      seq = pub.seq;
      rewriteEntry(db, pub.seq, (p) => ((p.by as { user: string }).user = 'budi'));
    } finally {
      db.close();
    }
    const r = await verify(file);
    expect(r.breaks.map((b) => b.code)).toEqual(['authority.not-allowed']);
    expect(r.breaks[0]).toMatchObject({ seq });
    expect(r.breaks[0]!.message).toContain('budi was neither maintainer nor administrator then');
  });
});

describe('The rule for a completion by a deputy (Plt./Plh.), on its own', () => {
  // Step 2 of the fixture is done by petugas (a role); rina holds it, andi stands in for her.
  const def = checkSopFile(fileURLToPath(new URL('../fixtures/valid/separation-of-duties.yaml', import.meta.url))).definition!;
  const step = def.steps[1]!;
  const holder: UserState = { admin: false, maintainer: false, roles: ['petugas'], login: null };
  const deputy: UserState = { admin: false, maintainer: false, roles: [], login: null };
  const delegation: Delegation = { id: 'd1', role: 'petugas', holder: 'rina', deputy: 'andi', title: 'Plh.', startsAt: '2026-11-01T00:00:00Z', endsAt: '2026-11-08T00:00:00Z', endedAt: null };
  const view = (ds: Delegation[]): AuthorityView => ({ user: (n) => (n === 'rina' ? holder : n === 'andi' ? deputy : undefined), delegations: () => ds, anyone: () => true, anyLogin: () => true });
  const recorded = { user: 'andi', deputy: { title: 'Plh.' as const, for: 'rina', delegation: 'd1' } };
  const done = (at: string, d: Delegation[] = [delegation], by: ActorMeta = recorded) => completionAllowed({ def, step, by, at, assignments: { pemohon: 'sari' }, done: [] }, view(d));

  it('allows the deputy during the delegation, and not before, after, or once it was ended', () => {
    expect(done('2026-11-03T02:00:00Z')).toEqual({ ok: true });
    expect(done('2026-10-31T02:00:00Z')).toMatchObject({ ok: false, why: expect.stringContaining('is in effect from 2026-11-01T00:00:00Z') });
    expect(done('2026-11-09T02:00:00Z')).toMatchObject({ ok: false, why: expect.stringContaining('not at 2026-11-09T02:00:00Z') });
    expect(done('2026-11-03T02:00:00Z', [{ ...delegation, endedAt: '2026-11-02T00:00:00Z' }])).toMatchObject({ ok: false, why: expect.stringContaining('until 2026-11-02T00:00:00Z') });
  });

  it('refuses a deputy the delegation does not name, one recorded under no delegation, and a deputy action that does not say so', () => {
    expect(done('2026-11-03T02:00:00Z', [{ ...delegation, deputy: 'siti' }])).toMatchObject({ ok: false, why: expect.stringContaining('"andi" does not hold the role petugas') });
    expect(done('2026-11-03T02:00:00Z', [])).toMatchObject({ ok: false, why: expect.stringContaining('"andi" does not hold the role petugas') });
    expect(done('2026-11-03T02:00:00Z', [delegation], { user: 'andi' })).toMatchObject({ ok: false, why: expect.stringContaining('does not record them as deputy') });
    expect(done('2026-11-03T02:00:00Z', [delegation], { user: 'andi', deputy: { ...recorded.deputy, for: 'budi' } })).toMatchObject({ ok: false, why: expect.stringContaining('made andi Plh. for rina') });
  });

  it("applies separation of duties as the runtime does: the Pemohon of the case may not do the office's step", () => {
    const sari: UserState = { admin: false, maintainer: false, roles: ['petugas'], login: null };
    const v: AuthorityView = { user: (n) => (n === 'sari' ? sari : undefined), delegations: () => [], anyone: () => true, anyLogin: () => true };
    const third = def.steps[2]!;
    expect(completionAllowed({ def, step: third, by: { user: 'sari' }, at: '2026-11-03T02:00:00Z', assignments: { pemohon: 'sari' }, done: [] }, v)).toMatchObject({
      ok: false,
      why: expect.stringContaining('separation of duties'),
    });
  });
});

describe('The rule for claiming the first login (sop user claim), on its own', () => {
  const admin: UserState = { admin: true, maintainer: true, roles: [], login: null };
  const clerk: UserState = { admin: false, maintainer: false, roles: [], login: null };
  const view = (anyLogin: boolean): AuthorityView => ({ user: (n) => (n === 'admin' ? admin : n === 'sari' ? clerk : undefined), delegations: () => [], anyone: () => true, anyLogin: () => anyLogin });
  const claim = (user: string, login: string, osUser: string): UserChange => ({ action: 'bind-login', user, login, by: { user, via: 'os-login', osUser } });

  it('allows an administrator to bind the login they act through while no login is bound to anyone', () => {
    expect(userChangeAllowed(claim('admin', 'siti', 'siti'), view(false))).toEqual({ ok: true });
  });

  it('refuses it once any login is bound, for someone who is not an administrator, and for a login other than the one acting', () => {
    expect(userChangeAllowed(claim('admin', 'siti', 'siti'), view(true))).toMatchObject({ ok: false, why: expect.stringContaining('which was not bound to anyone') });
    expect(userChangeAllowed(claim('sari', 'sari', 'sari'), view(false))).toMatchObject({ ok: false });
    expect(userChangeAllowed(claim('admin', 'budi', 'siti'), view(false))).toMatchObject({ ok: false });
  });
});
