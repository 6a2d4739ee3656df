/**
 * "Use a busy timeout, and retry only when the transaction's BEGIN itself
 * is busy."
 *
 * Another process holds the write lock (BEGIN IMMEDIATE) until the test
 * tells it to let go; a writer with a short busy timeout must wait it out by
 * retrying its BEGIN, and give up with store.busy only after a bounded
 * number of tries. A failure after the BEGIN (in the body, or at COMMIT) is
 * never retried: the body has run once and its writes are rolled back.
 *
 * Nothing here depends on how long anything takes: the test counts the
 * BEGINs the engine runs, and the lock is let go, through a named pipe, at
 * the moment the first BEGIN has found it taken, not after some time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { Store, BEGIN_RETRIES, BUSY_TIMEOUT_MS } from '../../engine/store/index.js';
import type { Writer } from '../../engine/store/tx.js';
import { SopError } from '../../engine/errors.js';
import { hintFor } from '../../cli/hints.js';
import { tempDir } from '../helpers/cli.js';
import { completed, storeWithInstance } from '../store/helpers.js';

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

function fifo(path: string): string {
  const made = spawnSync('mkfifo', [path], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`mkfifo ${path}: ${made.error?.message ?? made.stderr}`);
  return path;
}

interface Lock {
  /** Makes the holder roll back and close, and returns once it has: the lock is free. Synchronous, so it can run inside the engine's BEGIN. */
  release(): void;
}

/**
 * A process that takes the write lock and says "locked", then holds it until the test writes to
 * the named pipe `release`; then it rolls back, closes, and writes to the pipe `released`.
 * Resolves once it holds the lock.
 */
function holdLock(file: string): Promise<Lock> {
  const dir = join(file, '..');
  const release = fifo(join(dir, 'release'));
  const released = fifo(join(dir, 'released'));
  const code = `
    const fs = require('node:fs');
    const Database = require(${JSON.stringify(require.resolve('better-sqlite3'))});
    const db = new Database(${JSON.stringify(file)});
    db.prepare('BEGIN IMMEDIATE').run();
    process.stdout.write('locked\\n');
    fs.readFileSync(${JSON.stringify(release)});
    db.prepare('ROLLBACK').run();
    db.close();
    fs.writeFileSync(${JSON.stringify(released)}, 'released\\n');`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  let done = false;
  const lock: Lock = {
    release() {
      if (done) return;
      done = true;
      // Each blocks until the other end is open: the holder is waiting on the first, and answers on the second once it has let go.
      writeFileSync(release, 'release\n');
      readFileSync(released);
    },
  };
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`the lock holder ended (${code}) before it held the lock`)));
    child.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes('locked')) resolve(lock);
    });
  });
}

/**
 * Counts the BEGINs the store runs (its Writer prepares one BEGIN IMMEDIATE per connection, in its
 * constructor: see engine/store/tx.ts), and calls `onBusy(n)` when the n-th one finds the lock taken,
 * before the store sees the failure. Call before the store's first write transaction.
 */
function watchBegins(store: Store, onBusy: (attempt: number) => void = () => {}): { attempts: number } {
  const seen = { attempts: 0 };
  // Private members, reached on purpose: the statement the store really runs, not a copy of it.
  const writer = (store as unknown as { writer: Writer }).writer;
  const statement = (writer as unknown as { beginStatement: Database.Statement }).beginStatement;
  expect(statement.source).toMatch(/^BEGIN IMMEDIATE$/i);
  const run = statement.run.bind(statement);
  statement.run = (...params) => {
    const attempt = ++seen.attempts;
    try {
      return run(...params);
    } catch (e) {
      if (String((e as { code?: unknown }).code).startsWith('SQLITE_BUSY')) onBusy(attempt);
      throw e;
    }
  };
  return seen;
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

const blobCount = (store: Store): unknown => store.db.prepare('SELECT count(*) AS n FROM blobs').get();

describe('Given a store whose write lock another process holds', () => {
  it('the default busy timeout is 5 s', () => {
    expect(BUSY_TIMEOUT_MS).toBe(5000);
  });

  it('when a writer with a 100 ms busy timeout writes, and the lock is let go once its first BEGIN has found it taken, then its BEGIN is retried and the write succeeds, once', async () => {
    const file = freshStore();
    const lock = await holdLock(file);
    const writer = Store.open(file, { busyTimeoutMs: 100 });
    try {
      const begins = watchBegins(writer, (attempt) => {
        if (attempt === 1) lock.release();
      });
      let runs = 0;
      let writes = 0;
      const ref = writer.write((tx) => {
        runs++;
        // The first write opens the transaction: its BEGIN is the one that finds the lock taken.
        const put = tx.putBlob('probe');
        writes++;
        return put;
      });
      // The first BEGIN gave up on the lock; only its retry can have written.
      expect(begins.attempts).toBe(2);
      expect(runs).toBe(1);
      expect(writes).toBe(1);
      expect(writer.getBlob(ref.sha256)?.toString('utf8')).toBe('probe');
      expect(blobCount(writer)).toEqual({ n: 1 });
    } finally {
      writer.close();
    }
  });

  it(`when the lock is held through the busy timeout and ${BEGIN_RETRIES} retries, then it is store.busy with a clear message, no write of the body ran, and nothing is written`, async () => {
    const file = freshStore();
    const lock = await holdLock(file);
    const writer = Store.open(file, { busyTimeoutMs: 50 });
    try {
      const begins = watchBegins(writer);
      let runs = 0;
      let writes = 0;
      const e = errorOf(() =>
        writer.write((tx) => {
          runs++;
          tx.putBlob('never');
          writes++;
        }),
      );
      expect(e.code).toBe('store.busy');
      expect(e.message).toMatch(/is locked by another sop process; nothing was written/);
      expect(hintFor(e)).toMatch(/--request-id/);
      // The body runs up to its first write, whose BEGIN gave up: that write, and what follows it, never ran.
      expect(runs).toBe(1);
      expect(writes).toBe(0);
      // Bounded: the first BEGIN and BEGIN_RETRIES more, then it gave up.
      expect(begins.attempts).toBe(1 + BEGIN_RETRIES);
      expect(writer.db.inTransaction).toBe(false);
      lock.release();
      expect(blobCount(writer)).toEqual({ n: 0 });
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
      const begins = watchBegins(store);
      let runs = 0;
      const e = errorOf(() =>
        store.write((tx) => {
          runs++;
          tx.putBlob('half');
          throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
        }),
      );
      expect(e.code).toBe('store.busy');
      expect(runs).toBe(1);
      expect(begins.attempts).toBe(1);
      expect(store.db.inTransaction).toBe(false);
      expect(blobCount(store)).toEqual({ n: 0 });
    } finally {
      store.close();
    }
  });

  it('when a nested write fails, then only its savepoint is rolled back and the outer transaction goes on', () => {
    const { store } = storeWithInstance(freshStore());
    const contents = () => (store.db.prepare('SELECT content FROM blobs ORDER BY sha256').all() as { content: Buffer }[]).map((r) => r.content.toString('utf8'));
    const before = contents();
    const head = store.head();
    store.write((tx) => {
      tx.putBlob('outer');
      // An event with two outputs: the first is stored, then the second fails, inside the append's own savepoint.
      expect(() => tx.appendEvent('I-1', 1, completed(), { at: 'selesai' }, {}, ['inner', null as unknown as string])).toThrow();
    });
    expect(contents().sort()).toEqual([...before, 'outer'].sort());
    expect(store.head()).toEqual(head);
    expect(store.getInstance('I-1')?.version).toBe(1);
  });
});
