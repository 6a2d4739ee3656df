/**
 * The writer's signing key: an Ed25519 private key in a file beside the
 * store (`<db>.signing-key`, mode 0600, PKCS8 PEM), never in it; its public
 * part in the log (`key-add`), so that anyone who reads the log can check
 * what it signed. Created by an administrator (`sop key init`, or on first
 * use by `sop checkpoint` and `sop export`); `sop key rotate` puts a new key
 * in its place and retires the old one, whose signatures keep holding for
 * the entries before its retirement.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { SopError } from '../errors.js';
import { keyPairOf, newSigningKey, signCheckpoint, type SignedCheckpoint, type SigningKeyPair } from '../audit/signing.js';
import type { SigningKey } from '../store/index.js';
import type { Context } from './context.js';
import { actingUser, actorMeta, requireAdmin } from './people.js';

/** Where the key of the store `db` is kept by default; none for a store in memory. */
export function defaultKeyFile(db: string): string | undefined {
  return db === ':memory:' || db === '' ? undefined : `${db}.signing-key`;
}

/** The key file a use case works with: the one given, or the store's default. */
export function keyFileOf(ctx: Context, keyFile: string | undefined): string {
  const file = keyFile ?? defaultKeyFile(ctx.office.db);
  if (file === undefined) {
    throw new SopError('key.missing', 'a store in memory has no key file beside it: give the signing key file', { data: { file: null } });
  }
  return file;
}

export function keyFileExists(file: string): boolean {
  return existsSync(file);
}

/** Reads the key file; `key.missing` when there is none, `key.unreadable` when it cannot be read or holds no Ed25519 key. */
export function readKeyFile(file: string): SigningKeyPair {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new SopError('key.missing', `there is no signing key at ${file}`, { data: { file } });
    throw new SopError('key.unreadable', `the signing key ${file} cannot be read (${code ?? String(e)})`, { data: { file, reason: code ?? null } });
  }
  const pair = keyPairOf(pem);
  if (!pair) throw new SopError('key.unreadable', `${file} does not hold an Ed25519 private key (PKCS8 PEM)`, { data: { file, reason: 'not-a-key' } });
  return pair;
}

/** The key file of the store; when it is missing but the log has a key in use, the message says the file was lost and how to replace it. */
export function readStoreKey(ctx: Context, file: string): SigningKeyPair {
  try {
    return readKeyFile(file);
  } catch (e) {
    const inUse = e instanceof SopError && e.code === 'key.missing' ? keysInUse(ctx) : [];
    if (inUse.length === 0) throw e;
    throw new SopError(
      'key.missing',
      `there is no signing key at ${file}, though ${ctx.store.path} has the key ${inUse[0]!.id} in use: its file was lost or moved; an administrator replaces it with \`sop key rotate\``,
      {
        data: { file, key: inUse[0]!.id },
      },
    );
  }
}

/**
 * Signs the head of the log with the key in `file`, which must be a key of
 * the log still in use: `key.unknown` when the log never added it,
 * `key.retired` when it was retired (a retired key signs nothing new).
 */
export function signedHead(ctx: Context, file: string): SignedCheckpoint & { at: string | null } {
  const pair = readStoreKey(ctx, file);
  return ctx.store.readSnapshot(() => {
    const signed = signHead(ctx, pair);
    const at = signed.seq > 0 ? (ctx.store.logEntry(signed.seq)?.at ?? null) : null;
    return { ...signed, at };
  });
}

/** Signs `head` (default: the store's head as it is now) with `pair`, checked to be a key of the log in use. */
export function signHead(ctx: Context, pair: SigningKeyPair, head = ctx.store.head()): SignedCheckpoint {
  const known = ctx.store.signingKey(pair.id);
  if (!known || known.publicKey !== pair.publicKey) {
    throw new SopError('key.unknown', `the signing key ${pair.id} is not a key of ${ctx.store.path}: nothing it signs would hold`, { data: { key: pair.id, file: ctx.store.path } });
  }
  if (known.retiredSeq !== null) {
    throw new SopError('key.retired', `the signing key ${pair.id} was retired at entry ${known.retiredSeq}: it signs nothing after that`, { data: { key: pair.id, retiredSeq: known.retiredSeq } });
  }
  return signCheckpoint(head, pair);
}

/** Whether the person acting is an administrator (false when the store cannot say who they are). */
export function actingAsAdmin(ctx: Context): boolean {
  try {
    return actingUser(ctx).isAdmin;
  } catch {
    return false;
  }
}

/** The store's keys in use (not retired). */
export function keysInUse(ctx: Context): SigningKey[] {
  return ctx.store.signingKeys().filter((k) => k.retiredSeq === null);
}

/** Checks, before a key is made, that it may be: an administrator, and (for init) no key in use or on disk. */
export function assertKeyInit(ctx: Context, file: string): void {
  requireAdmin(ctx, 'create the signing key');
  if (existsSync(file)) throw new SopError('key.exists', `${file} exists already: the store has its signing key`, { data: { file } });
  const inUse = keysInUse(ctx);
  if (inUse.length > 0) {
    throw new SopError('key.exists', `${ctx.store.path} has the signing key ${inUse[0]!.id} in use already (its file is not at ${file}); rotate it to make a new one`, {
      data: { file, key: inUse[0]!.id },
    });
  }
}

/** Records a new key in the log (inside the transaction of a changing use case), retiring the keys in use when `rotate`. */
export function recordKey(ctx: Context, pair: SigningKeyPair, rotate: boolean): { key: SigningKey; retired: SigningKey[] } {
  requireAdmin(ctx, rotate ? 'rotate the signing key' : 'create the signing key');
  const tx = ctx.writes;
  const by = actorMeta(ctx);
  const old = keysInUse(ctx);
  if (!rotate && old.length > 0) throw new SopError('key.exists', `${ctx.store.path} has the signing key ${old[0]!.id} in use already; rotate it to make a new one`, { data: { key: old[0]!.id } });
  const key = tx.addSigningKey(
    { id: pair.id, publicKey: pair.publicKey, algorithm: pair.algorithm },
    by,
    old.map((k) => k.id),
  );
  const retired = old.map((k) => tx.retireSigningKey(k.id, by));
  return { key, retired };
}

/**
 * A key file written whole or not at all: to a temporary file beside it
 * (mode 0600 from its creation), synced, then renamed into place once the
 * log holds its public part (`commit`); `discard` when it does not.
 */
export function stageKeyFile(file: string, pem: string): { commit(): void; discard(): void } {
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  let fd: number;
  try {
    fd = openSync(temp, 'wx', 0o600);
  } catch (e) {
    throw new SopError('key.unreadable', `cannot write the signing key beside the store, at ${file} (${(e as NodeJS.ErrnoException).code ?? String(e)})`, { data: { file, reason: 'unwritable' } });
  }
  try {
    writeSync(fd, pem);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return {
    commit: () => renameSync(temp, file),
    discard: () => rmSync(temp, { force: true }),
  };
}

export { newSigningKey };
