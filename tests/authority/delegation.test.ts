/**
 * Delegation (Plt./Plh.): an administrator gives the holder of a role an
 * acting deputy for a period. During it the deputy completes the role's
 * steps, recorded as "Plh. <role>, a.n. <holder>"; before it, after it, and
 * once it is ended early, the deputy is refused (`auth.not-actor`,
 * recorded). Giving and ending one are `user` log entries, administrators
 * only; a refused one writes nothing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { UserChange, SopEvent } from '../../engine/store/types.js';
import { Store } from '../../engine/store/index.js';
import { foldDelegation, type Delegation } from '../../engine/machine/authority.js';
import { authorityOffice, payload, refusedAndRecorded, type AuthorityOffice } from './helpers.js';

const SMKI = 'pengecualian-smki';
const letter = { outputs: [{ id: 'surat-permohonan', value: 'Surat permohonan' }] };
const risks = { outputs: [{ id: 'daftar-resiko', value: 'Daftar resiko' }] };
const approve = { step: 'persetujuan-permohonan', choice: 'setuju' };

describe('Given siti, Kepala Bidang Persandian, and dewi, who will stand in for her as Plh. from Tuesday to Thursday', () => {
  let office: AuthorityOffice;
  let delegation: string;
  /** An instance waiting at the approval (step 3). */
  const waitingForApproval = async () => {
    const { id } = await office.as('sari').instances.start(SMKI);
    await office.as('sari').instances.advance(id, { step: 'pengajuan-permohonan', ...letter });
    await office.as('andi').instances.advance(id, { step: 'analisis-resiko', ...risks });
    return id;
  };

  beforeAll(async () => {
    office = await authorityOffice({ siti: ['kepala-bidang-persandian'], dewi: ['pengelola-tim-teknis'], andi: ['pengelola-tim-teknis'], sari: [] });
  });

  it('when the administrator gives the delegation, then it is one `delegate` user entry, and the delegation is listed as to come', async () => {
    office.at('2026-11-23 09:00');
    const before = office.head();
    const d = await office.as('admin').people.delegate({ role: 'kepala-bidang-persandian', holder: 'siti', deputy: 'dewi', title: 'Plh.', from: '2026-11-24', until: '2026-11-26' });
    delegation = d.id;
    expect(d).toMatchObject({ role: 'kepala-bidang-persandian', holder: 'siti', deputy: 'dewi', title: 'Plh.', endedAt: null });
    // Office dates: from the start of Tuesday to the end of Thursday (WITA, UTC+8).
    expect([d.startsAt, d.endsAt]).toEqual(['2026-11-23T16:00:00.000Z', '2026-11-26T16:00:00.000Z']);
    const written = office.since(before);
    expect(written.map((e) => e.kind)).toEqual(['user']);
    expect(payload<UserChange>(written[0]!)).toMatchObject({
      action: 'delegate',
      user: 'dewi',
      delegation: { id: d.id, role: 'kepala-bidang-persandian', holder: 'siti', title: 'Plh.', startsAt: d.startsAt, endsAt: d.endsAt },
      by: { user: 'admin' },
    });
    expect((await office.engine.people.delegations()).map((x) => [x.id, x.state])).toEqual([[d.id, 'to-come']]);
  });

  it('when dewi approves on Monday, before the period, then it is auth.not-actor, recorded, naming the delegation', async () => {
    office.at('2026-11-23 10:00');
    const id = await waitingForApproval();
    const e = await refusedAndRecorded(office, id, 'auth.not-actor', () => office.as('dewi').instances.advance(id, approve));
    expect(e.message).toContain(`the delegation ${delegation} (Plh. for siti) is in effect from 2026-11-23T16:00:00.000Z`);
    expect(e.data).toMatchObject({ user: 'dewi', role: 'kepala-bidang-persandian', delegations: [delegation] });
  });

  it('when dewi approves on Wednesday, during the period, then it is done, recorded as Plh. for siti, and shown so', async () => {
    office.at('2026-11-25 10:00');
    const id = await waitingForApproval();
    // Her inbox holds the role's steps for the period (Monday's instance waits there too), marked as a deputy's.
    expect((await office.as('dewi').instances.tasks()).map((t) => [t.instance, t.deputy?.title, t.deputy?.for])).toContainEqual([id, 'Plh.', 'siti']);
    expect((await office.as('dewi').instances.tasks()).every((t) => t.deputy?.delegation === delegation)).toBe(true);
    const before = office.head();
    await office.as('dewi').instances.advance(id, approve);
    const [entry] = office.since(before);
    expect(payload<SopEvent>(entry!).by).toMatchObject({ user: 'dewi', role: 'kepala-bidang-persandian', deputy: { title: 'Plh.', for: 'siti', delegation } });
    const last = (await office.engine.instances.history(id)).entries.at(-1)!;
    expect(last).toMatchObject({ user: 'dewi', role: 'kepala-bidang-persandian', roleName: 'Kepala Bidang Persandian', deputy: { title: 'Plh.', for: 'siti', delegation }, onBehalfOf: null });
    // Counted for the role, marked, and listed.
    const report = await office.engine.audit.report({ sop: SMKI });
    const step = report.sops[0]!.steps.find((s) => s.step === 'persetujuan-permohonan')!;
    expect([step.count, step.byDeputy, step.onBehalf]).toEqual([1, 1, 0]);
    expect(report.actors.find((a) => a.actor === 'kepala-bidang-persandian')).toMatchObject({ count: 1, byDeputy: 1 });
    expect(report.deputyActions).toEqual([
      expect.objectContaining({ instance: id, step: 'persetujuan-permohonan', user: 'dewi', actorName: 'Kepala Bidang Persandian', deputy: { title: 'Plh.', for: 'siti' }, onBehalfOf: null }),
    ]);
    expect(report.emergencyActions).toEqual([]);
  });

  it('when the administrator ends it early on Wednesday, then it is one `end-delegation` entry, and dewi is refused again', async () => {
    office.at('2026-11-25 11:00');
    const id = await waitingForApproval();
    const before = office.head();
    const ended = await office.as('admin').people.endDelegation(delegation);
    expect(ended.endedAt).toBe('2026-11-25T03:00:00.000Z');
    const written = office.since(before);
    expect(written.map((e) => payload<UserChange>(e))).toEqual([
      expect.objectContaining({ action: 'end-delegation', user: 'dewi', delegation: { id: delegation, role: 'kepala-bidang-persandian', holder: 'siti' } }),
    ]);
    office.at('2026-11-25 11:05');
    await refusedAndRecorded(office, id, 'auth.not-actor', () => office.as('dewi').instances.advance(id, approve));
    expect(await office.engine.people.delegations()).toEqual([]);
    expect((await office.engine.people.delegations({ all: true })).map((x) => x.state)).toEqual(['ended']);
    // siti herself still approves.
    expect((await office.as('siti').instances.advance(id, approve)).completed).toBe('persetujuan-permohonan');
  });

  it('when a delegation runs out (Friday after a Plh. until Thursday), then the deputy is refused, recorded', async () => {
    office.at('2026-11-25 12:00');
    const d = await office.as('admin').people.delegate({ role: 'kepala-bidang-persandian', holder: 'siti', deputy: 'dewi', title: 'plt', until: '2026-11-26' });
    expect(d).toMatchObject({ title: 'Plt.', startsAt: '2026-11-25T04:00:00.000Z' });
    office.at('2026-11-27 08:00');
    const id = await waitingForApproval();
    await refusedAndRecorded(office, id, 'auth.not-actor', () => office.as('dewi').instances.advance(id, approve));
    expect((await office.engine.people.delegations({ all: true })).map((x) => x.state)).toEqual(['ended', 'run-out']);
    expect((await office.engine.audit.verify()).ok).toBe(true);
  });

  it('the delegations table is a cache of the log: folding its user entries (as verify does) gives the same delegations', () => {
    const folded = new Map<string, Delegation>();
    for (const e of office.since(0)) if (e.kind === 'user') foldDelegation(folded, payload<UserChange>(e), e.at);
    const store = Store.open(office.db, { mustExist: true });
    try {
      expect([...folded.values()]).toEqual(store.delegations());
    } finally {
      store.close();
    }
  });

  it('a delegation is refused, and nothing written, when it is not an administrator who gives or ends it, or it does not hold together', async () => {
    office.at('2026-11-27 09:00');
    const ask =
      (by: string, over: Record<string, unknown> = {}) =>
      () =>
        office.as(by).people.delegate({ role: 'kepala-bidang-persandian', holder: 'siti', deputy: 'dewi', title: 'Plh.', until: '2026-12-04', ...over });
    await refusedAndRecorded(office, null, 'auth.not-admin', ask('siti'));
    await refusedAndRecorded(office, null, 'delegation.not-holder', ask('admin', { holder: 'andi' }));
    await refusedAndRecorded(office, null, 'auth.unknown-user', ask('admin', { deputy: 'nobody' }));
    await refusedAndRecorded(office, null, 'delegation.invalid', ask('admin', { deputy: 'siti' }));
    await refusedAndRecorded(office, null, 'delegation.invalid', ask('admin', { title: 'Kepala' }));
    await refusedAndRecorded(office, null, 'delegation.invalid', ask('admin', { until: '2026-11-20' }));
    await refusedAndRecorded(office, null, 'delegation.invalid', ask('admin', { until: '2026-02-30' }));
    await refusedAndRecorded(office, null, 'role.case-actor', ask('admin', { role: 'pemohon' }));
    await refusedAndRecorded(office, null, 'auth.not-admin', () => office.as('siti').people.endDelegation(delegation));
    await refusedAndRecorded(office, null, 'delegation.ended', () => office.as('admin').people.endDelegation(delegation));
    await refusedAndRecorded(office, null, 'delegation.unknown', () => office.as('admin').people.endDelegation('plh-20261127-nope'));
  });
});

describe("Given an administrator's emergency action on someone's behalf", () => {
  it('then it is counted for the role, marked, listed among the emergency actions, and the history says who did it for whom and why', async () => {
    const office = await authorityOffice({ siti: ['kepala-bidang-persandian'], andi: ['pengelola-tim-teknis'], sari: [] });
    office.at('2026-11-23 09:00');
    const { id } = await office.as('sari').instances.start(SMKI);
    await office.as('sari').instances.advance(id, { step: 'pengajuan-permohonan', ...letter });
    await office.as('andi').instances.advance(id, { step: 'analisis-resiko', ...risks });
    const admin = office.engine.as({ user: 'admin', via: 'program', onBehalfOf: { user: 'siti', reason: 'siti approved by phone' } });
    await admin.instances.advance(id, approve);
    const last = (await office.engine.instances.history(id)).entries.at(-1)!;
    expect(last).toMatchObject({ user: 'admin', role: 'kepala-bidang-persandian', onBehalfOf: { user: 'siti', reason: 'siti approved by phone' }, deputy: null });
    const report = await office.engine.audit.report({ sop: SMKI });
    expect(report.sops[0]!.steps.find((s) => s.step === 'persetujuan-permohonan')).toMatchObject({ count: 1, onBehalf: 1, byDeputy: 0 });
    expect(report.emergencyActions).toEqual([expect.objectContaining({ instance: id, user: 'admin', onBehalfOf: { user: 'siti', reason: 'siti approved by phone' } })]);
  });
});
