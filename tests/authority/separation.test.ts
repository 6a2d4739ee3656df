/**
 * Separation of duties (issue 11): a Pemohon who also holds the approving
 * role approved his own request. Now a person bound to a case actor of an
 * instance may not complete another actor's step in it (unless the step says
 * `allowCaseActor: true`), and a step with `separateFrom` is not completed by
 * whoever completed the steps it names. Each refusal is `auth.separation`,
 * recorded in the history, and nothing else is written.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { sopsInMemory } from '../../engine/index.js';
import { checkSopFile } from '../../engine/definition/load.js';
import { mayComplete } from '../../engine/machine/authority.js';
import { authorityOffice, refusedAndRecorded, type AuthorityOffice } from './helpers.js';

const SMKI = 'pengecualian-smki';
const letter = { outputs: [{ id: 'surat-permohonan', value: 'Surat permohonan pengecualian' }] };
const risks = { outputs: [{ id: 'daftar-resiko', value: 'Daftar resiko' }] };

describe('Given budi, who holds the approving role (Kepala Bidang Persandian) and the Tim Teknis role, and asks for an exception himself', () => {
  let office: AuthorityOffice;
  let id: string;
  beforeAll(async () => {
    office = await authorityOffice({ budi: ['kepala-bidang-persandian', 'pengelola-tim-teknis'], andi: ['pengelola-tim-teknis'], rina: ['kepala-bidang-persandian'] });
    ({ id } = await office.as('budi').instances.start(SMKI, { title: 'Pengecualian firewall untuk budi' }));
    await office.as('budi').instances.advance(id, { step: 'pengajuan-permohonan', ...letter });
  });

  it('when he analyses the risks of his own request, then it is auth.separation, recorded, and nothing else is written', async () => {
    const e = await refusedAndRecorded(office, id, 'auth.separation', () => office.as('budi').instances.advance(id, { step: 'analisis-resiko', ...risks }));
    expect(e.message).toMatch(/"budi" is the Pemohon of this instance and may not complete step 2/);
    expect(e.data).toMatchObject({ user: 'budi', actor: 'pengelola-tim-teknis', caseActor: 'pemohon', instance: id, step: 'analisis-resiko' });
    expect((await office.engine.instances.status(id)).current[0]!.step).toBe('analisis-resiko');
  });

  it('when he approves his own request, then it is auth.separation, recorded, and the step waits for the other Kepala Bidang', async () => {
    await office.as('andi').instances.advance(id, { step: 'analisis-resiko', ...risks });
    const version = (await office.engine.instances.status(id)).version;
    await refusedAndRecorded(office, id, 'auth.separation', () => office.as('budi').instances.advance(id, { step: 'persetujuan-permohonan', choice: 'setuju' }));
    const status = await office.engine.instances.status(id);
    expect(status.version).toBe(version);
    expect(status.current[0]!.step).toBe('persetujuan-permohonan');
  });

  it("when an administrator does it on budi's behalf, then the rule is the same: auth.separation, recorded", async () => {
    const admin = office.engine.as({ user: 'admin', via: 'program', onBehalfOf: { user: 'budi', reason: 'budi is away' } });
    await refusedAndRecorded(office, id, 'auth.separation', () => admin.instances.advance(id, { step: 'persetujuan-permohonan', choice: 'setuju' }));
  });

  it('his inbox does not offer him the steps of his own case that he may not do', async () => {
    expect((await office.as('budi').instances.tasks()).map((t) => t.instance)).not.toContain(id);
    expect((await office.as('rina').instances.tasks()).map((t) => t.instance)).toContain(id);
  });

  it('when rina, who holds the role and is no person of the case, approves, then it is done, and the history shows every refusal', async () => {
    const done = await office.as('rina').instances.advance(id, { step: 'persetujuan-permohonan', choice: 'setuju' });
    expect(done.completed).toBe('persetujuan-permohonan');
    const history = await office.engine.instances.history(id);
    const refused = history.entries.filter((e) => e.type === 'refused');
    expect(refused.map((e) => [e.user, e.step, e.reason?.split(':')[0]])).toEqual([
      ['budi', 'analisis-resiko', 'auth.separation'],
      ['budi', 'persetujuan-permohonan', 'auth.separation'],
      ['admin', 'persetujuan-permohonan', 'auth.separation'],
    ]);
    expect(history.entries.at(-1)).toMatchObject({ type: 'completed', user: 'rina', role: 'kepala-bidang-persandian', roleName: 'Kepala Bidang Persandian' });
    expect((await office.engine.audit.verify()).ok).toBe(true);
  });
});

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const separated = readFileSync(`${fixtures}valid/separation-of-duties.yaml`, 'utf8');

describe('Given an SOP whose step 3 is separated from step 2 (separateFrom), and whose step 2 a Pemohon may do (allowCaseActor)', () => {
  it('the file is valid: the normalized steps carry the rules, and a step without them carries neither', () => {
    const checked = checkSopFile(`${fixtures}valid/separation-of-duties.yaml`);
    expect(checked.problems.filter((p) => p.severity === 'error')).toEqual([]);
    const [pengajuan, pemeriksaan, penerbitan] = checked.definition!.steps;
    expect(pengajuan).not.toHaveProperty('allowCaseActor');
    expect(pengajuan).not.toHaveProperty('separateFrom');
    expect(pemeriksaan).toMatchObject({ allowCaseActor: true, notes: 'Diperiksa oleh petugas.\nPemohon yang juga petugas boleh memeriksa.' });
    expect(penerbitan).toMatchObject({ separateFrom: ['pemeriksaan'] });
  });

  let office: AuthorityOffice;
  beforeAll(async () => {
    office = await authorityOffice({ budi: ['petugas'], andi: ['petugas'], rina: ['petugas'], sari: [] }, { sops: sopsInMemory({ 'separation-of-duties': separated }) });
  });
  const start = async (by: string) => {
    const { id } = await office.as(by).instances.start('separation-of-duties');
    await office.as(by).instances.advance(id, { step: 'pengajuan', outputs: [{ id: 'surat-permohonan', value: 'Surat' }] });
    return id;
  };
  const issue = { step: 'penerbitan', outputs: [{ id: 'surat-keterangan', value: 'Surat keterangan' }] };

  it('when andi examines (step 2) and then issues (step 3), then the issue is auth.separation, recorded; rina issues it', async () => {
    const id = await start('sari');
    await office.as('andi').instances.advance(id, { step: 'pemeriksaan', choice: 'setuju' });
    const e = await refusedAndRecorded(office, id, 'auth.separation', () => office.as('andi').instances.advance(id, issue));
    expect(e.message).toMatch(/"andi" completed step 2 "Pemeriksaan Permohonan" of this instance; step 3 "Penerbitan Surat Keterangan" must be done by someone else/);
    expect(e.data).toMatchObject({ completed: 'pemeriksaan', separateFrom: ['pemeriksaan'] });
    expect((await office.as('rina').instances.advance(id, issue)).status.status).toBe('completed');
  });

  it('when budi asks himself and examines his own request (allowCaseActor), then it is allowed; issuing it is not (no allowCaseActor)', async () => {
    const id = await start('budi');
    expect((await office.as('budi').instances.advance(id, { step: 'pemeriksaan', choice: 'setuju' })).completed).toBe('pemeriksaan');
    await refusedAndRecorded(office, id, 'auth.separation', () => office.as('budi').instances.advance(id, issue));
    // andi did not examine it: he may issue it.
    expect((await office.as('andi').instances.advance(id, issue)).status.status).toBe('completed');
  });

  it('then verify finds nothing wrong: every completion was allowed, and the refusals are in the chain', async () => {
    expect((await office.engine.audit.verify()).ok).toBe(true);
  });

  it('the rule is one pure function: the same facts give the same answer, without a store', () => {
    const def = checkSopFile(`${fixtures}valid/separation-of-duties.yaml`).definition!;
    const step = def.steps[2]!;
    const facts = { at: '2026-11-23T01:00:00.000Z', user: 'andi', roles: ['petugas'], delegations: [], assignments: { pemohon: 'sari' }, completions: [{ step: 'pemeriksaan', user: 'andi' }] };
    expect(mayComplete(def, step, facts)).toMatchObject({ allowed: false, code: 'auth.separation' });
    expect(mayComplete(def, step, { ...facts, completions: [{ step: 'pemeriksaan', user: 'rina' }] })).toEqual({ allowed: true, role: 'petugas' });
    expect(mayComplete(def, step, { ...facts, user: 'sari', roles: ['petugas'], completions: [] })).toMatchObject({ allowed: false, code: 'auth.separation', data: { caseActor: 'pemohon' } });
    expect(mayComplete(def, def.steps[1]!, { ...facts, user: 'sari', roles: ['petugas'], completions: [] })).toEqual({ allowed: true, role: 'petugas' });
    expect(mayComplete(def, step, { ...facts, roles: [] })).toMatchObject({ allowed: false, code: 'auth.not-actor' });
    // An emergency action: by an administrator at that moment, with a reason, judged for the person it is for.
    const forRina = { ...facts, user: 'rina', completions: [] };
    expect(mayComplete(def, step, { ...forRina, emergency: { by: 'admin', admin: true, reason: 'rina sakit' } })).toEqual({ allowed: true, role: 'petugas' });
    expect(mayComplete(def, step, { ...forRina, emergency: { by: 'andi', admin: false, reason: 'rina sakit' } })).toMatchObject({ allowed: false, code: 'auth.not-admin' });
    expect(mayComplete(def, step, { ...forRina, emergency: { by: 'admin', admin: true, reason: ' ' } })).toMatchObject({ allowed: false, code: 'auth.no-reason' });
    expect(mayComplete(def, step, { ...facts, emergency: { by: 'admin', admin: true, reason: 'andi sakit' } })).toMatchObject({ allowed: false, code: 'auth.separation' });
  });
});
