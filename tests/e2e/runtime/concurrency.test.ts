/**
 * "Two processes advancing the same step at once: one succeeds, the other
 * gets the conflict error, and the history holds one completion."
 *
 * Real processes: the built CLI, two `sop advance --step` at a time on the
 * same instance of the same SQLite file, each as the OS login of its person, both started before either begins
 * (a start gate holds each process until all are running). The second
 * operator reading exactly between the first one's read and its write, in
 * one process: tests/runtime/concurrency.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Engine, HistoryEntry } from '../../../engine/index.js';
import { sha256Hex } from '../../../engine/store/index.js';
import { officeWith, openOffice } from '../../helpers/engine.js';
import { sop, spawnSopTogether, tempDir, SOPS, STACK_TRACE } from '../../helpers/cli.js';

let dir: string;
let db: string;

/** Runs `fn` in-process as `user`, on an engine opened for it and closed after: the CLI processes find the file as they would. */
async function as<T>(user: string, fn: (e: Engine) => Promise<T>): Promise<T> {
  const office = await openOffice(db, { create: false });
  try {
    return await fn(office.as(user));
  } finally {
    await office.close();
  }
}

/** `sop args` on the test store, run by the OS login `login` (each person is bound to a login of their name). */
const run = (args: string[], login = 'admin') => sop(args, { cwd: dir, env: { SOP_DB: db, SOP_DIR: SOPS }, login });

/** Runs each `sop <args>` as a child process on the test store, as the login given, all begun together; resolves when all have ended. */
const spawnTogether = (runs: { login: string; args: string[] }[]) => spawnSopTogether(runs.map(({ login, args }) => ({ args, options: { cwd: dir, env: { SOP_DB: db, SOP_DIR: SOPS }, login } })));

function logRowsOf(instance: string): { seq: number; version: number | null; payload: string }[] {
  const conn = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return conn.prepare('SELECT seq, version, payload FROM log WHERE instance_id = ? ORDER BY seq').all(instance) as { seq: number; version: number | null; payload: string }[];
  } finally {
    conn.close();
  }
}

function tableRows(): Record<string, unknown[]> {
  const conn = new Database(db, { readonly: true, fileMustExist: true });
  try {
    const all = (sql: string) => conn.prepare(sql).all();
    return {
      log: all('SELECT * FROM log ORDER BY seq'),
      instances: all('SELECT * FROM instances ORDER BY id'),
      blobs: all('SELECT sha256, size FROM blobs ORDER BY sha256'),
      users: all('SELECT * FROM users ORDER BY name'),
    };
  } finally {
    conn.close();
  }
}

const history = (instance: string): Promise<HistoryEntry[]> => as('admin', async (e) => (await e.instances.history(instance)).entries);

beforeAll(async () => {
  dir = tempDir('sop-concurrency-');
  db = join(dir, 'sop.db');
  const office = await officeWith(db, {
    // Two people with the same role: either may take the step, and both try at once.
    kabid1: ['kepala-bidang-aptika'],
    kabid2: ['kepala-bidang-aptika'],
    pengusul: [],
    tekno1: ['pengelola-tim-teknis'],
    tekno2: ['pengelola-tim-teknis'],
  });
  await office.close();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Given 10 instances of pengelolaan-akses-pengguna waiting at step 2, and two people holding its role', () => {
  const RACES = 10;
  let instances: string[] = [];

  beforeAll(async () => {
    instances = await as('pengusul', async (e) => {
      const ids: string[] = [];
      for (let i = 0; i < RACES; i++) {
        const { id } = await e.instances.start('pengelolaan-akses-pengguna', { title: `Akun ${i}` });
        await e.instances.advance(id, { step: 'usulan-pengguna-baru' });
        ids.push(id);
      }
      return ids;
    });
  });

  // Two rounds, one per step (a process step, then a decision): each round runs its 10 races at once
  // (20 processes), so that some losers read before the winner commits (conflict at the append) and
  // some after (the step is already completed); a run sees about as many of each.
  const rounds: { step: string; extra: string[]; next: string }[] = [
    { step: 'penerimaan-usulan', extra: [], next: 'verifikasi-persetujuan' },
    { step: 'verifikasi-persetujuan', extra: ['--choice', 'disetujui'], next: 'disposisi-admin' },
  ];

  for (const [n, round] of rounds.entries()) {
    it(`round ${n + 1}: when kabid1 and kabid2 both advance step "${round.step}" of each instance at once, then exactly one wins each race and the other gets store.conflict`, async () => {
      const before: { rows: ReturnType<typeof logRowsOf>; history: HistoryEntry[] }[] = [];
      for (const id of instances) before.push({ rows: logRowsOf(id), history: await history(id) });

      // All 20 processes are running before any of them begins: the two of each race overlap by construction.
      const runs = instances.flatMap((id) => ['kabid1', 'kabid2'].map((login) => ({ login, args: ['advance', id, '--step', round.step, ...round.extra, '--json'] })));
      const ended = await spawnTogether(runs);
      const results = instances.map((_, i) => ended.slice(2 * i, 2 * i + 2).map((r, j) => ({ ...r, login: runs[2 * i + j]!.login })));

      for (const [i, pair] of results.entries()) {
        const id = instances[i]!;
        for (const p of pair) expect(p.stderr, p.stderr).not.toMatch(STACK_TRACE);

        const winners = pair.filter((p) => p.code === 0);
        const losers = pair.filter((p) => p.code !== 0);
        expect(winners, pair.map((p) => `${p.code} ${p.stderr}`).join('\n')).toHaveLength(1);
        expect(losers).toHaveLength(1);
        const winner = winners[0]!;
        const loser = losers[0]!;
        expect(loser.code).toBe(1);
        expect(loser.stdout).toBe('');
        expect(loser.stderr).toContain('[store.conflict]');
        expect(loser.stderr).toContain(`hint: run \`sop status ${id}\` and try again`);
        const winnerUser = winner.login;
        expect(JSON.parse(winner.stdout)).toMatchObject({ id, version: before[i]!.rows.filter((r) => r.version !== null).length + 1, current: [{ step: round.next }] });

        // The history holds one completion of the step, by the winner, and nothing from the loser (not even a refusal).
        const after = await history(id);
        expect(after.slice(0, before[i]!.history.length)).toEqual(before[i]!.history);
        const added = after.slice(before[i]!.history.length);
        expect(added).toHaveLength(1);
        expect(added[0]).toMatchObject({ type: 'completed', step: round.step, user: winnerUser });
        expect(after.filter((e) => e.type === 'completed' && e.step === round.step)).toHaveLength(1);
        expect(after.filter((e) => e.type === 'refused')).toHaveLength(0);
        // In the database: one new log row for the instance, with the next version.
        const rows = logRowsOf(id);
        expect(rows).toHaveLength(before[i]!.rows.length + 1);
        expect(rows.at(-1)!.version).toBe(before[i]!.rows.at(-1)!.version! + 1);
      }
    });
  }

  it('then every instance has exactly one completion of each raced step and stands at step 4', async () => {
    for (const id of instances) {
      const entries = await history(id);
      expect(entries.map((e) => `${e.type}:${e.step ?? ''}`)).toEqual(['started:', 'completed:usulan-pengguna-baru', 'completed:penerimaan-usulan', 'completed:verifikasi-persetujuan']);
      expect(entries[3]!.choice).toBe('disetujui');
    }
    const listed = JSON.parse(run(['list', '--sop', 'pengelolaan-akses-pengguna', '--json']).stdout) as { id: string; current: string }[];
    expect(listed.filter((l) => instances.includes(l.id)).map((l) => l.current)).toEqual(instances.map(() => 'disposisi-admin'));
  });
});

describe('Given an instance of pengecualian-smki that moved on since an operator read its version', () => {
  let id: string;

  beforeAll(async () => {
    id = await as('pengusul', async (e) => (await e.instances.start('pengecualian-smki')).id);
  });

  it('when advanced with --expect-version of the old version, then it is store.conflict (exit 1) and nothing at all is written', () => {
    const read = JSON.parse(run(['status', id, '--json']).stdout);
    expect(read.version).toBe(1);
    const first = run(['advance', id, '--step', 'pengajuan-permohonan', '--expect-version', '1', '--output', 'surat-permohonan=Surat Permohonan'], 'pengusul');
    expect(first.code, first.stderr).toBe(0);

    const before = tableRows();
    const stale = 'Daftar resiko dari versi lama';
    const r = run(['advance', id, '--step', 'analisis-resiko', '--expect-version', '1', '--output', `daftar-resiko=${stale}`], 'tekno1');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toMatch(STACK_TRACE);
    expect(r.stderr).toMatch(/^sop: instance .+ changed since you read it \(version 1, now 2\) \[store\.conflict\]$/m);
    expect(r.stderr).toContain(`hint: run \`sop status ${id}\` and try again`);
    // Not a refusal record, not the output's content, nothing.
    expect(tableRows()).toEqual(before);
    expect((before.blobs as { sha256: string }[]).map((b) => b.sha256)).not.toContain(sha256Hex(Buffer.from(stale)));

    // With the version it now has, the same command goes through.
    const ok = run(['advance', id, '--step', 'analisis-resiko', '--expect-version', '2', '--output', `daftar-resiko=Daftar resiko`, '--json'], 'tekno1');
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ version: 3, current: [{ step: 'persetujuan-permohonan' }] });
  });

  it('when advanced with a --expect-version ahead of the instance, then it is a conflict too and nothing is written', () => {
    const before = tableRows();
    const r = run(['advance', id, '--step', 'persetujuan-permohonan', '--expect-version', '9', '--choice', 'setuju'], 'pengusul');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[store.conflict]');
    expect(tableRows()).toEqual(before);
  });

  it('when the step named with --step was completed by someone else, then it is store.conflict, not a completion of the next step', () => {
    // tekno1 completed analisis-resiko above; tekno2, with a stale view, means to complete it too.
    const before = tableRows();
    const r = run(['advance', id, '--step', 'analisis-resiko', '--output', 'daftar-resiko=Daftar resiko lain'], 'tekno2');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/step "analisis-resiko" was already completed; instance .+ is now at step "persetujuan-permohonan" \[store\.conflict\]/);
    expect(tableRows()).toEqual(before);
  });
});
