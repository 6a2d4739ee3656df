/**
 * Reassignment of a bound case actor: budi asked for an account and left
 * the office. An administrator binds the Pengguna of his instance to sari
 * (`reassigned` event, a new version); the step does not move and stays due
 * as it was; sari acts, budi is refused. Replay and verify rebuild it. And
 * removing someone still bound to an active case is refused unless forced.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSop } from '../../engine/definition/load.js';
import { deriveState } from '../../engine/machine/instance-state.js';
import { Store } from '../../engine/store/index.js';
import type { SopEvent } from '../../engine/store/types.js';
import { SOPS } from '../helpers/cli.js';
import { authorityOffice, payload, refusedAndRecorded, type AuthorityOffice } from './helpers.js';

const AKSES = 'pengelolaan-akses-pengguna';

describe('Given an account request of budi (the Pengguna), waiting at the Kepala Bidang Aptika, and budi has left', () => {
  let office: AuthorityOffice;
  let id: string;
  let dueBefore: string | null;
  beforeAll(async () => {
    office = await authorityOffice({ budi: [], sari: [], kabid: ['kepala-bidang-aptika'], adi: ['administrator'] });
    office.at('2026-11-23 09:00');
    ({ id } = await office.as('budi').instances.start(AKSES, { title: 'Akun SIMPEG budi' }));
    await office.as('budi').instances.advance(id, { step: 'usulan-pengguna-baru' });
    dueBefore = (await office.engine.instances.status(id)).current[0]!.dueAt;
  });

  it('when someone who is not an administrator reassigns it, then it is auth.not-admin, recorded, and nothing else is written', async () => {
    await refusedAndRecorded(office, id, 'auth.not-admin', () => office.as('kabid').instances.reassign(id, { actor: 'pengguna', to: 'sari', reason: 'budi left' }));
  });

  it('when the administrator reassigns the Pengguna to sari, then it is one `reassigned` event, a new version; the step and its due time stay', async () => {
    office.at('2026-11-23 10:00');
    const before = office.head();
    const version = (await office.engine.instances.status(id)).version;
    const r = await office.as('admin').instances.reassign(id, { actor: 'pengguna', to: 'sari', reason: 'budi left the office on 20 November' });
    expect(r).toEqual({ id, version: version + 1, assignments: { pengguna: 'sari' } });
    const written = office.since(before);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({ kind: 'event', instanceId: id, version: version + 1 });
    expect(payload<SopEvent>(written[0]!)).toMatchObject({ type: 'reassigned', actor: 'pengguna', from: 'budi', to: 'sari', reason: 'budi left the office on 20 November', by: { user: 'admin' } });
    const status = await office.engine.instances.status(id);
    expect(status).toMatchObject({ version: version + 1, assignments: { pengguna: 'sari' } });
    expect(status.current[0]).toMatchObject({ step: 'penerimaan-usulan', dueAt: dueBefore });
    const h = (await office.engine.instances.history(id)).entries.at(-1)!;
    expect(h).toMatchObject({ type: 'reassigned', user: 'admin', reassigned: { actor: 'pengguna', from: 'budi', to: 'sari' }, reason: 'budi left the office on 20 November' });
  });

  it('when the steps of the Pengguna come, then sari does them and budi is refused (auth.not-actor, recorded)', async () => {
    await office.as('kabid').instances.advance(id, { step: 'penerimaan-usulan' });
    await office.as('kabid').instances.advance(id, { step: 'verifikasi-persetujuan', choice: 'disetujui' });
    await office.as('kabid').instances.advance(id, { step: 'disposisi-admin' });
    await office.as('adi').instances.advance(id, { step: 'enkripsi-logbook' });
    await office.as('adi').instances.advance(id, { step: 'kirim-logbook-ke-pengguna', outputs: [{ id: 'file-terenkripsi', value: 'logbook.zip' }] });
    const next = {
      step: 'kirim-logbook-ke-administrator',
      outputs: [
        { id: 'file-terenkripsi-terisi', value: 'logbook-terisi.zip' },
        { id: 'file-form-logbook-pengguna', value: 'form.pdf' },
      ],
    };
    const e = await refusedAndRecorded(office, id, 'auth.not-actor', () => office.as('budi').instances.advance(id, next));
    expect(e.data).toMatchObject({ user: 'budi', actor: 'pengguna', bound: 'sari' });
    expect((await office.as('sari').instances.tasks()).map((t) => t.instance)).toEqual([id]);
    expect((await office.as('sari').instances.advance(id, next)).completed).toBe('kirim-logbook-ke-administrator');
  });

  it('then the replay rebuilds the recorded state, reassignment included, and verify finds nothing wrong', async () => {
    const replay = await office.engine.audit.replay(id);
    expect(replay.matches).toBe(true);
    expect(replay.events.find((e) => e.type === 'reassigned')?.state.assignments).toEqual({ pengguna: 'sari' });
    expect((await office.engine.audit.verify()).ok).toBe(true);
    const store = Store.open(office.db, { mustExist: true });
    try {
      const events = store.eventsOf(id);
      expect(deriveState(loadSop(SOPS, AKSES), events)).toEqual(store.getInstance(id)!.state);
    } finally {
      store.close();
    }
  });

  it('a reassignment is refused, and nothing written, for a standing role, an unknown actor or person, the same person, or no reason', async () => {
    const ask = (over: Record<string, string>) => () => office.as('admin').instances.reassign(id, { actor: 'pengguna', to: 'budi', reason: 'back', ...over });
    await refusedAndRecorded(office, null, 'assign.role-actor', ask({ actor: 'administrator' }));
    await refusedAndRecorded(office, null, 'assign.unknown-actor', ask({ actor: 'pemohon' }));
    await refusedAndRecorded(office, null, 'auth.unknown-user', ask({ to: 'nobody' }));
    await refusedAndRecorded(office, null, 'reassign.same-person', ask({ to: 'sari' }));
    await refusedAndRecorded(office, null, 'reassign.invalid-reason', ask({ reason: '  ' }));
  });

  it('on a finished instance, it is instance.finished, recorded', async () => {
    await office.as('admin').instances.cancel(id, { reason: 'done with the test' });
    await refusedAndRecorded(office, id, 'instance.finished', () => office.as('admin').instances.reassign(id, { actor: 'pengguna', to: 'budi', reason: 'back' }));
  });
});

describe('Given budi, bound to the Pengguna of an active instance', () => {
  it('when the administrator removes him, then it is user.has-active-cases, naming the instance, and nothing is written; with force he is removed', async () => {
    const office = await authorityOffice({ budi: [], sari: [], kabid: ['kepala-bidang-aptika'] });
    const { id } = await office.as('budi').instances.start(AKSES);
    const e = await refusedAndRecorded(office, null, 'user.has-active-cases', () => office.as('admin').people.remove('budi'));
    expect(e.message).toMatch(new RegExp(`${id} \\(pengguna\\).*reassign them first`));
    expect(e.data).toMatchObject({ user: 'budi', instances: [id], actors: ['pengguna'], count: 1 });
    expect(await office.engine.people.activeCases('budi')).toEqual([{ instance: id, actors: ['pengguna'] }]);
    await office.as('admin').people.remove('budi', { force: true });
    expect((await office.engine.people.list()).map((u) => u.name)).not.toContain('budi');
    // The instance goes on with someone else; a person bound to no active case is removed as before.
    await office.as('admin').instances.reassign(id, { actor: 'pengguna', to: 'sari', reason: 'budi was removed' });
    await office.as('admin').people.remove('kabid');
    await refusedAndRecorded(office, null, 'user.has-active-cases', () => office.as('admin').people.remove('sari'));
  });
});
