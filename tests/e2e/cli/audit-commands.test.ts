/**
 * The auditors' commands as a user runs them: the built CLI as a child
 * process on a store written by operators (tests/audit/fixture.ts).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { sop, STACK_TRACE, SOPS } from '../../helpers/cli.js';
import { buildAuditFixture, copyStore, logRows } from '../../audit/fixture.js';
import type { AuditFixture, LogRow } from '../../audit/fixture.js';

let f: AuditFixture;
let db: string;
let rows: LogRow[];
const run = (...args: string[]) => {
  const r = sop([...args, '--db', db, '--sops', SOPS]);
  expect(r.stderr).not.toMatch(STACK_TRACE);
  return r;
};

beforeAll(async () => {
  f = await buildAuditFixture();
  db = copyStore(f);
  const d = new Database(db, { readonly: true });
  rows = logRows(d);
  d.close();
});

describe('sop replay', () => {
  it('prints the state after each event, refused attempts included, and says the result equals the recorded state', () => {
    const r = run('replay', f.finished);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^Replay of ${f.finished}: SOP pengecualian-smki revision 1, definition [0-9a-f]{12}$`));
    expect(lines.filter((l) => l.startsWith('#'))).toHaveLength(5);
    expect(r.stdout).toMatch(/started by sari +-> active at pengajuan-permohonan/);
    expect(r.stdout).toMatch(/refused attempt by sari +-> active at persetujuan-permohonan/);
    expect(r.stdout).toMatch(/completed persetujuan-permohonan \(tidak-setuju\) by rina -> completed \(ditolak\)/);
    expect(r.stdout).toContain('It equals the recorded state.');
  });

  it('--json gives every event with its state, and matches: true', () => {
    const out = JSON.parse(run('replay', f.finished, '--json').stdout);
    expect(out).toMatchObject({ id: f.finished, sop: 'pengecualian-smki', revision: 1, matches: true, breaks: [], until: null });
    expect(out.events.map((e: { type: string; version: number | null }) => [e.type, e.version])).toEqual([
      ['started', 1],
      ['completed', 2],
      ['completed', 3],
      ['refused', null],
      ['completed', 4],
    ]);
    expect(out.final).toEqual(out.recorded);
  });

  it('--until <seq> stops after that entry and does not compare with the recorded state', () => {
    const second = rows.find((r) => r.instance_id === f.finished && r.version === 2)!;
    const out = JSON.parse(run('replay', f.finished, '--until', String(second.seq), '--json').stdout);
    expect(out.events).toHaveLength(2);
    expect(out).toMatchObject({ matches: null, until: { seq: second.seq }, final: { status: 'active', current: 'analisis-resiko' } });
    expect(run('replay', f.finished, '--until', String(second.seq)).stdout).toContain('so it is not compared');
  });

  it('--until <time> takes office local time: at 08:40 WITA on the first day only the start and step 1 had happened', () => {
    const out = JSON.parse(run('replay', f.finished, '--until', '2026-11-16 08:40', '--json').stdout);
    expect(out.events.map((e: { type: string }) => e.type)).toEqual(['started', 'completed']);
    expect(out.until).toEqual({ at: '2026-11-16T00:40:00.000Z' });
  });

  it('refuses an unknown instance (exit 1), a time before the first event (exit 1) and a bad --until (exit 2)', () => {
    expect(run('replay', 'nope').code).toBe(1);
    const early = run('replay', f.finished, '--until', '2026-01-01');
    expect(early.code).toBe(1);
    expect(early.stderr).toContain('[replay.nothing]');
    expect(run('replay', f.finished, '--until', 'yesterday').code).toBe(2);
  });
});

describe('sop checkpoint', () => {
  it('prints <seq>:<hash> of the last entry; --json adds its time', () => {
    const last = rows.at(-1)!;
    expect(run('checkpoint').stdout).toBe(`${last.seq}:${last.hash}\n`);
    expect(JSON.parse(run('checkpoint', '--json').stdout)).toEqual({ seq: last.seq, hash: last.hash, at: last.at, checkpoint: `${last.seq}:${last.hash}` });
  });

  it('on a missing database: exit 1, store.not-found', () => {
    const r = sop(['checkpoint', '--db', `${db}.missing`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[store.not-found]');
  });
});

describe('sop verify', () => {
  it('--checkpoint with the current head passes and says so', () => {
    const head = run('checkpoint').stdout.trim();
    const r = run('verify', '--checkpoint', head);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`the log extends checkpoint ${head}`);
  });

  it('a checkpoint of another store (same seq, other hash) is a break: chain.checkpoint', () => {
    const last = rows.at(-1)!;
    const r = run('verify', '--checkpoint', `${last.seq}:${'ab'.repeat(32)}`, '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).breaks[0]).toMatchObject({ code: 'chain.checkpoint', seq: last.seq });
  });

  it('usage errors exit 2: an instance with --all, a malformed checkpoint, --bundle with an instance', () => {
    expect(run('verify', f.fresh, '--all').code).toBe(2);
    const bad = run('verify', '--checkpoint', '12:xyz');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('<seq>:<64 hex digits>');
    expect(run('verify', f.fresh, '--bundle', 'x.sopbundle').code).toBe(2);
  });

  it('an unknown instance: exit 1, instance.unknown', () => {
    const r = run('verify', 'nope', '--json');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('no instance "nope"');
    expect(r.stderr).toContain('[instance.unknown]');
  });
});

describe('--help of the audit commands', () => {
  it.each(['verify', 'replay', 'checkpoint', 'export', 'report'])('sop %s --help exits 0 and describes the command', (cmd) => {
    const r = sop([cmd, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: sop ${cmd}`);
  });
});
