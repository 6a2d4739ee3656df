/**
 * Signed checkpoints: the writer's Ed25519 signature over the head of the
 * log, so that a checkpoint kept outside the machine (printed, sent in a
 * letter) proves who issued it, and a log rewritten after it, with every
 * hash recomputed, cannot be given a checkpoint of its own.
 *
 *   sop-checkpoint:1:<seq>:<hash>:<keyId>:<signature>
 *
 * The signature is over the UTF-8 text before its last colon,
 * `sop-checkpoint:1:<seq>:<hash>:<keyId>`, so it covers the key it names.
 * `keyId` is the first 32 hex digits (128 bits) of the SHA-256 of the public
 * key (SPKI DER): a key id names one key, so a forger cannot slip another
 * key under it. The signature is base64url (86 characters) on one line;
 * the printed form gives it in base32 (103 characters), easier to type
 * back from paper: both are read.
 *
 * The public keys are in the log (`user` entries `key-add`, `key-retire`);
 * a checkpoint holds when its key was added at or before its entry and not
 * retired at or before it. Pure: node:crypto only, no file and no store.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { parseCheckpoint, type Checkpoint } from '../store/chain.js';

export const CHECKPOINT_TAG = 'sop-checkpoint';
export const CHECKPOINT_VERSION = 1;
export const SIGNING_ALGORITHM = 'ed25519';

/** A checkpoint with the writer's signature. */
export interface SignedCheckpoint extends Checkpoint {
  keyId: string;
  /** 64 bytes, base64url without padding. */
  signature: string;
}

/** What `verify --checkpoint` takes: the old unsigned `<seq>:<hash>`, or a signed checkpoint. */
export type AnyCheckpoint = Checkpoint | SignedCheckpoint;

/** A signing key's public part, as the log records it. */
export interface PublicSigningKey {
  id: string;
  /** SPKI DER, base64. */
  publicKey: string;
  algorithm: typeof SIGNING_ALGORITHM;
}

export interface SigningKeyPair extends PublicSigningKey {
  /** PKCS8 PEM: what the key file holds. */
  privateKeyPem: string;
}

export function isSigned(c: AnyCheckpoint): c is SignedCheckpoint {
  return typeof (c as SignedCheckpoint).keyId === 'string' && typeof (c as SignedCheckpoint).signature === 'string';
}

/** The id of a public key: 32 hex digits of the SHA-256 of its SPKI DER. */
export function keyIdOf(publicKey: string): string {
  return createHash('sha256').update(Buffer.from(publicKey, 'base64')).digest('hex').slice(0, 32);
}

/** A new Ed25519 key pair. */
export function newSigningKey(): SigningKeyPair {
  const pair = generateKeyPairSync('ed25519', { privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'der' } });
  const publicKey = pair.publicKey.toString('base64');
  return { id: keyIdOf(publicKey), publicKey, algorithm: SIGNING_ALGORITHM, privateKeyPem: pair.privateKey };
}

/** The key pair a PKCS8 PEM private key holds (its public part derived from it); undefined if it is not an Ed25519 private key. */
export function keyPairOf(privateKeyPem: string): SigningKeyPair | undefined {
  try {
    const key = createPrivateKey({ key: privateKeyPem, format: 'pem' });
    if (key.asymmetricKeyType !== SIGNING_ALGORITHM) return undefined;
    const publicKey = createPublicKey(key).export({ type: 'spki', format: 'der' }).toString('base64');
    return { id: keyIdOf(publicKey), publicKey, algorithm: SIGNING_ALGORITHM, privateKeyPem };
  } catch {
    return undefined;
  }
}

/** The text a signature is over. */
export function checkpointMessage(c: Checkpoint, keyId: string): string {
  return `${CHECKPOINT_TAG}:${CHECKPOINT_VERSION}:${c.seq}:${c.hash}:${keyId}`;
}

export function signCheckpoint(c: Checkpoint, key: Pick<SigningKeyPair, 'id' | 'privateKeyPem'>): SignedCheckpoint {
  const signature = sign(null, Buffer.from(checkpointMessage(c, key.id)), createPrivateKey({ key: key.privateKeyPem, format: 'pem' }));
  return { seq: c.seq, hash: c.hash, keyId: key.id, signature: signature.toString('base64url') };
}

/** Whether the signature is the one `publicKey` (SPKI DER, base64) makes over this checkpoint, and the key is the one its id names. */
export function signatureHolds(c: SignedCheckpoint, publicKey: string): boolean {
  if (keyIdOf(publicKey) !== c.keyId) return false;
  try {
    const key = createPublicKey({ key: Buffer.from(publicKey, 'base64'), format: 'der', type: 'spki' });
    const signature = Buffer.from(c.signature, 'base64url');
    return signature.length === 64 && verify(null, Buffer.from(checkpointMessage(c, c.keyId)), key, signature);
  } catch {
    return false;
  }
}

/** The one-line form: `sop-checkpoint:1:<seq>:<hash>:<keyId>:<signature>`, or `<seq>:<hash>` unsigned. */
export function formatAnyCheckpoint(c: AnyCheckpoint): string {
  return isSigned(c) ? `${checkpointMessage(c, c.keyId)}:${c.signature}` : `${c.seq}:${c.hash}`;
}

const SIGNED = /^sop-checkpoint:(\d+):(\d{1,15}):([0-9a-fA-F]{64}):([0-9a-fA-F]{32}):([A-Za-z0-9_-]+)$/;

/**
 * Reads a checkpoint as `sop checkpoint` prints it: signed (the signature in
 * base64url, or in base32 as the printed form gives it; spaces anywhere are
 * ignored, so grouped digits can be typed as printed), or the old `<seq>:<hash>`.
 */
export function parseAnyCheckpoint(text: string): AnyCheckpoint | undefined {
  const compact = text.replace(/\s+/g, '');
  const m = SIGNED.exec(compact);
  if (!m) return compact.startsWith(`${CHECKPOINT_TAG}:`) ? undefined : parseCheckpoint(compact);
  if (Number(m[1]) !== CHECKPOINT_VERSION) return undefined;
  const sig = m[5]!;
  let bytes: Buffer | undefined;
  if (sig.length === 86 && /^[A-Za-z0-9_-]+$/.test(sig)) bytes = Buffer.from(sig, 'base64url');
  else if (sig.length === 103) bytes = fromBase32(sig);
  if (bytes?.length !== 64) return undefined;
  return { seq: Number(m[2]), hash: m[3]!.toLowerCase(), keyId: m[4]!.toLowerCase(), signature: bytes.toString('base64url') };
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32, without padding. */
export function toBase32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

function fromBase32(text: string): Buffer | undefined {
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of text.toUpperCase()) {
    const v = BASE32.indexOf(ch);
    if (v < 0) return undefined;
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
    value &= (1 << bits) - 1;
  }
  return Buffer.from(bytes);
}

/** `text` in groups of `size`, `perLine` groups a line. */
function grouped(text: string, size: number, perLine: number): string[] {
  const groups = text.match(new RegExp(`.{1,${size}}`, 'g')) ?? [];
  const lines: string[] = [];
  for (let i = 0; i < groups.length; i += perLine) lines.push(groups.slice(i, i + perLine).join(' '));
  return lines;
}

/**
 * The form to keep on paper: every part in short groups, the signature in
 * base32, and the times in the office's local time. Typed back with its
 * spaces (`sop verify --checkpoint "sop-checkpoint:1:<seq>:<hash>:<key>:<signature>"`),
 * it reads as the one-line form does. An unsigned checkpoint says so.
 */
export function printableCheckpoint(c: AnyCheckpoint, facts: { writtenAt: string | null; printedAt: string; store?: string }): string[] {
  const signed = isSigned(c);
  const hash = grouped(c.hash, 4, 8);
  return [
    signed ? 'SOP CHECKPOINT (sop-checkpoint:1), signed with Ed25519' : 'SOP CHECKPOINT, NOT SIGNED: it proves nothing about who issued it',
    ...(facts.store ? [`Store:      ${facts.store}`] : []),
    `Entry:      ${c.seq}${facts.writtenAt ? `, written ${facts.writtenAt}` : ''}`,
    `Printed:    ${facts.printedAt}`,
    '',
    'Hash of the entry (hex):',
    ...hash.map((l) => `  ${l}`),
    ...(signed
      ? [
          'Signing key (hex):',
          ...grouped(c.keyId, 4, 8).map((l) => `  ${l}`),
          'Signature (base32):',
          ...grouped(toBase32(Buffer.from(c.signature, 'base64url')), 4, 8).map((l) => `  ${l}`),
          '',
          'To check the store against it, type the parts back, spaces and all:',
          `  sop verify --checkpoint "sop-checkpoint:1:${c.seq}:<hash>:<signing key>:<signature>"`,
        ]
      : ['', 'To check the store against it:', `  sop verify --checkpoint "${c.seq}:<hash>"`]),
    'The same, on one line:',
    `  ${formatAnyCheckpoint(c)}`,
  ];
}
