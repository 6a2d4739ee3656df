/**
 * The rules of authority through the built CLI, each person at their own OS
 * login: separation of duties, a deputy (Plh.) during and outside the
 * period, an administrator's emergency action, a reassignment after which
 * the new person acts and the old one is refused, and removing someone who
 * is still bound to a case. Each refusal is recorded, and nothing else is
 * written.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { cliOffice, head, logSince, refusedAndRecorded, type CliOffice } from './helpers.js';

const SMKI = 'pengecualian-smki';

describe('Given an office where budi holds the approving role, siti too, and dewi may stand in for siti', () => {
  let office: CliOffice;
  let letter: string;
  const start = (by: string) => office.ok(by, ['start', SMKI]).trim();
  /** An instance of `by` waiting at the approval (step 3). */
  const waitingForApproval = (by: string) => {
    const id = start(by);
    office.ok(by, ['advance', id, '--step', 'pengajuan-permohonan', '--output', `surat-permohonan=@${letter}`]);
    office.ok('andi', ['advance', id, '--step', 'analisis-resiko', '--output', 'daftar-resiko=Daftar resiko']);
    return id;
  };

  beforeAll(() => {
    office = cliOffice({ budi: ['kepala-bidang-persandian'], siti: ['kepala-bidang-persandian'], dewi: [], andi: ['pengelola-tim-teknis'], sari: [] });
    letter = join(office.dir, 'surat.txt');
    writeFileSync(letter, 'Surat permohonan pengecualian\n');
  });

  it('when budi approves his own request, then it is auth.separation (exit 1, with a hint), recorded, and history shows the refusal', () => {
    const id = waitingForApproval('budi');
    const r = refusedAndRecorded(office, id, 'auth.separation', 'budi', ['advance', id, '--step', 'persetujuan-permohonan', '--choice', 'setuju']);
    expect(r.stderr).toContain('"budi" is the Pemohon of this instance and may not complete step 3');
    expect(r.stderr).toMatch(/hint: .*allowCaseActor: true/);
    expect(office.ok('admin', ['history', id])).toMatch(/REFUSED at step 3[\s\S]*auth\.separation/);
    // siti, no person of this case, approves it.
    expect(office.ok('siti', ['advance', id, '--step', 'persetujuan-permohonan', '--choice', 'setuju'])).toContain('completed persetujuan-permohonan (setuju)');
  });

  it('when the administrator makes dewi Plh. for siti, then dewi approves during the period, and the history says "Plh. Kepala Bidang Persandian, a.n. siti"', () => {
    const d = JSON.parse(office.ok('admin', ['delegate', 'kepala-bidang-persandian', '--holder', 'siti', '--deputy', 'dewi', '--title', 'Plh.', '--until', '2099-12-31', '--json']));
    expect(d).toMatchObject({ role: 'kepala-bidang-persandian', holder: 'siti', deputy: 'dewi', title: 'Plh.', endedAt: null });
    expect(JSON.parse(office.ok('dewi', ['delegation', 'list', '--json']))).toEqual([expect.objectContaining({ id: d.id, state: 'in-effect' })]);
    expect(office.ok('dewi', ['delegation', 'list'])).toMatch(new RegExp(`${d.id}\\s+in-effect\\s+Plh\\. kepala-bidang-persandian\\s+siti\\s+dewi`));
    const id = waitingForApproval('sari');
    expect(office.ok('dewi', ['tasks'])).toMatch(new RegExp(`${id} .*kepala-bidang-persandian \\(Plh\\. a\\.n\\. siti\\)`));
    office.ok('dewi', ['advance', id, '--choice', 'setuju']);
    const text = office.ok('admin', ['history', id]).replace(/\s+/g, ' ');
    expect(text).toContain('completed step 3 Persetujuan Permohonan Pengecualian — dewi, Plh. Kepala Bidang Persandian, a.n. siti (login dewi)');
    const last = JSON.parse(office.ok('admin', ['history', id, '--json'])).entries.at(-1);
    expect(last).toMatchObject({ user: 'dewi', role: 'kepala-bidang-persandian', deputy: { title: 'Plh.', for: 'siti', delegation: d.id } });
    const report = JSON.parse(office.ok('admin', ['report', '--sop', SMKI, '--json']));
    expect(report.deputyActions).toEqual([expect.objectContaining({ instance: id, user: 'dewi', deputy: { title: 'Plh.', for: 'siti' } })]);
    expect(office.ok('admin', ['report', '--sop', SMKI])).toMatch(/Done by a deputy \(Plt\.\/Plh\.\), counted for the role: 1[\s\S]*dewi, Plh\. Kepala Bidang Persandian, a\.n\. siti/);

    // Ended early: dewi is refused again, recorded.
    expect(office.ok('admin', ['delegation', 'end', d.id])).toContain(`ended ${d.id}`);
    const other = waitingForApproval('sari');
    refusedAndRecorded(office, other, 'auth.not-actor', 'dewi', ['advance', other, '--step', 'persetujuan-permohonan', '--choice', 'setuju']);
    expect(office.ok('admin', ['delegation', 'list'])).toBe('no delegations in effect or to come\n');
  });

  it('when a delegation is for a later period, then the deputy is refused now, recorded; giving one is refused to anyone but an administrator', () => {
    const later = JSON.parse(office.ok('admin', ['delegate', 'kepala-bidang-persandian', '--holder', 'siti', '--deputy', 'dewi', '--from', '2099-01-01', '--until', '2099-01-31', '--json']));
    expect(JSON.parse(office.ok('admin', ['delegation', 'list', '--json']))).toEqual([expect.objectContaining({ id: later.id, state: 'to-come' })]);
    const id = waitingForApproval('sari');
    const r = refusedAndRecorded(office, id, 'auth.not-actor', 'dewi', ['advance', id, '--step', 'persetujuan-permohonan', '--choice', 'setuju']);
    expect(r.stderr).toContain(`the delegation ${later.id} (Plh. for siti) is in effect from 2098-12-31T16:00:00.000Z`);
    const before = head(office);
    const refused = office.run('siti', ['delegate', 'kepala-bidang-persandian', '--holder', 'siti', '--deputy', 'dewi', '--until', '2099-12-31']);
    expect([refused.code, refused.stderr]).toEqual([1, expect.stringContaining('[auth.not-admin]')]);
    const invalid = office.run('admin', ['delegate', 'kepala-bidang-persandian', '--holder', 'siti', '--deputy', 'dewi', '--until', 'tomorrow']);
    expect([invalid.code, invalid.stderr]).toEqual([2, expect.stringContaining('[delegation.invalid]')]);
    expect(logSince(office, before)).toEqual([]);
  });

  it('when the administrator acts on andi\'s behalf in an emergency, then the history says "by admin on behalf of andi (reason)" and the report lists it', () => {
    const id = start('sari');
    office.ok('sari', ['advance', id, '--step', 'pengajuan-permohonan', '--output', `surat-permohonan=@${letter}`]);
    office.ok('admin', ['--on-behalf-of', 'andi', '--emergency-reason', 'andi sakit, disetujui lewat telepon', 'advance', id, '--step', 'analisis-resiko', '--output', 'daftar-resiko=x']);
    const text = office.ok('admin', ['history', id]).replace(/\s+/g, ' ');
    expect(text).toContain('completed step 2 Menganalisis Resiko Pengecualian — by admin on behalf of andi (andi sakit, disetujui lewat telepon) as Pengelola/Tim Teknis (login admin)');
    const report = JSON.parse(office.ok('admin', ['report', '--sop', SMKI, '--json']));
    expect(report.emergencyActions).toEqual([expect.objectContaining({ instance: id, user: 'admin', onBehalfOf: { user: 'andi', reason: 'andi sakit, disetujui lewat telepon' } })]);
    expect(report.sops[0].steps.find((s: { step: string }) => s.step === 'analisis-resiko')).toMatchObject({ onBehalf: 1 });
    const csv = office.ok('admin', ['report', '--sop', SMKI, '--format', 'csv']);
    expect(csv.split('\n').find((l) => l.startsWith('emergency,'))).toContain('andi sakit');
  });

  it('when budi leaves: removing him is refused while he is bound to a case (pointing at sop reassign); after the reassignment sari acts and budi is refused', () => {
    const id = start('budi');
    const before = head(office);
    const refused = office.run('admin', ['user', 'remove', 'budi']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('[user.has-active-cases]');
    expect(refused.stderr).toContain(`${id} (pemohon)`);
    expect(refused.stderr).toMatch(/hint: reassign them first: sop reassign \S+ pemohon <user> --reason "\.\.\."; or remove anyway: sop user remove budi --force/);
    expect(logSince(office, before)).toEqual([]);

    const notAdmin = refusedAndRecorded(office, id, 'auth.not-admin', 'siti', ['reassign', id, 'pemohon', 'sari', '--reason', 'budi left']);
    expect(notAdmin.stdout).toBe('');
    expect(office.ok('admin', ['reassign', id, 'pemohon', 'sari', '--reason', 'budi pindah tugas'])).toBe(`reassigned pemohon of ${id} to sari\n`);
    expect(JSON.parse(office.ok('admin', ['status', id, '--json'])).assignments).toEqual({ pemohon: 'sari' });
    expect(office.ok('admin', ['history', id]).replace(/\s+/g, ' ')).toContain('reassigned pemohon from budi to sari — admin (login admin) reason budi pindah tugas');
    refusedAndRecorded(office, id, 'auth.not-actor', 'budi', ['advance', id, '--step', 'pengajuan-permohonan', '--output', `surat-permohonan=@${letter}`]);
    office.ok('sari', ['advance', id, '--step', 'pengajuan-permohonan', '--output', `surat-permohonan=@${letter}`]);
    expect(JSON.parse(office.ok('admin', ['replay', id, '--json'])).matches).toBe(true);

    // budi is bound to other active cases still: --force removes him with a warning naming each.
    const forced = office.run('admin', ['user', 'remove', 'budi', '--force']);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toBe('removed budi\n');
    expect(forced.stderr).toMatch(/^sop: warning: budi was bound to pemohon of active instance \S+; reassign it: sop reassign \S+ pemohon <user> --reason "\.\.\."$/m);
    expect(JSON.parse(office.ok('admin', ['verify', '--json'])).ok).toBe(true);
  });
});
