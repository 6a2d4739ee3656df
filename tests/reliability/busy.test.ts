/**
 * "Use a busy timeout, and retry only when the transaction's BEGIN itself
 * is busy."
 *
 * Another process holds the write lock (BEGIN IMMEDIATE) for a while; a
 * writer with a short busy timeout must wait it out by retrying its BEGIN,
 * and give up with store.busy only after a bounded number of tries. A
 * failure after the BEGIN (in the body, or at COMMIT) is never retried:
 * the body has run once and its writes are rolled back.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Store, writeTransaction, BEGIN_RETRIES, BUSY_TIMEOUT_MS } from '../../dist/engine/store/index.js';
import { SopError } from '../../dist/engine/errors.js';
import { tempDir } from '../helpers/cli.js';

const dirs: string[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function freshStore(): string {
  const dir = tempDir('sop-busy-');
  dirs.push(dir);
  const file = join(dir, 'sop.db');
  Store.open(file).close();
  return file;
}

/** A process that takes the write lock, says "locked", holds it for `ms`, then commits. Resolves once it holds the lock. */
function holdLock(file: string, ms: number): Promise<void> {
  const code = `
    const Database = require(${JSON.stringify(require.resolve('better-sqlite3'))});
    const db = new Database(${JSON.stringify(file)});
    db.prepare('BEGIN IMMEDIATE').run();
    process.stdout.write('locked\\n');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ${ms});
    db.prepare('COMMIT').run();
    db.close();`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes('locked')) resolve();
    });
  });
}

function errorOf(fn: () => unknown): SopError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SopError);
    return e as SopError;
  }
  throw new Error('expected a SopError');
}

describe('Given a store whose write lock another process holds', () => {
  it('the default busy timeout is 5 s', () => {
    expect(BUSY_TIMEOUT_MS).toBe(5000);
  });

  it('when a writer with a 100 ms busy timeout writes while the lock is held for 350 ms, then its BEGIN is retried and the write succeeds, once', async () => {
    const file = freshStore();
    await holdLock(file, 350);
    const writer = Store.open(file, { busyTimeoutMs: 100 });
    try {
      const started = performance.now();
      let runs = 0;
      writeTransaction(writer.db, () => {
        runs++;
        writer.db.prepare("INSERT INTO blobs (sha256, size, content) VALUES ('probe', 1, x'00')").run();
      });
      const waited = performance.now() - started;
      expect(runs).toBe(1);
      // One BEGIN gives up after 100 ms; only retries can have waited out a 350 ms lock.
      expect(waited).toBeGreaterThan(150);
      expect(writer.db.prepare("SELECT count(*) AS n FROM blobs WHERE sha256 = 'probe'").get()).toEqual({ n: 1 });
    } finally {
      writer.close();
    }
  });

  it(`when the lock is held longer than the busy timeout and ${BEGIN_RETRIES} retries, then it is store.busy with a clear message, the body never ran, and nothing is written`, async () => {
    const file = freshStore();
    await holdLock(file, 4000);
    const writer = Store.open(file, { busyTimeoutMs: 50 });
    try {
      let runs = 0;
      const started = performance.now();
      const e = errorOf(() => writeTransaction(writer.db, () => runs++));
      expect(e.code).toBe('store.busy');
      expect(e.message).toMatch(/is locked by another sop process; nothing was written/);
      expect(e.hint).toMatch(/--request-id/);
      expect(runs).toBe(0);
      // Bounded: 1 + BEGIN_RETRIES tries of 50 ms with pauses of at most 200 ms between them.
      expect(performance.now() - started).toBeLessThan((1 + BEGIN_RETRIES) * 50 + BEGIN_RETRIES * 200 + 500);
    } finally {
      writer.close();
    }
  });
});

describe('Given a transaction whose body fails after its BEGIN', () => {
  it('when the body fails with SQLITE_BUSY, then it is not retried: the body ran once, its writes are rolled back, and store.busy is reported', () => {
    const file = freshStore();
    const store = Store.open(file);
    try {
      let runs = 0;
      const e = errorOf(() =>
        writeTransaction(store.db, () => {
          runs++;
          store.db.prepare("INSERT INTO blobs (sha256, size, content) VALUES ('half', 1, x'00')").run();
          throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
        }),
      );
      expect(e.code).toBe('store.busy');
      expect(runs).toBe(1);
      expect(store.db.inTransaction).toBe(false);
      expect(store.db.prepare("SELECT count(*) AS n FROM blobs WHERE sha256 = 'half'").get()).toEqual({ n: 0 });
    } finally {
      store.close();
    }
  });

  it('when a nested write fails, then only its savepoint is rolled back and the outer transaction goes on', () => {
    const store = Store.open(freshStore());
    try {
      writeTransaction(store.db, () => {
        store.db.prepare("INSERT INTO blobs (sha256, size, content) VALUES ('outer', 1, x'00')").run();
        expect(() =>
          writeTransaction(store.db, () => {
            store.db.prepare("INSERT INTO blobs (sha256, size, content) VALUES ('inner', 1, x'00')").run();
            throw new Error('inner failure');
          }),
        ).toThrow('inner failure');
      });
      const names = (store.db.prepare('SELECT sha256 FROM blobs ORDER BY sha256').all() as { sha256: string }[]).map((r) => r.sha256);
      expect(names).toEqual(['outer']);
    } finally {
      store.close();
    }
  });
});
