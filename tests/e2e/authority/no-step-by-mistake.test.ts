/**
 * No step done by mistake (issue 11): two operators who both ran `sop
 * advance <id>` without `--step` both succeeded; the second completed a step
 * he had never seen. Now advance without --step completes the step the
 * person was last shown (by status, tasks or the previous advance), as it
 * was then, and refuses when none was shown.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { spawnSopTogether } from '../../helpers/cli.js';
import { cliOffice, head, logSince, type CliOffice } from './helpers.js';

const SMKI = 'pengecualian-smki';

describe('Given andi and tono of the Tim Teknis, and a request waiting for its risk analysis', () => {
  let office: CliOffice;
  let letter: string;
  const waitingForAnalysis = () => {
    const id = office.ok('sari', ['start', SMKI]).trim();
    office.ok('sari', ['advance', id, '--step', 'pengajuan-permohonan', '--output', `surat-permohonan=@${letter}`]);
    return id;
  };
  beforeAll(() => {
    office = cliOffice({ andi: ['pengelola-tim-teknis'], tono: ['pengelola-tim-teknis'], rina: ['kepala-bidang-persandian'], sari: [] });
    letter = join(office.dir, 'surat.txt');
    writeFileSync(letter, 'Surat permohonan\n');
  });

  it('when both saw step 2 and both run `sop advance <id>` at once, then one completes it and the other gets store.conflict, and nothing else is written', async () => {
    const id = waitingForAnalysis();
    expect(office.ok('andi', ['status', id])).toContain('Current step 2 Menganalisis Resiko Pengecualian');
    expect(office.ok('tono', ['tasks'])).toContain(`${id}  ${SMKI}  2 Menganalisis Resiko Pengecualian`);
    const before = head(office);
    const args = ['--db', office.db, '--sops', office.sops, 'advance', id, '--output', 'daftar-resiko=Daftar resiko'];
    const results = await spawnSopTogether([
      { args, options: { login: 'andi' } },
      { args, options: { login: 'tono' } },
    ]);
    const codes = results.map((r) => r.code).sort();
    expect(codes).toEqual([0, 1]);
    const loser = results.find((r) => r.code === 1)!;
    expect(loser.stderr).toContain('[store.conflict]');
    expect(loser.stderr).toContain(`hint: run \`sop status ${id}\` and try again`);
    const written = logSince(office, before);
    expect(written.map((e) => [e.kind, e.version, e.payload.type, e.payload.step])).toEqual([['event', 3, 'completed', 'analisis-resiko']]);
    // He runs it again without looking: still the step he saw, still a conflict, not step 3.
    const again = office.run(results[0]!.code === 1 ? 'andi' : 'tono', ['advance', id, '--output', 'daftar-resiko=Daftar resiko']);
    expect([again.code, again.stderr]).toEqual([1, expect.stringContaining('[store.conflict]')]);
    expect(logSince(office, before)).toHaveLength(1);
  });

  it('when someone who was shown no step of it runs `sop advance <id>`, then it is advance.step-required (exit 2), naming how, and nothing is written', () => {
    const id = waitingForAnalysis();
    const before = head(office);
    const r = office.run('andi', ['advance', id, '--output', 'daftar-resiko=x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`sop: you were shown no step of ${id}: say which step you complete [advance.step-required]`);
    expect(r.stderr).toContain(`hint: look first: sop status ${id} (then sop advance ${id}), or name it: --step analisis-resiko`);
    expect(logSince(office, before)).toEqual([]);
    // An unknown instance is said as such.
    expect(office.run('andi', ['advance', 'nope']).stderr).toContain('[instance.unknown]');
  });

  it('an advance shows the next step, and a following advance completes that one; someone else, shown nothing, is refused', () => {
    const id = waitingForAnalysis();
    office.ok('andi', ['status', id]);
    expect(office.ok('andi', ['advance', id, '--output', 'daftar-resiko=x'])).toContain('next: step 3 Persetujuan Permohonan Pengecualian');
    expect(office.run('rina', ['advance', id, '--choice', 'setuju']).code).toBe(2);
    office.ok('rina', ['tasks']);
    expect(office.ok('rina', ['advance', id, '--choice', 'setuju'])).toContain('completed persetujuan-permohonan (setuju)');
    // The next step (4) was shown to rina, not to andi: andi was last shown step 3, which is done.
    const r = office.run('andi', ['advance', id, '--output', 'hasil-analisis-data-log=x']);
    expect([r.code, r.stderr]).toEqual([1, expect.stringContaining('[store.conflict]')]);
  });

  it('when the instance loops back to the step he was shown, then it is still store.conflict: he saw the step as it was then', () => {
    const id = waitingForAnalysis();
    office.ok('andi', ['advance', id, '--step', 'analisis-resiko', '--output', 'daftar-resiko=x']);
    office.ok('rina', ['advance', id, '--step', 'persetujuan-permohonan', '--choice', 'setuju']);
    office.ok('andi', ['advance', id, '--step', 'perencanaan-implementasi', '--output', 'hasil-analisis-data-log=x']);
    // tono sees step 5, then andi takes it through the anomaly loop back to step 5.
    expect(office.ok('tono', ['status', id])).toContain('Current step 5');
    office.ok('andi', ['advance', id, '--step', 'implementasi-teknis', '--choice', 'terjadi-anomali']);
    office.ok('andi', ['advance', id, '--step', 'identifikasi-anomali', '--output', 'laporan-anomali=x']);
    expect(JSON.parse(office.ok('admin', ['status', id, '--json'])).current[0].step).toBe('implementasi-teknis');
    const before = head(office);
    const r = office.run('tono', ['advance', id, '--choice', 'tidak-terjadi']);
    expect([r.code, r.stderr]).toEqual([1, expect.stringContaining('[store.conflict]')]);
    expect(logSince(office, before)).toEqual([]);
  });

  it('a retry with the same --request-id completes nothing twice: it answers as the first run did', () => {
    const id = waitingForAnalysis();
    office.ok('andi', ['status', id]);
    const first = office.ok('andi', ['advance', id, '--output', 'daftar-resiko=x', '--request-id', 'andi-analisis-1']);
    const before = head(office);
    expect(office.ok('andi', ['advance', id, '--output', 'daftar-resiko=x', '--request-id', 'andi-analisis-1'])).toBe(first);
    expect(logSince(office, before)).toEqual([]);
  });
});
