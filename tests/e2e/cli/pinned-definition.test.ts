/**
 * An instance is pinned to the exact definition it started with: editing the
 * YAML never changes it, nor does publishing the edit; once a maintainer has
 * published another revision, `status` says so, and new instances start
 * with it.
 */
import { describe, expect, it } from 'vitest';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sop, tempDir, SOPS } from '../../helpers/cli.js';

describe('Given an instance started on revision 1 of its SOP', () => {
  it('When the YAML is edited, Then the instance keeps its definition and status names the new revision', () => {
    const sops = tempDir();
    for (const f of ['pengecualian-smki.yaml', 'calendar.yaml']) copyFileSync(join(SOPS, f), join(sops, f));
    const db = join(tempDir(), 'sop.db');
    /** `sop args` run by the OS login `login` (kepala's, the administrator and maintainer, unless said). */
    const run = (args: string[], login = 'kepala') => sop(['--db', db, '--sops', sops, ...args], { login });
    expect(run(['init', '--admin', 'kepala']).code).toBe(0);
    expect(run(['publish', '--all']).code).toBe(0);
    expect(run(['user', 'add', 'tono', '--login', 'tono', '--role', 'pengelola-tim-teknis']).code).toBe(0);
    const id = JSON.parse(run(['start', 'pengecualian-smki', '--json']).stdout).id;
    expect(run(['advance', id, '--step', 'pengajuan-permohonan', '--output', 'surat-permohonan=Surat']).code).toBe(0);
    const before = JSON.parse(run(['status', id, '--json']).stdout);
    expect(before.newerRevision).toBeNull();
    const replayBefore = JSON.parse(run(['replay', id, '--json']).stdout);
    expect(replayBefore.matches).toBe(true);

    // The maintainer raises the revision, changes a waktu and renames an output.
    const file = join(sops, 'pengecualian-smki.yaml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8')
        .replace('revision: 1', 'revision: 2')
        .replace('    time: 60 Menit\n', '    time: 2 Jam\n')
        .replace('{ id: daftar-resiko, name: Daftar Resiko }', '{ id: daftar-risiko, name: Daftar Risiko }'),
    );
    expect(run(['validate', file]).code).toBe(0);
    // Edited, not published: nothing that runs sees it.
    expect(JSON.parse(run(['status', id, '--json']).stdout)).toEqual(before);
    const unpublished = JSON.parse(run(['start', 'pengecualian-smki', '--json']).stdout).id;
    expect(JSON.parse(run(['status', unpublished, '--json']).stdout)).toMatchObject({ revision: 1, definitionHash: before.definitionHash });
    expect(run(['cancel', unpublished, '--reason', 'Contoh saja']).code).toBe(0);
    // The maintainer publishes it, in effect from today.
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Makassar' }).format(new Date());
    const published = run(['publish', file, '--effective', today]);
    expect(published.code, published.stderr).toBe(0);
    expect(published.stdout).toContain(`published pengecualian-smki revision 2, in effect from ${today}`);

    const after = JSON.parse(run(['status', id, '--json']).stdout);
    expect(after.revision).toBe(1);
    expect(after.definitionHash).toBe(before.definitionHash);
    expect(after.current[0]).toMatchObject({ step: 'analisis-resiko', timeStandard: '60 Menit', outputs: [{ id: 'daftar-resiko', name: 'Daftar Resiko', sensitive: false }] });
    expect(after.newerRevision).toMatchObject({ revision: 2 });
    expect(run(['status', id]).stdout.replace(/\s+/g, ' ')).toContain(`Note: revision 2 is published, in effect from ${today} (this instance runs revision 1 as it started); new instances use the new one`);

    // Its replay and its verification do not change: they use the pinned definition, not the file.
    expect(JSON.parse(run(['replay', id, '--json']).stdout)).toEqual(replayBefore);
    const verified = run(['verify', id, '--json']);
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, breaks: [] });

    // The old output id still completes the step; the new one is unknown to this instance.
    const wrong = run(['advance', id, '--step', 'analisis-resiko', '--output', 'daftar-risiko=x'], 'tono');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('[output.unknown]');
    expect(run(['advance', id, '--step', 'analisis-resiko', '--output', 'daftar-resiko=Risiko rendah'], 'tono').code).toBe(0);

    // A new instance uses revision 2.
    const fresh = JSON.parse(run(['start', 'pengecualian-smki', '--json']).stdout).id;
    expect(JSON.parse(run(['status', fresh, '--json']).stdout)).toMatchObject({ revision: 2, newerRevision: null });

    // And the whole store, with instances on both revisions, verifies.
    expect(JSON.parse(run(['verify', '--json']).stdout)).toMatchObject({ ok: true, instances: 3, definitions: 2 });
  });
});
