/**
 * "sop export writes a self-contained bundle; sop verify --bundle checks it
 * on another machine with this tool alone, no database, and detects any edit
 * to it." "A tampered bundle fails verification the same way."
 *
 * Bundles are exported from a copy of the operators' store by the built CLI,
 * then checked with `sop verify --bundle` in a folder with no database and
 * no SOP files. Each tampering edits the bundle as an attacker would,
 * usually also recomputing its trailer digest, so that the chain itself has
 * to catch the edit.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sop, STACK_TRACE, SOPS, tempDir } from '../../helpers/cli.js';
import { buildAuditFixture, copyStore } from '../../audit/fixture.js';
import type { AuditFixture } from '../../audit/fixture.js';

interface Report {
  ok: boolean;
  instance: string | null;
  entries: number;
  instances: number;
  breaks: { code: string; seq?: number; instance?: string; message: string }[];
  checkpoint: { ok: boolean } | null;
}

let f: AuditFixture;
let db: string;
let all: string;
let one: string;
let checkpoint: string;
/** An empty folder: the auditor's machine, with no database and no SOPs. */
let elsewhere: string;

beforeAll(async () => {
  f = await buildAuditFixture();
  db = copyStore(f);
  all = join(f.dir, 'all.sopbundle');
  one = join(f.dir, 'one.sopbundle');
  // The auditor who exports is a person of the office (the bundle names who exported it): the administrator, by their login.
  const a = sop(['export', '--all', '--out', all, '--db', db, '--sops', SOPS], { login: 'admin' });
  expect(a.code, a.stderr).toBe(0);
  const b = sop(['export', f.atDecision, '--out', one, '--db', db, '--sops', SOPS, '--json'], { login: 'admin' });
  expect(b.code, b.stderr).toBe(0);
  checkpoint = sop(['checkpoint', '--db', db]).stdout.trim();
  elsewhere = tempDir('sop-auditor-');
});

function verifyBundle(file: string, ...args: string[]): { code: number; report: Report; stderr: string } {
  const r = sop(['verify', '--bundle', file, '--json', ...args], { cwd: elsewhere });
  expect(r.stderr).not.toMatch(STACK_TRACE);
  return { code: r.code, report: r.stdout ? (JSON.parse(r.stdout) as Report) : (undefined as never), stderr: r.stderr };
}

const linesOf = (file: string) => readFileSync(file, 'utf8').trimEnd().split('\n');

/** Writes the lines as a bundle, with the trailer recomputed as a careful forger would. */
function forge(lines: string[], name: string): string {
  const body = lines.slice(0, -1);
  const digest = createHash('sha256')
    .update(body.map((l) => l + '\n').join(''))
    .digest('hex');
  const file = join(f.dir, name);
  writeFileSync(file, [...body, JSON.stringify({ end: { lines: body.length, sha256: digest } })].join('\n') + '\n');
  return file;
}

const entryLines = (lines: string[]) => lines.map((l, i) => [l, i] as const).filter(([l]) => l.startsWith('{"entry"'));

describe('Given bundles exported from the store: the whole store, and one instance', () => {
  it('then each verifies on a machine with no database (exit 0), and the whole-store bundle carries every entry', () => {
    const r = verifyBundle(all);
    expect(r.code).toBe(0);
    expect(r.report).toMatchObject({ ok: true, instances: 3, breaks: [] });
    expect(existsSync(join(elsewhere, 'sop.db'))).toBe(false);
    expect(readdirSync(elsewhere)).toEqual([]);
    const i = verifyBundle(one);
    expect(i.code).toBe(0);
    expect(i.report).toMatchObject({ ok: true, instance: f.atDecision, instances: 1 });
  });

  it("then the bundle of one instance carries the other instances' entries by digest only: none of their content", () => {
    const text = readFileSync(one, 'utf8');
    expect(text).toContain('Pengecualian aplikasi absensi');
    expect(text).not.toContain('Pengecualian jaringan tamu');
    expect(text).not.toContain('Risiko terlalu tinggi');
  });

  it('then the whole-store bundle also verifies against the checkpoint taken at export', () => {
    expect(verifyBundle(all, '--checkpoint', checkpoint).code).toBe(0);
  });
});

describe('Given a tampered bundle, then verify --bundle exits 1 and names the break', () => {
  it("when an entry's payload is edited and nothing else, then the trailer digest and the chain both say so", () => {
    const text = readFileSync(all, 'utf8').replace('Risiko terlalu tinggi', 'Risiko rendah');
    const file = join(f.dir, 'edited.sopbundle');
    writeFileSync(file, text);
    const r = verifyBundle(file);
    expect(r.code).toBe(1);
    expect(r.report.breaks.map((b) => b.code)).toEqual(expect.arrayContaining(['bundle.invalid', 'chain.content']));
  });

  it("when an entry's payload is edited and the trailer recomputed, then it is chain.content at that entry", () => {
    const lines = linesOf(all);
    const [line, at] = entryLines(lines).find(([l]) => l.includes('Risiko terlalu tinggi'))!;
    lines[at] = line.replace('Risiko terlalu tinggi', 'Risiko rendah');
    const seq = JSON.parse(line).entry.seq as number;
    const r = verifyBundle(forge(lines, 'edited-forged.sopbundle'));
    expect(r.code).toBe(1);
    expect(r.report.breaks[0]).toMatchObject({ code: 'chain.content', seq });
  });

  it('when an entry is deleted, then it is chain.gap', () => {
    const lines = linesOf(all);
    const [line, at] = entryLines(lines)[6]!;
    lines.splice(at, 1);
    const seq = JSON.parse(line).entry.seq as number;
    const r = verifyBundle(forge(lines, 'deleted.sopbundle'));
    expect(r.code).toBe(1);
    expect(r.report.breaks[0]).toMatchObject({ code: 'chain.gap', seq: seq + 1 });
  });

  it('when two entries are swapped, then the chain breaks at the first of them', () => {
    const lines = linesOf(all);
    const [[a, i], [b, j]] = [entryLines(lines)[4]!, entryLines(lines)[5]!];
    lines[i] = b;
    lines[j] = a;
    const r = verifyBundle(forge(lines, 'swapped.sopbundle'));
    expect(r.code).toBe(1);
    const seq = JSON.parse(a).entry.seq as number;
    // Nothing before them is flagged. Each entry also left the run of its request (a publication writes two
    // entries in one transaction), so request.repeated is named too; the chain's own break is at the first of them.
    expect(Math.min(...r.report.breaks.map((x) => x.seq ?? Number.POSITIVE_INFINITY))).toBe(seq);
    const chain = r.report.breaks.find((x) => x.code.startsWith('chain.'))!;
    expect(chain.seq).toBe(seq);
    expect(['chain.link', 'chain.gap']).toContain(chain.code);
  });

  it('when an entry is inserted, then the chain breaks', () => {
    const lines = linesOf(all);
    const [line, at] = entryLines(lines)[3]!;
    lines.splice(at + 1, 0, line);
    const r = verifyBundle(forge(lines, 'inserted.sopbundle'));
    expect(r.code).toBe(1);
    expect(r.report.breaks[0]!.code).toMatch(/^chain\./);
  });

  it('when the pinned definition is edited, then it is definition.changed', () => {
    const lines = linesOf(one);
    const at = lines.findIndex((l) => l.startsWith('{"definition"'));
    lines[at] = lines[at]!.replace('10 Menit', '99 Menit');
    const r = verifyBundle(forge(lines, 'definition.sopbundle'));
    expect(r.code).toBe(1);
    expect(r.report.breaks.map((b) => b.code)).toContain('definition.changed');
  });

  it("when an instance's recorded state is edited, then it is replay.state for that instance", () => {
    const lines = linesOf(one);
    const at = lines.findIndex((l) => l.startsWith('{"instance"'));
    lines[at] = lines[at]!.replace('"status":"active"', '"status":"cancelled"');
    const r = verifyBundle(forge(lines, 'state.sopbundle'));
    expect(r.code).toBe(1);
    expect(r.report.breaks[0]).toMatchObject({ code: 'replay.state', instance: f.atDecision });
  });

  it('when its tail is cut off and the head rewritten to match, then only the checkpoint kept apart shows it: chain.truncated', () => {
    const lines = linesOf(all);
    const entries = entryLines(lines);
    // The tail: the fresh instance's start, and the signing key's entry that the export itself added after it.
    const keep = entries[entries.findIndex(([l]) => l.includes(f.fresh)) - 1]!;
    const kept = JSON.parse(keep[0]).entry as { seq: number; hash: string };
    const cut = lines.filter((l, i) => !l.startsWith('{"entry"') || i <= keep[1]);
    // The fresh instance lost its events: drop it too, and the key the cut entry added, and move the head back.
    // The head's signature names the old head: a careful forger drops it, and the bundle reads as unsigned.
    const header = JSON.parse(cut[0]!);
    header.head = { seq: kept.seq, hash: kept.hash };
    delete header.checkpoint;
    cut[0] = JSON.stringify(header);
    const file = forge(
      cut.filter((l) => (!l.includes(f.fresh) || l.startsWith('{"entry"')) && !(l.startsWith('{"key"') && JSON.parse(l).key.addedSeq > kept.seq)),
      'cut.sopbundle',
    );
    expect(verifyBundle(file).report.breaks).toEqual([]);
    const r = verifyBundle(file, '--checkpoint', checkpoint);
    expect(r.code).toBe(1);
    expect(r.report.breaks[0]).toMatchObject({ code: 'chain.truncated' });
  });

  it('when lines are cut off the end (no trailer), then it is bundle.invalid', () => {
    const lines = linesOf(all).slice(0, -2);
    const file = join(f.dir, 'short.sopbundle');
    writeFileSync(file, lines.join('\n') + '\n');
    const r = verifyBundle(file);
    expect(r.code).toBe(1);
    expect(r.report.breaks[0]).toMatchObject({ code: 'bundle.invalid' });
  });

  it('when the file is not a bundle at all, then it is bundle.invalid (exit 1), and a missing file is named', () => {
    const file = join(f.dir, 'garbage.sopbundle');
    writeFileSync(file, Buffer.from([0, 1, 2, 255, 10, 123, 10]));
    expect(verifyBundle(file)).toMatchObject({ code: 1, report: { ok: false, breaks: [{ code: 'bundle.invalid' }] } });
    const missing = sop(['verify', '--bundle', join(f.dir, 'nope.sopbundle')], { cwd: elsewhere });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('nope.sopbundle: no such file [bundle.unreadable]');
  });
});

describe('sop export refuses what it cannot do, leaving nothing behind', () => {
  it('refuses to overwrite a file (exit 1)', () => {
    const r = sop(['export', '--all', '--out', all, '--db', db], { login: 'admin' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('already exists [export.exists]');
  });

  it('refuses an unknown instance (exit 1) and writes no file', () => {
    const out = join(f.dir, 'unknown.sopbundle');
    const r = sop(['export', 'no-such-instance', '--out', out, '--db', db], { login: 'admin' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[instance.unknown]');
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(f.dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses an OS login bound to nobody (exit 1): a bundle names who exported it', () => {
    const out = join(f.dir, 'stranger.sopbundle');
    const r = sop(['export', '--all', '--out', out, '--db', db], { login: 'orang-asing' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[auth.unknown-login]');
    expect(existsSync(out)).toBe(false);
  });

  it('needs an instance or --all, not both (exit 2)', () => {
    expect(sop(['export', '--db', db]).code).toBe(2);
    expect(sop(['export', f.fresh, '--all', '--db', db]).code).toBe(2);
  });

  it('writes to standard output without --out, the summary on standard error', () => {
    const r = sop(['export', f.fresh, '--db', db], { login: 'admin' });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toContain('"sopBundle":1');
    expect(r.stderr).toMatch(/^exported \d+ entries, 1 instance/);
    const file = join(f.dir, 'stdout.sopbundle');
    writeFileSync(file, r.stdout);
    expect(verifyBundle(file).code).toBe(0);
  });
});
