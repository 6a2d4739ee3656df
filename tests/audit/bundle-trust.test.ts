/**
 * Bundles from which no entry of the exported instance can be dropped or
 * hidden (issue 11): an entry whose `instance` (a chained field) is the
 * exported one must carry its payload, and the bundle's head is signed by
 * the writer's key, so that recomputing the chain after moving an entry out
 * of the instance breaks the signature. The attack: a refused attempt
 * removed from an exported bundle, the trailer recomputed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { entryHash } from '../../engine/store/chain.js';
import type { VerifyReport } from '../../engine/index.js';
import { buildAuditFixture, copyStore, type AuditFixture } from './fixture.js';
import { openCopy } from './trust-helpers.js';

let f: AuditFixture;
/** The bundle of the finished instance (its refused attempt included), signed, and the same unsigned. */
let signed: string[];
let unsigned: string[];
/** A whole-store bundle, unsigned. */
let whole: string[];

beforeAll(async () => {
  f = await buildAuditFixture();
  const office = await openCopy(copyStore(f));
  try {
    const admin = office.as('admin').audit;
    const text = async (scope: { instance: string } | { all: true }, sign: boolean) => {
      let out = '';
      await admin.export(scope, (t) => (out += t), { sign });
      return out.trimEnd().split('\n');
    };
    unsigned = await text({ instance: f.finished }, false);
    whole = await text({ all: true }, false);
    await admin.initKey();
    signed = await text({ instance: f.finished }, true);
  } finally {
    await office.close();
  }
});

async function check(lines: string[]): Promise<VerifyReport> {
  const office = await openCopy(copyStore(f));
  try {
    return await office.engine.audit.verifyBundle(Buffer.from(lines.join('\n') + '\n'));
  } finally {
    await office.close();
  }
}

/** The lines with the trailer recomputed, as a careful forger writes them. */
function forge(lines: string[]): string[] {
  const body = lines.slice(0, -1);
  const digest = createHash('sha256')
    .update(body.map((l) => l + '\n').join(''))
    .digest('hex');
  return [...body, JSON.stringify({ end: { lines: body.length, sha256: digest } })];
}

interface EntryLine {
  seq: number;
  kind: string;
  instanceId: string | null;
  version: number | null;
  at: string;
  prevHash: string;
  hash: string;
  payload?: string;
  payloadSha256?: string;
}

const entryAt = (lines: string[], pred: (e: EntryLine) => boolean) => lines.findIndex((l) => l.startsWith('{"entry"') && pred((JSON.parse(l) as { entry: EntryLine }).entry));
const refusal = (e: EntryLine) => e.instanceId === f.finished && e.payload !== undefined && e.payload.includes('"type":"refused"');

/** The refused attempt made digest-only; with `moveOut`, also moved out of the instance and the chain and head recomputed after it. */
function hideRefusal(lines: string[], moveOut: boolean): string[] {
  const out = [...lines];
  const at = entryAt(out, refusal);
  expect(at).toBeGreaterThan(0);
  const { entry } = JSON.parse(out[at]!) as { entry: EntryLine };
  const digest = createHash('sha256').update(entry.payload!).digest('hex');
  out[at] = JSON.stringify({ entry: { ...entry, ...(moveOut ? { instanceId: null } : {}), payload: undefined, payloadSha256: digest } });
  if (moveOut) {
    let prev = entry.prevHash;
    for (let i = at; i < out.length - 1; i++) {
      if (!out[i]!.startsWith('{"entry"')) continue;
      const e = (JSON.parse(out[i]!) as { entry: EntryLine }).entry;
      const d = e.payload !== undefined ? createHash('sha256').update(e.payload).digest('hex') : e.payloadSha256!;
      const hash = entryHash(prev, e, d);
      out[i] = JSON.stringify({ entry: { ...e, prevHash: prev, hash } });
      prev = hash;
    }
    const header = JSON.parse(out[0]!) as { head: { seq: number; hash: string } };
    header.head.hash = prev;
    out[0] = JSON.stringify(header);
  }
  return forge(out);
}

describe('Given the bundle of an instance with a refused attempt, signed by the writer', () => {
  it('then it verifies, its head signed by the key of the log', async () => {
    const r = await check(signed);
    expect(r.breaks).toEqual([]);
    expect(r.signedHead).toMatchObject({ ok: true });
    expect(JSON.parse(signed[0]!).checkpoint).toMatch(/^sop-checkpoint:1:/);
  });

  it('when the refused attempt is made digest-only, the trailer recomputed, then it is bundle.hidden at that entry', async () => {
    const seq = (JSON.parse(signed[entryAt(signed, refusal)]!) as { entry: EntryLine }).entry.seq;
    const r = await check(hideRefusal(signed, false));
    expect(r.breaks.map((b) => b.code)).toEqual(['bundle.hidden']);
    expect(r.breaks[0]).toMatchObject({ seq, instance: f.finished });
  });

  it('when it is moved out of the instance as well, the chain and head recomputed, then the signature no longer holds: checkpoint.signature', async () => {
    const forged = hideRefusal(signed, true);
    const r = await check(forged);
    expect(r.breaks.map((b) => b.code)).toEqual(['checkpoint.signature']);
    expect(r.signedHead).toMatchObject({ ok: false });
  });

  it('when, on top of that, the signature is removed, then it is checkpoint.unsigned: the key in effect at the head shows', async () => {
    const forged = hideRefusal(signed, true);
    const header = JSON.parse(forged[0]!) as Record<string, unknown>;
    delete header.checkpoint;
    forged[0] = JSON.stringify(header);
    const r = await check(forge(forged));
    expect(r.breaks.map((b) => b.code)).toEqual(['checkpoint.unsigned']);
  });

  it('when the key lines are replaced by a key of the forger, then the key is not the one its id names, or not the one the log added', async () => {
    const lines = [...signed];
    const at = lines.findIndex((l) => l.startsWith('{"key"'));
    const key = JSON.parse(lines[at]!) as { key: { publicKey: string } };
    key.key.publicKey = 'MCowBQYDK2VwAyEA' + 'A'.repeat(43) + '=';
    lines[at] = JSON.stringify(key);
    const r = await check(forge(lines));
    expect(r.breaks.map((b) => b.code)).toContain('keys.state');
    expect(r.ok).toBe(false);
  });
});

describe('Given a bundle exported without a signing key', () => {
  it('then it verifies, noting that its head is unsigned; the attack that moves an entry out of the instance is then found only against a checkpoint kept apart', async () => {
    const r = await check(unsigned);
    expect(r.ok).toBe(true);
    expect(r.signedHead).toBeNull();
    expect(r.notes.join(' ')).toContain('the head is not signed');
    expect((await check(hideRefusal(unsigned, false))).breaks.map((b) => b.code)).toEqual(['bundle.hidden']);
    expect((await check(hideRefusal(unsigned, true))).ok).toBe(true);
  });

  it('then a whole-store bundle carries the users history, and an approver renamed in it (chain recomputed) is authority.not-allowed', async () => {
    expect((await check(whole)).breaks).toEqual([]);
    const lines = [...whole];
    const at = entryAt(lines, (e) => e.instanceId === f.finished && e.payload !== undefined && e.payload.includes('"step":"persetujuan-permohonan"') && e.payload.includes('"type":"completed"'));
    const { entry } = JSON.parse(lines[at]!) as { entry: EntryLine };
    lines[at] = JSON.stringify({ entry: { ...entry, payload: entry.payload!.replace('"user":"rina"', '"user":"andi"') } });
    let prev = entry.prevHash;
    for (let i = at; i < lines.length - 1; i++) {
      if (!lines[i]!.startsWith('{"entry"')) continue;
      const e = (JSON.parse(lines[i]!) as { entry: EntryLine }).entry;
      const hash = entryHash(prev, e, createHash('sha256').update(e.payload!).digest('hex'));
      lines[i] = JSON.stringify({ entry: { ...e, prevHash: prev, hash } });
      prev = hash;
    }
    const header = JSON.parse(lines[0]!) as { head: { hash: string } };
    header.head.hash = prev;
    lines[0] = JSON.stringify(header);
    const r = await check(forge(lines));
    expect(r.breaks.map((b) => b.code)).toEqual(['authority.not-allowed']);
    expect(r.breaks[0]!.message).toContain('"andi" does not hold the role kepala-bidang-persandian');
  });
});
