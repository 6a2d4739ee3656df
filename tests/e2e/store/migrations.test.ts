/**
 * "Existing stores must migrate", with several `sop` processes: a store of
 * schema version 1 opened by two of them at the same moment is migrated
 * once, and both go on. (Migrating in place: tests/store/migrations.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import { SOPS, CLI } from '../../helpers/cli.js';
import { versionOneStore } from '../../store/helpers.js';
import { SCHEMA_VERSION } from '../../../engine/store/index.js';

describe('Given a store of schema version 1', () => {
  it('when two sop processes open it at the same moment, then it is migrated once and both go on', async () => {
    const file = versionOneStore();
    const open = () =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [CLI, 'user', 'list', '--json', '--db', file, '--sops', SOPS], { stdio: ['ignore', 'pipe', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('close', (code) => resolve({ code, stderr }));
      });
    const results = await Promise.all([open(), open()]);
    for (const r of results) expect(r, r.stderr).toMatchObject({ code: 0 });
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    // 002 added the requests, 003 the source cache, which 004 dropped again with the trust tables added.
    expect(raw.prepare(`SELECT name FROM sqlite_schema WHERE name IN ('requests', 'source_cache', 'publications', 'credentials') ORDER BY name`).pluck().all()).toEqual([
      'credentials',
      'publications',
      'requests',
    ]);
    raw.close();
  });
});
