/**
 * Signed checkpoints (issue 11): the writer signs the head of the log with
 * an Ed25519 key of its own, whose public part is in the log; `verify`
 * checks a kept checkpoint's signature against the key entries (a key added
 * at or before its entry, not retired at or before it), so that someone who
 * can rewrite the file cannot rewrite the past: the checkpoint kept on paper
 * no longer matches, and they cannot sign one of their own.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { copyFileSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { formatAnyCheckpoint, hasCode, parseAnyCheckpoint, printableCheckpoint, signCheckpoint, type SignedCheckpoint, type VerifyReport } from '../../engine/index.js';
import { keyPairOf } from '../../engine/audit/signing.js';
import { buildAuditFixture, copyStore, type AuditFixture } from './fixture.js';
import { dropGuards, entries, laterClock, openCopy, rewriteEntry } from './trust-helpers.js';
import type { TestOffice } from '../helpers/engine.js';

let f: AuditFixture;

beforeAll(async () => {
  f = await buildAuditFixture();
});

/** A copy of the fixture with the writer's key made by the administrator, and the engine on it. */
async function signedStore(): Promise<{ file: string; office: TestOffice; tick: () => void }> {
  const file = copyStore(f);
  const { clock, tick } = laterClock();
  const office = await openCopy(file, clock);
  await office.as('admin').audit.initKey();
  return { file, office, tick };
}

async function verifyWith(office: TestOffice, checkpoint: string): Promise<VerifyReport> {
  return office.engine.audit.verify({ checkpoint: parseAnyCheckpoint(checkpoint)! });
}

describe("Given the writer's key, made by the administrator", () => {
  it('then the private key is a file beside the store, mode 0600, and its public part is a key-add entry of the log', async () => {
    const { file, office } = await signedStore();
    try {
      const keyFile = `${file}.signing-key`;
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      expect(readFileSync(keyFile, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
      const [key] = await office.engine.audit.keys();
      expect(key).toMatchObject({ algorithm: 'ed25519', retiredSeq: null });
      expect(keyPairOf(readFileSync(keyFile, 'utf8'))!.id).toBe(key!.id);
      const entry = await office.engine.audit.checkpoint();
      const db = new Database(file, { readonly: true });
      try {
        const last = entries(db).at(-1)!;
        expect(last).toMatchObject({ seq: entry.seq, kind: 'user' });
        expect(last.data).toMatchObject({ action: 'key-add', user: 'admin', key: { id: key!.id, publicKey: key!.publicKey, algorithm: 'ed25519' } });
        // Never the private key.
        expect(last.payload).not.toContain('PRIVATE');
      } finally {
        db.close();
      }
      await expect(office.as('admin').audit.initKey()).rejects.toSatisfy((e) => hasCode(e, 'key.exists'));
      await expect(office.as('andi').audit.rotateKey()).rejects.toSatisfy((e) => hasCode(e, 'auth.not-admin'));
      expect((await office.engine.audit.verify()).breaks).toEqual([]);
    } finally {
      await office.close();
    }
  });

  it('then a signed checkpoint is made, verifies, and says which key signed it; its printed form typed back verifies too', async () => {
    const { office } = await signedStore();
    try {
      const signed = await office.engine.audit.signedCheckpoint();
      expect(signed.line).toMatch(/^sop-checkpoint:1:\d+:[0-9a-f]{64}:[0-9a-f]{32}:[A-Za-z0-9_-]{86}$/);
      const r = await verifyWith(office, signed.line);
      expect(r.ok).toBe(true);
      expect(r.checkpoint).toMatchObject({ seq: signed.seq, ok: true, signature: 'valid', keyId: signed.keyId });
      // The paper form: grouped hex, the signature in base32; typed back with its spaces.
      const paper = printableCheckpoint(signed, { writtenAt: 'Senin', printedAt: 'Senin' });
      const grab = (title: string) => {
        const at = paper.indexOf(title);
        const lines: string[] = [];
        for (let i = at + 1; paper[i]?.startsWith('  '); i++) lines.push(paper[i]!.trim());
        return lines.join(' ');
      };
      const typed = `sop-checkpoint:1:${signed.seq}:${grab('Hash of the entry (hex):')}:${grab('Signing key (hex):')}:${grab('Signature (base32):')}`;
      expect(typed).toContain(' ');
      expect(parseAnyCheckpoint(typed)).toEqual({ seq: signed.seq, hash: signed.hash, keyId: signed.keyId, signature: signed.signature });
      expect((await verifyWith(office, typed)).ok).toBe(true);
    } finally {
      await office.close();
    }
  });

  it('then a forged signature is refused: checkpoint.signature, as is one by a key the log never added', async () => {
    const { office } = await signedStore();
    try {
      const signed = await office.engine.audit.signedCheckpoint();
      const sig = Buffer.from(signed.signature, 'base64url');
      sig.writeUInt8(sig.readUInt8(10) ^ 1, 10);
      const forged = formatAnyCheckpoint({ ...signed, signature: sig.toString('base64url') });
      const r = await verifyWith(office, forged);
      expect(r.ok).toBe(false);
      expect(r.checkpoint).toMatchObject({ ok: false, signature: 'invalid' });
      expect(r.breaks).toEqual([expect.objectContaining({ code: 'checkpoint.signature', seq: signed.seq })]);
      // A signature over another head.
      const other = formatAnyCheckpoint({ ...signed, seq: signed.seq - 1, hash: (await office.engine.audit.checkpoint()).hash });
      expect((await verifyWith(office, other)).breaks.map((b) => b.code)).toContain('checkpoint.signature');
      // Someone's own key: a fine signature, but no entry of the log added the key.
      const mine = generateKeyPairSync('ed25519', { privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'der' } });
      const pair = keyPairOf(mine.privateKey)!;
      const theirs = formatAnyCheckpoint(signCheckpoint(signed, pair));
      const t = await verifyWith(office, theirs);
      expect(t.breaks).toEqual([expect.objectContaining({ code: 'checkpoint.signature' })]);
      expect(t.breaks[0]!.message).toContain('which no entry of the log added');
    } finally {
      await office.close();
    }
  });

  it('then the old unsigned <seq>:<hash> is still accepted, and said to be unsigned', async () => {
    const { office } = await signedStore();
    try {
      const head = await office.engine.audit.checkpoint();
      const r = await verifyWith(office, `${head.seq}:${head.hash}`);
      expect(r.ok).toBe(true);
      expect(r.checkpoint).toMatchObject({ ok: true, signature: 'none' });
    } finally {
      await office.close();
    }
  });
});

describe('Given a key rotated: a new key added, the old one retired', () => {
  it('then checkpoints the old key signed still verify, the old key signs nothing new, and a checkpoint forged with it is refused', async () => {
    const { file, office, tick } = await signedStore();
    try {
      const keyFile = `${file}.signing-key`;
      const old = await office.engine.audit.signedCheckpoint();
      const oldKeyCopy = `${file}.old-key`;
      copyFileSync(keyFile, oldKeyCopy);
      tick();
      const rotated = await office.as('admin').audit.rotateKey();
      expect(rotated.retired.map((k) => k.id)).toEqual([old.keyId]);
      expect(rotated.key.id).not.toBe(old.keyId);
      // The key file holds the new key: the old private key is gone from beside the store.
      expect(keyPairOf(readFileSync(keyFile, 'utf8'))!.id).toBe(rotated.key.id);
      expect(readdirSync(dirname(file)).filter((n) => n.endsWith('.tmp'))).toEqual([]);

      expect((await verifyWith(office, old.line)).checkpoint).toMatchObject({ ok: true, signature: 'valid', keyId: old.keyId });
      const fresh = await office.engine.audit.signedCheckpoint();
      expect(fresh.keyId).toBe(rotated.key.id);
      expect((await verifyWith(office, fresh.line)).ok).toBe(true);

      await expect(office.engine.audit.signedCheckpoint({ keyFile: oldKeyCopy })).rejects.toSatisfy((e) => hasCode(e, 'key.retired'));
      // Signed anyway, outside sop, with the retired private key: refused by verify.
      const late = formatAnyCheckpoint(signCheckpoint(await office.engine.audit.checkpoint(), keyPairOf(readFileSync(oldKeyCopy, 'utf8'))!));
      const r = await verifyWith(office, late);
      expect(r.breaks).toEqual([expect.objectContaining({ code: 'checkpoint.signature' })]);
      expect(r.breaks[0]!.message).toContain(`was retired at entry ${rotated.retired[0]!.retiredSeq}`);
      expect((await office.engine.audit.verify()).breaks).toEqual([]);
    } finally {
      await office.close();
    }
  });

  it('when the key file is lost, then signing is key.missing, saying to rotate; the rotation makes a new key file, without the old private key', async () => {
    const { file, office, tick } = await signedStore();
    try {
      rmSync(`${file}.signing-key`);
      await expect(office.engine.audit.signedCheckpoint({ create: true })).rejects.toSatisfy((e) => hasCode(e, 'key.missing') && (e as Error).message.includes('sop key rotate'));
      tick();
      const rotated = await office.as('admin').audit.rotateKey();
      expect(rotated.retired).toHaveLength(1);
      expect((await office.engine.audit.signedCheckpoint()).keyId).toBe(rotated.key.id);
    } finally {
      await office.close();
    }
  });

  it("when the signing keys table is changed behind the log's back (the old key back in use), then verify reports keys.state", async () => {
    const { file, office, tick } = await signedStore();
    tick();
    await office.as('admin').audit.rotateKey();
    await office.close();
    const db = new Database(file);
    try {
      dropGuards(db);
      db.prepare('UPDATE signing_keys SET retired_seq = NULL').run();
    } finally {
      db.close();
    }
    const again = await openCopy(file);
    try {
      const r = await again.engine.audit.verify();
      expect(r.breaks.map((b) => b.code)).toEqual(['keys.state']);
    } finally {
      await again.close();
    }
  });
});

describe('Given a signed checkpoint kept apart, and then the log rewritten after it with every hash recomputed', () => {
  it('then verify against it reports chain.checkpoint; the rewriter cannot sign a checkpoint of their own that holds', async () => {
    const { file, office } = await signedStore();
    let kept: SignedCheckpoint & { line: string };
    try {
      kept = await office.engine.audit.signedCheckpoint();
    } finally {
      await office.close();
    }
    const db = new Database(file);
    try {
      dropGuards(db);
      const decision = entries(db).find((e) => e.instance_id === f.finished && e.data.step === 'persetujuan-permohonan')!;
      rewriteEntry(db, decision.seq, (p) => (p.note = 'Risiko rendah'));
    } finally {
      db.close();
    }
    const again = await openCopy(file);
    try {
      // Consistent in itself: that is what the kept checkpoint is for.
      expect((await again.engine.audit.verify()).ok).toBe(true);
      const r = await verifyWith(again, kept.line);
      expect(r.ok).toBe(false);
      expect(r.breaks.map((b) => b.code)).toEqual(['chain.checkpoint']);
      expect(r.checkpoint).toMatchObject({ ok: false, signature: 'valid' });
      // Their own key signs the rewritten head, but the log never added it.
      const mine = keyPairOf(generateKeyPairSync('ed25519', { privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'der' } }).privateKey)!;
      const theirs = formatAnyCheckpoint(signCheckpoint(await again.engine.audit.checkpoint(), mine));
      expect((await verifyWith(again, theirs)).breaks.map((b) => b.code)).toEqual(['checkpoint.signature']);
    } finally {
      await again.close();
    }
  });
});
