/**
 * The hot commands read the SOP folder through the store's source cache
 * (migration 003), here through the built CLI: a process that cannot take
 * the write lock still answers, an advance caches the calendar in its own
 * transaction, a related SOP file removed is seen, and a store of schema
 * version 1 migrates to the cache. (Caching itself, and edits being seen:
 * tests/runtime/source-cache.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { migrations } from '../../../engine/store/migrations/index.js';
import { sop, tempDir, SOPS } from '../../helpers/cli.js';
import { officeWith } from '../../helpers/engine.js';

let dir: string;
let sops: string;
let db: string;
let id: string;

const cacheRows = () => {
  const d = new Database(db, { readonly: true });
  try {
    return d.prepare('SELECT kind, count(*) AS n FROM source_cache GROUP BY kind ORDER BY kind').all() as { kind: string; n: number }[];
  } finally {
    d.close();
  }
};

/** A store with its administrator and sari, on the SOP folder `folder`; closed again, for the CLI. */
async function storeAt(file: string, folder: string): Promise<void> {
  const office = await officeWith(file, { sari: [] }, { sops: folder, osUser: 'test' });
  await office.close();
}

beforeAll(async () => {
  dir = tempDir('sop-sources-');
  sops = join(dir, 'sops');
  db = join(dir, 'sop.db');
  mkdirSync(sops);
  for (const f of ['pengecualian-smki.yaml', 'calendar.yaml']) copyFileSync(join(SOPS, f), join(sops, f));
  await storeAt(db, sops);
  const started = sop(['start', 'pengecualian-smki', '--json', '--db', db, '--sops', sops, '--as', 'sari']);
  expect(started.code, started.stderr).toBe(0);
  id = JSON.parse(started.stdout).id;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Given an instance and the SOP folder it came from', () => {
  // That it does not wait for the lock (the busy timeout is 5 s) is measured by the benchmark (npm run bench, 6e).
  it('when another process holds the write lock, then status answers without caching', () => {
    const file = join(sops, 'pengecualian-smki.yaml');
    writeFileSync(file, readFileSync(file, 'utf8') + '\n# catatan\n');
    const status = () => sop(['status', id, '--json', '--db', db, '--sops', sops, '--as', 'sari']);
    const cached = cacheRows();
    const blocker = new Database(db);
    blocker.prepare('BEGIN IMMEDIATE').run();
    try {
      const r = status();
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).newerRevision).toBeNull();
      expect(cacheRows()).toEqual(cached);
    } finally {
      blocker.prepare('ROLLBACK').run();
      blocker.close();
    }
    // The control: with the lock free, the same status caches the file as it now is.
    const r = status();
    expect(r.code, r.stderr).toBe(0);
    expect(cacheRows()).not.toEqual(cached);
  });
});

describe('Given a store whose calendar was never read', () => {
  it('when an instance is advanced through the CLI, then the calendar read for the status it prints is cached in the same transaction', async () => {
    const fresh = join(dir, 'fresh.db');
    await storeAt(fresh, sops);
    const started = sop(['start', 'pengecualian-smki', '--json', '--db', fresh, '--sops', sops, '--as', 'sari']);
    const id = JSON.parse(started.stdout).id as string;
    const calendars = () => {
      const d = new Database(fresh, { readonly: true });
      try {
        return (d.prepare("SELECT count(*) AS n FROM source_cache WHERE kind = 'calendar'").get() as { n: number }).n;
      } finally {
        d.close();
      }
    };
    expect(calendars()).toBe(0);
    const r = sop(['advance', id, '--output', 'surat-permohonan=Surat', '--db', fresh, '--sops', sops, '--as', 'sari']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('next: step 2');
    expect(calendars()).toBe(1);
  });
});

describe('Given SOP pengelolaan-akses-pengguna, which names implementasi-security-patch as a related SOP', () => {
  it('when an instance was started (the file is known) and the related SOP file is then removed, then the next start is refused as the file check would', () => {
    const folder = join(dir, 'related');
    mkdirSync(folder);
    for (const f of ['pengelolaan-akses-pengguna.yaml', 'implementasi-security-patch.yaml']) copyFileSync(join(SOPS, f), join(folder, f));
    const run = (...args: string[]) => sop([...args, '--db', db, '--sops', folder, '--as', 'sari']);
    expect(run('start', 'pengelolaan-akses-pengguna').code).toBe(0);
    expect(run('start', 'pengelolaan-akses-pengguna').code).toBe(0);
    rmSync(join(folder, 'implementasi-security-patch.yaml'));
    const refused = run('start', 'pengelolaan-akses-pengguna');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('[sop.invalid]');
    expect(refused.stderr).toContain('ref.unknown-sop');
  });
});

describe('Given a store made at schema version 1', () => {
  it('when opened by this sop, then it migrates to the source cache and keeps its data', () => {
    const old = join(dir, 'v1.db');
    const raw = new Database(old);
    raw.exec(migrations[0]!.sql);
    raw.pragma('user_version = 1');
    raw.close();
    const r = sop(['init', '--admin', 'admin', '--db', old]);
    expect(r.code, r.stderr).toBe(0);
    const check = new Database(old, { readonly: true });
    try {
      expect(check.pragma('user_version', { simple: true })).toBe(migrations.length);
      expect(check.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'source_cache'").get()).toEqual({ n: 1 });
    } finally {
      check.close();
    }
  });
});
