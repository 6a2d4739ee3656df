/**
 * "Flipped bytes or a truncated database: commands refuse to write and say
 * the database is damaged. sop verify reports what it can still check."
 *
 * A store built through the engine (tests/audit/fixture.ts), its WAL folded
 * into the file, then damaged at chosen places: the file header, the page of
 * the log that holds its newest entries, the newest entry's bytes, the log's
 * root page, and the file cut short. Each time, through the built CLI: every
 * write command is refused with exit 1 and a message that says the store is
 * damaged, the file keeps exactly its bytes, and `sop verify` says what it
 * could check and where it stopped.
 *
 * What a write cannot see: damage in pages it does not read (an old entry,
 * a stored output). Reading the whole file at every command would cost what
 * the store's size costs; `sop verify` reads it all, and finds that damage
 * (the last case here).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSync, copyFileSync, existsSync, openSync, readFileSync, rmSync, statSync, truncateSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sop, SOPS, STACK_TRACE, type CliResult } from '../../helpers/cli.js';
import { buildAuditFixture, type AuditFixture } from '../../audit/fixture.js';

let fixture: AuditFixture;
let pageSize: number;
/** Pages of the pristine store, as dbstat lists them. */
let pages: { name: string; pageno: number; pagetype: string }[];
/** The newest log entry: its seq and payload. */
let head: { seq: number; payload: string };

beforeAll(async () => {
  fixture = await buildAuditFixture();
  const conn = new Database(fixture.db);
  conn.pragma('wal_checkpoint(TRUNCATE)');
  pageSize = conn.pragma('page_size', { simple: true }) as number;
  pages = conn.prepare('SELECT name, pageno, pagetype FROM dbstat ORDER BY pageno').all() as typeof pages;
  head = conn.prepare('SELECT seq, payload FROM log ORDER BY seq DESC LIMIT 1').get() as typeof head;
  conn.close();
});

afterAll(() => rmSync(fixture.dir, { recursive: true, force: true }));

let copies = 0;
/** A copy of the pristine store (the .db file alone: its WAL is empty), damaged by `damage`. */
function damagedCopy(damage: (file: string) => void): string {
  const file = join(fixture.dir, `damaged-${++copies}.db`);
  copyFileSync(fixture.db, file);
  damage(file);
  return file;
}

function overwrite(file: string, offset: number, bytes: Buffer): void {
  const fd = openSync(file, 'r+');
  try {
    writeSync(fd, bytes, 0, bytes.length, offset);
  } finally {
    closeSync(fd);
  }
}

/** Flips every bit of `length` bytes at `offset`. */
function flip(file: string, offset: number, length: number): void {
  const bytes = readFileSync(file).subarray(offset, offset + length);
  overwrite(file, offset, Buffer.from(bytes.map((b) => b ^ 0xff)));
}

/** `sop args` on `db`, run by the OS login `login` (each person of the fixture is bound to a login of their name). */
const run = (db: string, args: string[], login?: string): CliResult => sop([...args, '--db', db, '--sops', SOPS], { cwd: fixture.dir, ...(login === undefined ? {} : { login }) });

/** The writes an operator and an administrator make, each as their own OS login. */
const writes = (): [login: string, args: string[]][] => [
  ['admin', ['user', 'add', 'budi']],
  ['admin', ['user', 'grant', 'sari', 'kepala-bidang-persandian']],
  ['admin', ['publish', 'pengecualian-smki', '--effective', '2026-11-01']],
  ['sari', ['start', 'pengecualian-smki']],
  ['rina', ['advance', fixture.atDecision, '--step', 'persetujuan-permohonan', '--choice', 'setuju']],
  ['sari', ['advance', fixture.fresh, '--step', 'pengajuan-permohonan', '--output', 'surat-permohonan=Surat baru']],
  ['sari', ['cancel', fixture.fresh, '--reason', 'Dibatalkan']],
];

/** Every write is refused: exit 1, the `code` line saying why, a hint, no stack trace, and the file keeps its bytes. */
function expectWritesRefused(db: string, code: string, why: RegExp): void {
  const bytes = readFileSync(db);
  for (const [login, args] of writes()) {
    const r = run(db, args, login);
    const what = `sop ${args.join(' ')}\n${r.stderr}`;
    expect(r.stderr, what).not.toMatch(STACK_TRACE);
    expect(r.stderr, what).not.toContain('internal error');
    expect(r.code, what).toBe(1);
    expect(r.stdout, what).toBe('');
    const first = r.stderr.split('\n')[0]!;
    expect(first, what).toMatch(new RegExp(`\\[${code.replace('.', '\\.')}\\]$`));
    expect(first, what).toMatch(why);
    expect(r.stderr, what).toMatch(/hint: .*(restore|backup)/);
  }
  expect(readFileSync(db).equals(bytes), 'the damaged file was not written to').toBe(true);
  expect(existsSync(`${db}-wal`) ? statSync(`${db}-wal`).size : 0).toBe(0);
}

interface VerifyJson {
  ok: boolean;
  entries: number;
  instances: number;
  definitions: number;
  blobs: number;
  breaks: { code: string; seq?: number; message: string }[];
}

function verify(db: string): { r: CliResult; json: VerifyJson | undefined } {
  const r = run(db, ['verify', '--json']);
  expect(r.stderr).not.toMatch(STACK_TRACE);
  expect(r.stderr).not.toContain('internal error');
  expect(r.code).toBe(1);
  return { r, json: r.stdout ? (JSON.parse(r.stdout) as VerifyJson) : undefined };
}

/** Where `text` is stored in a leaf page of the log (not in a freed page that still holds an old copy). */
function inLogLeaf(file: string, text: string): number {
  const bytes = readFileSync(file);
  for (const page of pagesOf('log', 'leaf')) {
    const at = bytes.subarray(offsetOf(page), offsetOf(page) + pageSize).indexOf(Buffer.from(text));
    if (at >= 0) return offsetOf(page) + at;
  }
  throw new Error(`not in a log leaf page: ${text.slice(0, 40)}`);
}

const pagesOf = (name: string, type?: string) => pages.filter((p) => p.name === name && (type === undefined || p.pagetype === type)).map((p) => p.pageno);
const offsetOf = (page: number) => (page - 1) * pageSize;

describe('Given a store whose file header is damaged (the "SQLite format 3" magic flipped)', () => {
  it('then every write is refused as not an SQLite database, or a damaged header (exit 1), and the file keeps its bytes', () => {
    const db = damagedCopy((f) => flip(f, 0, 16));
    expectWritesRefused(db, 'store.not-a-database', /is not an SQLite database \(or its header is damaged\)/);
  });

  it('then sop verify cannot check anything, and says so (exit 1)', () => {
    const db = damagedCopy((f) => flip(f, 0, 16));
    const { r } = verify(db);
    expect(r.stderr).toMatch(/\[store\.not-a-database\]/);
  });
});

describe('Given a store whose log page holding the newest entries is damaged (its cell pointers flipped)', () => {
  const damage = (f: string) => {
    const leaf = Math.max(...pagesOf('log', 'leaf'));
    // A leaf page: 8 bytes of header, then the cell pointer array.
    flip(f, offsetOf(leaf) + 8, 16);
  };

  it('then every write is refused: the store is damaged (exit 1), and the file keeps its bytes', () => {
    expectWritesRefused(damagedCopy(damage), 'store.damaged', /the store .* is damaged \(SQLite reports: .*malformed.*\); sop does not write to a damaged store/);
  });

  it('then sop verify checks the entries it can read, the definitions and the stored outputs, and reports where the log became unreadable', () => {
    const { json } = verify(damagedCopy(damage));
    expect(json).toBeDefined();
    expect(json!.ok).toBe(false);
    const damaged = json!.breaks.filter((b) => b.code === 'store.damaged');
    expect(damaged.length).toBeGreaterThan(0);
    expect(damaged[0]!.message).toMatch(/could not be read: the file is damaged|cannot be read after entry \d+: the file is damaged/);
    expect(json!.definitions).toBeGreaterThan(0);
    expect(json!.blobs).toBeGreaterThan(0);
  });
});

describe('Given a store whose newest log entry has flipped bytes inside its payload (SQLite itself sees nothing wrong)', () => {
  const damage = (f: string) => {
    const bytes = readFileSync(f);
    const at = inLogLeaf(f, head.payload);
    // A letter of the payload: the JSON stays readable, the hash does not match any more.
    overwrite(f, at + 10, Buffer.from([bytes[at + 10]! ^ 0x01]));
  };

  it('then every write is refused: the newest entry no longer matches its hash, so nothing is chained onto it', () => {
    expectWritesRefused(damagedCopy(damage), 'store.damaged', new RegExp(`its last log entry, ${head.seq}, no longer matches its hash`));
  });

  it('then reading still works, and sop verify checks everything and names the entry (chain.content)', () => {
    const db = damagedCopy(damage);
    const list = run(db, ['list', '--json']);
    expect(list.code, list.stderr).toBe(0);
    const { json } = verify(db);
    expect(json!.entries).toBe(head.seq);
    expect(json!.breaks[0]).toMatchObject({ code: 'chain.content', seq: head.seq });
  });
});

describe('Given a store whose log root page is damaged (its page type byte zeroed)', () => {
  const damage = (f: string) => overwrite(f, offsetOf(pagesOf('log')[0]!) + (pagesOf('log')[0] === 1 ? 100 : 0), Buffer.from([0x00]));

  it('then every write is refused: the store is damaged (exit 1), and the file keeps its bytes', () => {
    expectWritesRefused(damagedCopy(damage), 'store.damaged', /is damaged \(SQLite reports: .*malformed/);
  });

  it('then sop verify still checks the definitions, outputs and users tables it can read, and reports the log as damaged', () => {
    const { json } = verify(damagedCopy(damage));
    expect(json!.breaks.some((b) => b.code === 'store.damaged')).toBe(true);
    expect(json!.definitions).toBeGreaterThan(0);
    expect(json!.blobs).toBeGreaterThan(0);
  });
});

describe('Given a store cut short (truncated to the first half of its pages)', () => {
  const damage = (f: string) => truncateSync(f, Math.floor(pages.length / 2) * pageSize);

  it('then every write is refused: the store is damaged (exit 1), and the file keeps its bytes', () => {
    expectWritesRefused(damagedCopy(damage), 'store.damaged', /is damaged \(SQLite reports: /);
  });

  it('then sop verify reports the damage instead of failing (exit 1)', () => {
    const { r, json } = verify(damagedCopy(damage));
    if (json) expect(json.breaks.some((b) => b.code === 'store.damaged')).toBe(true);
    else expect(r.stderr).toMatch(/\[store\.damaged\]/);
  });
});

describe('Given a store with flipped bytes in an old entry, which no write reads', () => {
  it('then writes go on (the damage is not where they read), but sop verify finds it and names the entry', () => {
    const conn = new Database(fixture.db, { readonly: true });
    // The entry that added sari: nothing reads a user's entry again but verify.
    const old = conn.prepare(`SELECT seq, payload FROM log WHERE kind = 'user' AND payload LIKE '%"action":"add"%"user":"sari"%'`).get() as { seq: number; payload: string };
    conn.close();
    const db = damagedCopy((f) => {
      const bytes = readFileSync(f);
      const at = inLogLeaf(f, old.payload);
      overwrite(f, at + 10, Buffer.from([bytes[at + 10]! ^ 0x01]));
    });
    const write = run(db, ['user', 'add', 'budi'], 'admin');
    expect(write.code, write.stderr).toBe(0);
    const { json } = verify(db);
    expect(json!.breaks[0]).toMatchObject({ code: 'chain.content', seq: old.seq });
    expect(json!.entries).toBe(head.seq + 1);
  });
});

describe('Given a store with an old publication entry made unreadable, which writes that check roles read', () => {
  it('then such a write is refused as a damaged store (exit 1, no internal error), the file keeps its bytes, and sop verify names the entry', () => {
    const conn = new Database(fixture.db, { readonly: true });
    const old = conn.prepare(`SELECT seq, payload FROM log WHERE kind = 'definition' AND payload LIKE '{"action":"publish"%' ORDER BY seq LIMIT 1`).get() as { seq: number; payload: string };
    conn.close();
    // The payload's opening brace becomes a '#': the JSON no longer parses.
    const db = damagedCopy((f) => overwrite(f, inLogLeaf(f, old.payload), Buffer.from('#')));
    const bytes = readFileSync(db);
    const r = run(db, ['user', 'grant', 'sari', 'kepala-bidang-persandian'], 'admin');
    expect(r.stderr).not.toMatch(STACK_TRACE);
    expect(r.stderr).not.toContain('internal error');
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr.split('\n')[0]).toMatch(new RegExp(`log entry ${old.seq}, a publication, is not readable.* \\[store\\.damaged\\]$`));
    expect(readFileSync(db).equals(bytes)).toBe(true);
    const { json } = verify(db);
    expect(json!.breaks[0]).toMatchObject({ seq: old.seq });
  });
});
