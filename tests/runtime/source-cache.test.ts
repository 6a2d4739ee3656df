/**
 * The hot commands read the SOP folder through the store's source cache
 * (migration 003): a file is parsed once per state of it (path, size,
 * modification time, inode), and an edit is seen at once. The cache is a
 * convenience: a store that cannot take the write still answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Session, initDatabase, addUser, startInstance, advanceInstance, instanceStatus } from '../../dist/engine/index.js';
import { migrations } from '../../dist/engine/store/migrations/index.js';
import { sop, tempDir, SOPS } from '../helpers/cli.js';
import { actingAs } from '../helpers/session.js';

let dir: string;
let sops: string;
let db: string;
let id: string;
const now = new Date('2026-11-23T01:00:00Z'); // Monday 09:00 WITA

const as = actingAs(() => db, { sops: () => sops, clock: () => now, osUser: 'test' });
const cacheRows = () => {
  const d = new Database(db, { readonly: true });
  try {
    return d.prepare('SELECT kind, count(*) AS n FROM source_cache GROUP BY kind ORDER BY kind').all() as { kind: string; n: number }[];
  } finally {
    d.close();
  }
};

beforeAll(() => {
  dir = tempDir('sop-sources-');
  sops = join(dir, 'sops');
  db = join(dir, 'sop.db');
  mkdirSync(sops);
  for (const f of ['pengecualian-smki.yaml', 'calendar.yaml']) copyFileSync(join(SOPS, f), join(sops, f));
  as('admin', (s) => initDatabase(s, 'admin'), true);
  as('admin', (s) => addUser(s, 'sari', [], false));
  id = as('sari', (s) => startInstance(s, 'pengecualian-smki').id);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Given an instance and the SOP folder it came from', () => {
  it('when status is asked twice, then the SOP file and the calendar are each cached once, and the answer is the same', () => {
    const first = as('sari', (s) => instanceStatus(s, id));
    expect(cacheRows()).toEqual([{ kind: 'calendar', n: 1 }, { kind: 'sop', n: 1 }]);
    const second = as('sari', (s) => instanceStatus(s, id));
    expect(second).toEqual(first);
    expect(cacheRows()).toEqual([{ kind: 'calendar', n: 1 }, { kind: 'sop', n: 1 }]);
    expect(first.newerRevision).toBeNull();
    expect(first.current[0]!.dueLocal).toBe('2026-11-23 09:10 WITA');
  });

  it('when the calendar file is edited (the office starts at 10:00 on Mondays), then the next status sees it', () => {
    const file = join(sops, 'calendar.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('monday:    ["07:30-12:00", "13:00-16:00"]', 'monday:    ["10:00-12:00", "13:00-16:00"]'));
    const view = as('sari', (s) => instanceStatus(s, id));
    // Activated at 09:00, before work: the 10 minutes run from 10:00.
    expect(view.current[0]!.dueLocal).toBe('2026-11-23 10:10 WITA');
    expect(cacheRows()).toEqual([{ kind: 'calendar', n: 2 }, { kind: 'sop', n: 1 }]);
  });

  it('when the SOP file is edited to a new revision, even within the same second and size, then status names it', () => {
    const file = join(sops, 'pengecualian-smki.yaml');
    const text = readFileSync(file, 'utf8');
    const edited = text.replace('revision: 1', 'revision: 2');
    expect(edited.length).toBe(text.length);
    writeFileSync(file, edited);
    expect(as('sari', (s) => instanceStatus(s, id)).newerRevision).toMatchObject({ revision: 2 });
    // Back to the first text with an old modification time: a new state of the file, so it is read again.
    writeFileSync(file, text);
    utimesSync(file, new Date('2020-01-01'), new Date('2020-01-01'));
    expect(as('sari', (s) => instanceStatus(s, id)).newerRevision).toBeNull();
  });

  // That it does not wait for the lock (the busy timeout is 5 s) is measured by the benchmark (npm run bench, 6e).
  it('when another process holds the write lock, then status answers without caching', () => {
    const file = join(sops, 'pengecualian-smki.yaml');
    writeFileSync(file, readFileSync(file, 'utf8') + '\n# catatan\n');
    const cached = cacheRows();
    const blocker = new Database(db);
    blocker.prepare('BEGIN IMMEDIATE').run();
    try {
      const r = sop(['status', id, '--json', '--db', db, '--sops', sops, '--as', 'sari']);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).newerRevision).toBeNull();
      expect(cacheRows()).toEqual(cached);
    } finally {
      blocker.prepare('ROLLBACK').run();
      blocker.close();
    }
  });

  it('then the instance still advances and verifies: the cache never touched the log', () => {
    as('sari', (s) => advanceInstance(s, id, { outputs: [{ id: 'surat-permohonan', value: 'Surat' }] }));
    const r = sop(['verify', '--db', db, '--sops', sops]);
    expect(r.code, r.stdout).toBe(0);
  });
});

describe('Given a store whose calendar was never read', () => {
  it('when an instance is advanced through the CLI, then the calendar read for the status it prints is cached in the same transaction', () => {
    const fresh = join(dir, 'fresh.db');
    const s = new Session({ db: fresh, sops, identity: { user: 'admin', osUser: 'test' } }, { create: true });
    try {
      initDatabase(s, 'admin');
      addUser(s, 'sari', [], false);
    } finally {
      s.close();
    }
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
