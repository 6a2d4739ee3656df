/**
 * An instance is pinned to the exact definition it started with: editing the
 * YAML never changes it, and `status` says that the file now holds another
 * revision.
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
    const run = (args: string[], as?: string) => sop(['--db', db, '--sops', sops, ...(as ? ['--as', as] : []), ...args]);
    run(['init', '--admin', 'kepala']);
    run(['user', 'add', 'tono', '--role', 'pengelola-tim-teknis'], 'kepala');
    const id = JSON.parse(run(['start', 'pengecualian-smki', '--json'], 'kepala').stdout).id;
    run(['advance', id, '--output', 'surat-permohonan=Surat'], 'kepala');
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

    const after = JSON.parse(run(['status', id, '--json']).stdout);
    expect(after.revision).toBe(1);
    expect(after.definitionHash).toBe(before.definitionHash);
    expect(after.current[0]).toMatchObject({ step: 'analisis-resiko', timeStandard: '60 Menit', outputs: [{ id: 'daftar-resiko', name: 'Daftar Resiko', sensitive: false }] });
    expect(after.newerRevision).toMatchObject({ revision: 2 });
    expect(run(['status', id]).stdout).toMatch(/Note: the SOP file now holds revision 2/);

    // Its replay and its verification do not change: they use the pinned definition, not the file.
    expect(JSON.parse(run(['replay', id, '--json']).stdout)).toEqual(replayBefore);
    const verified = run(['verify', id, '--json']);
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, breaks: [] });

    // The old output id still completes the step; the new one is unknown to this instance.
    const wrong = run(['advance', id, '--output', 'daftar-risiko=x'], 'tono');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('[output.unknown]');
    expect(run(['advance', id, '--output', 'daftar-resiko=Risiko rendah'], 'tono').code).toBe(0);

    // A new instance uses revision 2.
    const fresh = JSON.parse(run(['start', 'pengecualian-smki', '--json'], 'kepala').stdout).id;
    expect(JSON.parse(run(['status', fresh, '--json']).stdout)).toMatchObject({ revision: 2, newerRevision: null });

    // And the whole store, with instances on both revisions, verifies.
    expect(JSON.parse(run(['verify', '--json']).stdout)).toMatchObject({ ok: true, instances: 2, definitions: 2 });
  });
});
