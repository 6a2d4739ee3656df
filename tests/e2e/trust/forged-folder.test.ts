/**
 * Issue 11: "An operator holding no role copied `sops/`, turned the
 * approver's actor into `kind: case`, started from that folder with
 * `--sops`, assigned himself, and approved his own request. `report`
 * counted it as the Kepala Bidang's on-time approval."
 *
 * The same attack through the built CLI, the operator (eko, no role) as his
 * own OS login: his start from his folder uses the published definition
 * (its hash, not his file's), so assigning himself the approver is refused
 * (a standing role, not a person of the case), and when the request reaches
 * the decision his approval is refused (he does not hold the role) and
 * recorded as a refused attempt; the report counts no approval. Publishing
 * his copy is refused too: he is not a maintainer. Each refusal at the time,
 * writing nothing (but the refused attempt's record, by design).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SOPS } from '../../helpers/cli.js';
import { cliOffice, expectRefused, type CliOffice } from './office.js';

let office: CliOffice;
/** eko's copy of the SOP folder, its approver made a person of the case (same id, same revision). */
let mine: string;
let id: string;

beforeAll(() => {
  office = cliOffice({ eko: [], andi: ['pengelola-tim-teknis'], rina: ['kepala-bidang-persandian'] }, { prefix: 'sop-forged-' });
  mine = join(office.dir, 'punya-eko');
  cpSync(SOPS, mine, { recursive: true });
  const file = join(mine, 'pengecualian-smki.yaml');
  const text = readFileSync(file, 'utf8');
  const forged = text.replace('    name: Kepala Bidang Persandian\n', '    name: Kepala Bidang Persandian\n    kind: case\n');
  expect(forged).not.toBe(text);
  writeFileSync(file, forged);
  // His copy is a valid SOP: the language cannot know who wrote it.
  expect(office.run('eko', ['validate', file]).code).toBe(0);
});
afterAll(() => rmSync(office.dir, { recursive: true, force: true }));

describe('Given eko, who holds no role, and his copy of the SOP folder in which the approver is a person of the case', () => {
  it('when he starts from his folder assigning himself the approver, then it is assign.role-actor: the published definition has the approver as a role; nothing is written', () => {
    const before = office.everything();
    const r = office.run('eko', ['start', 'pengecualian-smki', '--assign', 'kepala-bidang-persandian=eko'], { sops: mine });
    expectRefused(r, 'assign.role-actor', /"kepala-bidang-persandian" \(Kepala Bidang Persandian\) is a standing role, not a person of the case/);
    expect(office.everything()).toEqual(before);
  });

  it('when he starts from his folder without it, then the instance runs the published definition, not his file', () => {
    const inEffect = office.json<{ id: string }>('eko', ['start', 'pengecualian-smki', '--title', 'Pengecualian untuk server saya']);
    id = inEffect.id;
    const status = office.json<{ definitionHash: string; assignments: Record<string, string> }>('eko', ['status', id]);
    const pub = office.entriesAfter(0).find((e) => e.payload.action === 'publish' && e.payload.sop === 'pengecualian-smki')!;
    expect(status.definitionHash).toBe(pub.payload.hash);
    expect(status.assignments).toEqual({ pemohon: 'eko' });
  });

  it('when the request reaches the decision and he approves it himself, then it is auth.not-actor, recorded as his refused attempt, and the instance does not move', () => {
    expect(office.run('eko', ['advance', id, '--step', 'pengajuan-permohonan', '--output', 'surat-permohonan=Surat'], { sops: mine }).code).toBe(0);
    expect(office.run('andi', ['advance', id, '--step', 'analisis-resiko', '--output', 'daftar-resiko=Risiko rendah']).code).toBe(0);
    const head = office.head();
    const r = office.run('eko', ['advance', id, '--step', 'persetujuan-permohonan', '--choice', 'setuju'], { sops: mine });
    expectRefused(r, 'auth.not-actor', /done by Kepala Bidang Persandian; "eko" does not hold the role kepala-bidang-persandian/);
    const added = office.entriesAfter(head);
    expect(added).toHaveLength(1);
    expect(added[0]!.payload).toMatchObject({ type: 'refused', step: 'persetujuan-permohonan', choice: 'setuju', by: { user: 'eko', via: 'os-login', osUser: 'eko' } });
    expect(office.json<{ current: { step: string }[]; version: number }>('eko', ['status', id])).toMatchObject({ version: 3, current: [{ step: 'persetujuan-permohonan' }] });
  });

  it('when he names the Kepala Bidang (--as rina) to approve, then it is auth.not-you and nothing is written', () => {
    const before = office.everything();
    expectRefused(office.run('eko', ['advance', id, '--as', 'rina', '--choice', 'setuju'], { sops: mine }), 'auth.not-you');
    expect(office.everything()).toEqual(before);
  });

  it('when he publishes his copy, then it is auth.not-maintainer and nothing is written', () => {
    const before = office.everything();
    expectRefused(office.run('eko', ['publish', join(mine, 'pengecualian-smki.yaml')]), 'auth.not-maintainer', /"eko" is neither/);
    expectRefused(office.run('eko', ['publish', '--all'], { sops: mine }), 'auth.not-maintainer');
    expect(office.everything()).toEqual(before);
  });

  it('then the report counts no approval, the Kepala Bidang still decides, and verify is ok', () => {
    const report = office.json<{ sops: { sop: string; steps: { step: string; count: number }[] }[] }>('admin', ['report', '--sop', 'pengecualian-smki']);
    const counts = Object.fromEntries(report.sops[0]!.steps.map((s) => [s.step, s.count]));
    expect(counts).toMatchObject({ 'pengajuan-permohonan': 1, 'analisis-resiko': 1, 'persetujuan-permohonan': 0 });
    expect(office.run('rina', ['advance', id, '--step', 'persetujuan-permohonan', '--choice', 'tidak-setuju']).code).toBe(0);
    const history = office.json<{ entries: { type: string; user: string; step: string | null }[] }>('admin', ['history', id]);
    expect(history.entries.filter((e) => e.step === 'persetujuan-permohonan').map((e) => [e.type, e.user])).toEqual([
      ['refused', 'eko'],
      ['completed', 'rina'],
    ]);
    expect(office.json<{ ok: boolean }>('admin', ['verify']).ok).toBe(true);
  });
});
