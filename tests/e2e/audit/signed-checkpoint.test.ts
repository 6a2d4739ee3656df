/**
 * Signed checkpoints and signed bundles through the built CLI (issue 11):
 * `sop checkpoint` signs the head with the writer's Ed25519 key (created by
 * the first administrator to run it), prints a line or a form for paper;
 * `sop verify --checkpoint` checks the signature against the key entries of
 * the log; `sop key rotate` retires a key without invalidating what it
 * signed; `sop export` signs the bundle's head, so that an entry moved out
 * of the exported instance, the chain recomputed, breaks the signature.
 *
 * The store is built here by the CLI, each person bound to an OS login of
 * their own name (tests/helpers/os-login-preload.cjs stands a process in
 * for a login).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { copyFileSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { entryHash } from '../../../engine/store/chain.js';
import { sop, spawnSopTogether, STACK_TRACE, SOPS, tempDir } from '../../helpers/cli.js';
import { officeWith } from '../../helpers/engine.js';
import { dropGuards, entries, rewriteEntry } from '../../audit/trust-helpers.js';

interface Report {
  ok: boolean;
  checkpoint: { ok: boolean; signature: string; keyId?: string } | null;
  signedHead: { keyId: string; ok: boolean } | null;
  breaks: { code: string; seq?: number; instance?: string; message: string }[];
}

const SIGNED_LINE = /^sop-checkpoint:1:\d+:[0-9a-f]{64}:[0-9a-f]{32}:[A-Za-z0-9_-]{86}$/;

let dir: string;
let db: string;
let instance: string;
const as = (login: string, ...args: string[]) => {
  const r = sop(['--db', db, '--sops', SOPS, ...args], { login });
  expect(r.stderr).not.toMatch(STACK_TRACE);
  return r;
};
const ok = (login: string, ...args: string[]) => {
  const r = as(login, ...args);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
};

function verify(file: string, ...args: string[]): { code: number; report: Report; text: string } {
  const json = sop(['verify', '--db', file, '--json', ...args]);
  expect(json.stderr).not.toMatch(STACK_TRACE);
  const text = sop(['verify', '--db', file, ...args]);
  expect(text.code).toBe(json.code);
  return { code: json.code, report: JSON.parse(json.stdout) as Report, text: text.stdout };
}

beforeAll(() => {
  dir = tempDir('sop-signed-');
  db = join(dir, 'sop.db');
  ok('admin', 'init', '--admin', 'admin');
  ok('admin', 'publish', '--all', '--calendar');
  ok('admin', 'user', 'add', 'sari', '--login', 'sari');
  ok('admin', 'user', 'add', 'andi', '--login', 'andi', '--role', 'pengelola-tim-teknis');
  ok('admin', 'user', 'add', 'rina', '--login', 'rina', '--role', 'kepala-bidang-persandian');
  instance = (JSON.parse(ok('sari', 'start', 'pengecualian-smki', '--title', 'Pengecualian server lama', '--json')) as { id: string }).id;
  ok('sari', 'advance', instance, '--step', 'pengajuan-permohonan', '--output', 'surat-permohonan=Surat permohonan');
  // A refused attempt: sari does not hold the role of the next step.
  const refused = as('sari', 'advance', instance, '--step', 'analisis-resiko', '--output', 'daftar-resiko=Daftar');
  expect(refused.code, refused.stderr).toBe(1);
  expect(refused.stderr).toContain('[auth.not-actor]');
  ok('andi', 'advance', instance, '--step', 'analisis-resiko', '--output', 'daftar-resiko=Daftar resiko');
});

describe('Given a store without a signing key', () => {
  it('when someone who is not an administrator asks for a checkpoint, then it is the unsigned <seq>:<hash>, and standard error says why', () => {
    const r = as('sari', 'checkpoint');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+:[0-9a-f]{64}$/);
    expect(r.stderr).toContain('not signed: there is no signing key at');
    expect(readdirSync(dir).filter((n) => n.includes('signing-key'))).toEqual([]);
  });

  it('when the administrator asks for one, then the key is made beside the store (mode 0600) and the checkpoint is signed', () => {
    const r = as('admin', 'checkpoint');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toMatch(SIGNED_LINE);
    expect(statSync(`${db}.signing-key`).mode & 0o777).toBe(0o600);
    expect(ok('admin', 'key', 'list')).toContain('in use');
    // One key: a second init is refused, and nobody but an administrator rotates it.
    expect(as('admin', 'key', 'init').stderr).toContain('[key.exists]');
    expect(as('sari', 'key', 'rotate').stderr).toContain('[auth.not-admin]');
  });
});

describe('Given a signed checkpoint kept apart', () => {
  let line: string;
  beforeAll(() => {
    line = ok('admin', 'checkpoint').trim();
  });

  it('then sop verify --checkpoint proves the log extends it and the writer signed it (exit 0)', () => {
    const { code, report, text } = verify(db, '--checkpoint', line);
    expect(code).toBe(0);
    expect(report.checkpoint).toMatchObject({ ok: true, signature: 'valid' });
    expect(text).toMatch(/the log extends checkpoint \d+:[0-9a-f]{64}, signed by key [0-9a-f]{32}: the signature holds/);
  });

  it('then its printed form, typed back with its spaces, verifies too', () => {
    const paper = ok('admin', 'checkpoint', '--printable').split('\n');
    expect(paper[0]).toContain('signed with Ed25519');
    expect(paper.join('\n')).toMatch(/WITA/);
    const block = (title: string) => {
      const lines: string[] = [];
      for (let i = paper.indexOf(title) + 1; paper[i]?.startsWith('  '); i++) lines.push(paper[i]!.trim());
      return lines.join(' ');
    };
    const seq = /^Entry:\s+(\d+)/m.exec(paper.join('\n'))![1];
    const typed = `sop-checkpoint:1:${seq}:${block('Hash of the entry (hex):')}:${block('Signing key (hex):')}:${block('Signature (base32):')}`;
    expect(verify(db, '--checkpoint', typed).code).toBe(0);
  });

  it('when its signature is forged, then verify exits 1: checkpoint.signature', () => {
    const parts = line.split(':');
    const sig = Buffer.from(parts[5]!, 'base64url');
    sig.writeUInt8(sig.readUInt8(0) ^ 0x80, 0);
    parts[5] = sig.toString('base64url');
    const { code, report } = verify(db, '--checkpoint', parts.join(':'));
    expect(code).toBe(1);
    expect(report.breaks.map((b) => b.code)).toEqual(['checkpoint.signature']);
  });

  it('when the old unsigned form is given, then it is still accepted, and said to be unsigned', () => {
    const [, , seq, hash] = line.split(':');
    const { code, text } = verify(db, '--checkpoint', `${seq}:${hash}`);
    expect(code).toBe(0);
    expect(text).toContain('it is unsigned');
  });
});

describe('Given the key rotated', () => {
  it('then the checkpoints of the retired key still verify, the retired key signs nothing new, and the new key signs', () => {
    const before = ok('admin', 'checkpoint').trim();
    const oldKey = join(dir, 'old.signing-key');
    copyFileSync(`${db}.signing-key`, oldKey);
    const rotated = ok('admin', 'key', 'rotate');
    expect(rotated).toMatch(/^created the signing key/);
    expect(rotated).toContain('retired');
    expect(verify(db, '--checkpoint', before).code).toBe(0);
    const retired = as('admin', 'checkpoint', '--key-file', oldKey);
    expect(retired.code).toBe(1);
    expect(retired.stderr).toContain('[key.retired]');
    const after = ok('admin', 'checkpoint').trim();
    expect(after.split(':')[4]).not.toBe(before.split(':')[4]);
    expect(verify(db, '--checkpoint', after).code).toBe(0);
    expect(verify(db).code).toBe(0);
  });
});

describe('Given the log rewritten after a signed checkpoint, every hash recomputed', () => {
  it('then verify against the checkpoint exits 1: chain.checkpoint, while the rewritten log is consistent in itself', () => {
    const copy = join(dir, 'rewritten.db');
    const line = ok('admin', 'checkpoint').trim();
    copyFileSync(db, copy);
    copyFileSync(`${db}.signing-key`, `${copy}.signing-key`);
    const d = new Database(copy);
    try {
      dropGuards(d);
      const e = entries(d).find((x) => x.instance_id === instance && x.data.type === 'completed' && x.data.step === 'analisis-resiko')!;
      rewriteEntry(d, e.seq, (p) => (p.note = 'diperiksa'));
    } finally {
      d.close();
    }
    expect(verify(copy).code).toBe(0);
    const { code, report } = verify(copy, '--checkpoint', line);
    expect(code).toBe(1);
    expect(report.breaks.map((b) => b.code)).toEqual(['chain.checkpoint']);
  });
});

describe('Given the bundle of the instance, exported by the administrator: its head signed', () => {
  let bundle: string[];
  let elsewhere: string;
  const verifyBundle = (lines: string[], name: string) => {
    const file = join(dir, name);
    writeFileSync(file, lines.join('\n') + '\n');
    const r = sop(['verify', '--bundle', file, '--json'], { cwd: elsewhere });
    expect(r.stderr).not.toMatch(STACK_TRACE);
    return { code: r.code, report: JSON.parse(r.stdout) as Report };
  };
  const forge = (lines: string[]) => {
    const body = lines.slice(0, -1);
    const digest = createHash('sha256')
      .update(body.map((l) => l + '\n').join(''))
      .digest('hex');
    return [...body, JSON.stringify({ end: { lines: body.length, sha256: digest } })];
  };
  const refusalAt = (lines: string[]) => lines.findIndex((l) => l.startsWith('{"entry"') && l.includes('\\"type\\":\\"refused\\"'));

  beforeAll(() => {
    elsewhere = tempDir('sop-auditor-');
    const out = join(dir, 'instance.sopbundle');
    const r = as('admin', 'export', instance, '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/signed by key [0-9a-f]{32}/);
    bundle = readFileSync(out, 'utf8').trimEnd().split('\n');
  });

  it('then sop verify --bundle on a machine with no database exits 0 and names the key that signed it', () => {
    const file = join(dir, 'instance.sopbundle');
    const r = sop(['verify', '--bundle', file], { cwd: elsewhere });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/head \d+:[0-9a-f]{64}, signed by key [0-9a-f]{32}/);
  });

  it('when the refused attempt is made digest-only, the trailer recomputed, then it exits 1: bundle.hidden', () => {
    const lines = [...bundle];
    const at = refusalAt(lines);
    expect(at).toBeGreaterThan(0);
    const { entry } = JSON.parse(lines[at]!) as { entry: Record<string, unknown> & { payload: string } };
    const { payload, ...rest } = entry;
    lines[at] = JSON.stringify({ entry: { ...rest, payloadSha256: createHash('sha256').update(payload).digest('hex') } });
    const { code, report } = verifyBundle(forge(lines), 'hidden.sopbundle');
    expect(code).toBe(1);
    expect(report.breaks.map((b) => b.code)).toEqual(['bundle.hidden']);
  });

  it('when it is moved out of the instance as well, the chain and the head recomputed, then it exits 1: checkpoint.signature', () => {
    const lines = [...bundle];
    const at = refusalAt(lines);
    type Entry = { seq: number; kind: string; instanceId: string | null; version: number | null; at: string; prevHash: string; hash: string; payload?: string; payloadSha256?: string };
    let prev = (JSON.parse(lines[at]!) as { entry: Entry }).entry.prevHash;
    for (let i = at; i < lines.length - 1; i++) {
      if (!lines[i]!.startsWith('{"entry"')) continue;
      let e = (JSON.parse(lines[i]!) as { entry: Entry }).entry;
      if (i === at) {
        const { payload, ...rest } = e;
        e = { ...rest, instanceId: null, payloadSha256: createHash('sha256').update(payload!).digest('hex') };
      }
      const digest = e.payload !== undefined ? createHash('sha256').update(e.payload).digest('hex') : e.payloadSha256!;
      const hash = entryHash(prev, e, digest);
      lines[i] = JSON.stringify({ entry: { ...e, prevHash: prev, hash } });
      prev = hash;
    }
    const header = JSON.parse(lines[0]!) as { head: { hash: string } };
    header.head.hash = prev;
    lines[0] = JSON.stringify(header);
    const { code, report } = verifyBundle(forge(lines), 'moved.sopbundle');
    expect(code).toBe(1);
    expect(report.breaks.map((b) => b.code)).toEqual(['checkpoint.signature']);
    expect(report.signedHead).toMatchObject({ ok: false });
  });
});

describe('Given a store without a signing key, and eight first uses by the administrator at the same moment', () => {
  it('when exports and checkpoints race to create the key, then each succeeds (exit 0), one key is made, and what they signed holds', async () => {
    const raceDir = tempDir('sop-signed-race-');
    const file = join(raceDir, 'sop.db');
    const office = await officeWith(file, { sari: [] });
    await office.as('sari').instances.start('pengecualian-smki');
    await office.close();
    const args = (...a: string[]) => ({ args: ['--db', file, '--sops', SOPS, ...a], options: { login: 'admin' } });
    // Each sees no key and makes one; the log must take the first only, and the others sign with it.
    const runs = await spawnSopTogether([...['a', 'b', 'c', 'd'].map((n) => args('export', '--all', '--out', join(raceDir, `${n}.sopbundle`))), ...['1', '2', '3', '4'].map(() => args('checkpoint'))]);
    for (const r of runs) {
      expect(r.stderr, r.stderr).not.toMatch(STACK_TRACE);
      expect(r.code, `sop ${r.args.join(' ')}\n${r.stderr}`).toBe(0);
    }
    const keys = JSON.parse(sop(['key', 'list', '--db', file, '--json'], { login: 'admin' }).stdout) as unknown[];
    expect(keys).toHaveLength(1);
    expect(verify(file).report).toMatchObject({ ok: true, breaks: [] });
    for (const r of runs.filter((x) => x.args.includes('checkpoint'))) expect(verify(file, '--checkpoint', r.stdout.trim()).code).toBe(0);
  });
});
