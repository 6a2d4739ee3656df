/**
 * The hot commands read the SOP folder through the store's source cache
 * (migration 003): a file is parsed once per state of it (path, size,
 * modification time, inode), and an edit is seen at once. The cache is a
 * convenience: a store that cannot take the write still answers.
 *
 * Here through the engine, one engine per command as the CLI opens them;
 * what needs the built CLI (another process holding the write lock, an
 * advance that prints its status, a related SOP file removed, a store of
 * schema version 1): tests/e2e/runtime/source-cache.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Engine } from '../../engine/index.js';
import { tempDir, SOPS } from '../helpers/cli.js';
import { officeWith, openOffice } from '../helpers/engine.js';

let dir: string;
let sops: string;
let db: string;
let id: string;
const now = new Date('2026-11-23T01:00:00Z'); // Monday 09:00 WITA

/** Runs `fn` as `user` on an engine opened for it and closed after, as each CLI command does: nothing is remembered between two of them but the store. */
async function as<T>(user: string, fn: (e: Engine) => Promise<T>): Promise<T> {
  const office = await openOffice(db, { sops, clock: () => now, osUser: 'test', create: false });
  try {
    return await fn(office.as(user));
  } finally {
    await office.close();
  }
}

const cacheRows = () => {
  const d = new Database(db, { readonly: true });
  try {
    return d.prepare('SELECT kind, count(*) AS n FROM source_cache GROUP BY kind ORDER BY kind').all() as { kind: string; n: number }[];
  } finally {
    d.close();
  }
};

beforeAll(async () => {
  dir = tempDir('sop-sources-');
  sops = join(dir, 'sops');
  db = join(dir, 'sop.db');
  mkdirSync(sops);
  for (const f of ['pengecualian-smki.yaml', 'calendar.yaml']) copyFileSync(join(SOPS, f), join(sops, f));
  const office = await officeWith(db, { sari: [] }, { sops, clock: () => now, osUser: 'test' });
  await office.close();
  id = await as('sari', async (e) => (await e.instances.start('pengecualian-smki')).id);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Given an instance and the SOP folder it came from', () => {
  it('when status is asked twice, then the SOP file and the calendar are each cached once, and the answer is the same', async () => {
    const first = await as('sari', (e) => e.instances.status(id));
    expect(cacheRows()).toEqual([
      { kind: 'calendar', n: 1 },
      { kind: 'sop', n: 1 },
    ]);
    const second = await as('sari', (e) => e.instances.status(id));
    expect(second).toEqual(first);
    expect(cacheRows()).toEqual([
      { kind: 'calendar', n: 1 },
      { kind: 'sop', n: 1 },
    ]);
    expect(first.newerRevision).toBeNull();
    expect(first.current[0]!.dueLocal).toBe('2026-11-23 09:10 WITA');
  });

  it('when the calendar file is edited (the office starts at 10:00 on Mondays), then the next status sees it', async () => {
    const file = join(sops, 'calendar.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('monday:    ["07:30-12:00", "13:00-16:00"]', 'monday:    ["10:00-12:00", "13:00-16:00"]'));
    const view = await as('sari', (e) => e.instances.status(id));
    // Activated at 09:00, before work: the 10 minutes run from 10:00.
    expect(view.current[0]!.dueLocal).toBe('2026-11-23 10:10 WITA');
    expect(cacheRows()).toEqual([
      { kind: 'calendar', n: 2 },
      { kind: 'sop', n: 1 },
    ]);
  });

  it('when the SOP file is edited to a new revision, even within the same second and size, then status names it', async () => {
    const file = join(sops, 'pengecualian-smki.yaml');
    const text = readFileSync(file, 'utf8');
    const edited = text.replace('revision: 1', 'revision: 2');
    expect(edited.length).toBe(text.length);
    writeFileSync(file, edited);
    expect((await as('sari', (e) => e.instances.status(id))).newerRevision).toMatchObject({ revision: 2 });
    // Back to the first text with an old modification time: a new state of the file, so it is read again.
    writeFileSync(file, text);
    utimesSync(file, new Date('2020-01-01'), new Date('2020-01-01'));
    expect((await as('sari', (e) => e.instances.status(id))).newerRevision).toBeNull();
  });

  it('then the instance still advances and verifies: the cache never touched the log', async () => {
    await as('sari', (e) => e.instances.advance(id, { outputs: [{ id: 'surat-permohonan', value: 'Surat' }] }));
    const report = await as('sari', (e) => e.audit.verify());
    expect(report, JSON.stringify(report.breaks)).toMatchObject({ ok: true, breaks: [] });
  });
});
