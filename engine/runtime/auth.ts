/**
 * Proven identity (issue 11): how a person proves who they are to the
 * server, which is the one writer of an office.
 *
 * - Passwords are stored only as scrypt hashes with a random salt (see
 *   SCRYPT), compared in constant time. A person sets their own (the old
 *   one required when they have one); an administrator sets anyone's, and
 *   then it must be changed at the first login (`mustChange`).
 * - A login gives a session token: 32 random bytes (base64url) that only
 *   its holder knows; the store keeps its SHA-256, the person, the client
 *   and the expiry (SESSION_HOURS).
 * - An API token is the same kind of secret, long-lived, with a public id
 *   and a label, listed and revocable: for scripts and the CLI's SOP_TOKEN.
 *   Its secret is shown once, when it is made.
 * - Logins are rate-limited per user name and per client: after
 *   MAX_FAILURES failures within WINDOW_MS, `auth.rate-limited` with the
 *   seconds to wait. The count lives in the memory of the long-lived
 *   process (the server): a restart forgets it.
 * - A failed login never says whether the user exists: the same error, and
 *   the same scrypt work, for an unknown name as for a wrong password.
 *
 * Every password set and every token made or revoked is a 'user' log entry
 * (`password-set`, `token-created`, `token-revoked`) written in the same
 * transaction as the credential; never a secret or its hash. A request's
 * recorded answer (a retry's) never holds a secret either: it is added to
 * the answer outside the transaction.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { SopError } from '../errors.js';
import { sha256Hex } from '../store/sha256.js';
import type { ApiToken } from '../store/index.js';
import { isPlainText, printable } from '../text.js';
import type { Context, Office } from './context.js';
import { actingUser, actorMeta, USER_NAME } from './people.js';
import { requestKey } from './requests.js';

/**
 * scrypt's cost: N = 2^15, r = 8, p = 1 (32 MiB of memory and about 100 ms
 * of one core per hash here), a 16-byte random salt, a 64-byte key. The
 * parameters are stored with each hash, so they can be raised later
 * without invalidating the passwords set before.
 */
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, keyLength: 64, saltLength: 16 } as const;
/** How long a login session lasts. */
export const SESSION_HOURS = 12;
/** Failed logins allowed per user name and per client within the window. */
export const MAX_FAILURES = 5;
export const WINDOW_MS = 15 * 60 * 1000;
/** A password: at least this many characters (NIST SP 800-63B's minimum), at most MAX_PASSWORD. */
export const MIN_PASSWORD = 8;
const MAX_PASSWORD = 1024;
const MAX_LABEL = 100;
/** What a session token or an API token secret looks like: 32 bytes in base64url. */
const SECRET = /^[A-Za-z0-9_-]{43}$/;
/** Sessions expired this long ago are forgotten (until then an old token is told it expired). */
const FORGET_AFTER_MS = 30 * 24 * 3600 * 1000;

// --- hashing -----------------------------------------------------------------

function scryptAsync(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, keyLength, options, (e, key) => (e ? reject(e) : resolve(key))));
}

/** `scrypt$<log2 N>$<r>$<p>$<salt>$<key>`, salt and key in base64url. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SCRYPT.saltLength);
  const key = await scryptAsync(password, salt, SCRYPT.keyLength, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p, maxmem: 256 * SCRYPT.N * SCRYPT.r });
  return `scrypt$${Math.log2(SCRYPT.N)}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** Whether `password` is the one `encoded` was made from: compared in constant time. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const [scheme, logN, r, p, salt, key] = encoded.split('$');
  if (scheme !== 'scrypt' || !logN || !r || !p || salt === undefined || key === undefined) return false;
  const expected = Buffer.from(key, 'base64url');
  const N = 2 ** Number(logN);
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length, { N, r: Number(r), p: Number(p), maxmem: 256 * N * Number(r) });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A hash of nothing anyone knows: checked against for an unknown user, so that the answer takes as long. */
let decoy: Promise<string> | undefined;

// --- the rate limit ------------------------------------------------------------

/** Failed logins per key (`user:<name>`, `client:<address>`), in the memory of the process. */
class LoginLimiter {
  private readonly failures = new Map<string, number[]>();
  /** Keys kept at most: an attacker inventing names cannot grow the map without bound. */
  private static readonly MAX_KEYS = 10_000;

  /** Seconds to wait before another try, or 0. */
  retryAfter(keys: readonly string[], now: number): number {
    let wait = 0;
    for (const key of keys) {
      const recent = this.recent(key, now);
      if (recent.length >= MAX_FAILURES) wait = Math.max(wait, Math.ceil((recent[recent.length - MAX_FAILURES]! + WINDOW_MS - now) / 1000));
    }
    return wait;
  }

  fail(keys: readonly string[], now: number): void {
    for (const key of keys) {
      const recent = this.recent(key, now);
      recent.push(now);
      this.failures.delete(key);
      this.failures.set(key, recent);
    }
    while (this.failures.size > LoginLimiter.MAX_KEYS) this.failures.delete(this.failures.keys().next().value!);
  }

  /** A success clears the user's count, not the client's: one's own login must not wash out guesses at others'. */
  succeed(key: string): void {
    this.failures.delete(key);
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => t > now - WINDOW_MS);
  }
}

const limiters = new WeakMap<Office, LoginLimiter>();
function limiterOf(office: Office): LoginLimiter {
  let limiter = limiters.get(office);
  if (!limiter) {
    limiter = new LoginLimiter();
    limiters.set(office, limiter);
  }
  return limiter;
}

// --- errors --------------------------------------------------------------------

function badCredentials(): SopError {
  return new SopError('auth.bad-credentials', 'the user name or the password is wrong');
}

function checkPassword(password: string, user: string): void {
  const length = [...password].length;
  if (length < MIN_PASSWORD || length > MAX_PASSWORD || !isPlainText(password) || password.trim() !== password || password.toLowerCase() === user.toLowerCase()) {
    throw new SopError('auth.weak-password', `a password is ${MIN_PASSWORD} to ${MAX_PASSWORD} characters of plain text, without spaces at either end, and not the user name`, {
      data: { min: MIN_PASSWORD, max: MAX_PASSWORD },
    });
  }
}

// --- the use cases ---------------------------------------------------------------

/** What a login gives: the session token (known only to the caller), whose it is, until when. */
export interface LoginResult {
  token: string;
  user: string;
  via: 'password';
  expiresAt: string;
}

/**
 * Opens a session for `user` with their password. A password an
 * administrator set must be changed first: `auth.password-change-required`,
 * unless `newPassword` is given, which is then set (the person's own) and
 * the session opened.
 */
export async function login(ctx: Context, user: string, password: string, options: { client?: string; newPassword?: string } = {}): Promise<LoginResult> {
  const limiter = limiterOf(ctx.office);
  const keys = [`user:${user}`, ...(options.client ? [`client:${options.client}`] : [])];
  const started = ctx.clock().getTime();
  const wait = limiter.retryAfter(keys, started);
  if (wait > 0) {
    throw new SopError('auth.rate-limited', `too many failed logins; try again in ${Math.ceil(wait / 60)} minute(s)`, { data: { retryAfter: wait } });
  }
  const known = USER_NAME.test(user) && typeof password === 'string' && password.length <= MAX_PASSWORD * 4;
  const cred = known ? ctx.store.credential(user) : undefined;
  decoy ??= hashPassword(randomBytes(16).toString('hex'));
  const ok = await verifyPassword(known ? password : '', cred?.hash ?? (await decoy));
  if (!cred || !ok) {
    limiter.fail(keys, started);
    throw badCredentials();
  }
  limiter.succeed(`user:${user}`);
  if (cred.mustChange && options.newPassword === undefined) {
    throw new SopError('auth.password-change-required', `the password of ${user} was set by an administrator: choose your own to log in`, { data: { user } });
  }
  if (options.newPassword !== undefined) checkPassword(options.newPassword, user);
  const newHash = options.newPassword === undefined ? undefined : await hashPassword(options.newPassword);
  const token = randomBytes(32).toString('base64url');
  const now = ctx.clock();
  const expiresAt = new Date(now.getTime() + SESSION_HOURS * 3600 * 1000).toISOString();
  const write = () =>
    ctx.store.transact(newHash === undefined ? undefined : requestKey({ command: 'password', args: { user, mustChange: false } }, user), (tx) => {
      // The password may have changed while it was being checked (scrypt takes a while): then this one is no longer it.
      if (ctx.store.credential(user)?.hash !== cred.hash) throw badCredentials();
      if (newHash !== undefined) {
        tx.setCredential(user, newHash, false);
        tx.recordUserChange({ action: 'password-set', user, mustChange: false, by: { user, via: 'password', ...(options.client ? { client: options.client } : {}) } });
      }
      tx.pruneSessions(new Date(now.getTime() - FORGET_AFTER_MS).toISOString());
      tx.createSession({ idHash: sha256Hex(token), user, client: options.client ?? null, createdAt: now.toISOString(), expiresAt });
      return null;
    });
  write();
  return { token, user, via: 'password', expiresAt };
}

/** Ends the session of this token; whether one was open. An API token is not ended this way (revoke it). */
export function logout(ctx: Context, token: string): { ended: boolean } {
  if (!SECRET.test(token)) return { ended: false };
  const idHash = sha256Hex(token);
  if (!ctx.store.session(idHash)) return { ended: false };
  return ctx.store.transact(undefined, (tx) => ({ ended: tx.revokeSession(idHash) }));
}

/** Who a session token or an API token proves the caller to be. */
export interface Authenticated {
  user: string;
  via: 'password' | 'token';
  /** A session's end. */
  expiresAt?: string;
  /** An API token's public id. */
  tokenId?: string;
}

/**
 * The person a token stands for: a session (via 'password') still open, or
 * an API token (via 'token') not revoked. `auth.bad-credentials` for a token
 * nobody holds, `auth.session-expired`, `auth.token-revoked`.
 */
export function authenticate(ctx: Context, token: string): Authenticated {
  if (typeof token !== 'string' || !SECRET.test(token)) throw new SopError('auth.bad-credentials', 'the token is not one this server gave');
  const hash = sha256Hex(token);
  const session = ctx.store.session(hash);
  if (session) {
    if (session.revokedAt !== null) throw new SopError('auth.session-expired', 'this session was ended (logged out); log in again', { data: { ended: session.revokedAt } });
    if (session.expiresAt <= ctx.clock().toISOString()) throw new SopError('auth.session-expired', `this session expired at ${session.expiresAt}; log in again`, { data: { expired: session.expiresAt } });
    return { user: session.user, via: 'password', expiresAt: session.expiresAt };
  }
  const api = ctx.store.apiTokenByHash(hash);
  if (api) {
    if (api.revokedAt !== null) throw new SopError('auth.token-revoked', `the API token ${api.id} was revoked at ${api.revokedAt}`, { data: { token: api.id, revoked: api.revokedAt } });
    return { user: api.user, via: 'token', tokenId: api.id };
  }
  throw new SopError('auth.bad-credentials', 'the token is not one this server gave');
}

/**
 * Sets the password of `user`: the person themselves (with their old
 * password, when they have one), or an administrator (then it must be
 * changed at the first login, and the person's open sessions end).
 */
export async function setPassword(
  ctx: Context,
  user: string,
  password: string,
  options: { oldPassword?: string; mustChange?: boolean; requestId?: string } = {},
): Promise<{ user: string; mustChange: boolean }> {
  const me = actingUser(ctx);
  if (!ctx.store.getUser(user)) throw new SopError('store.unknown-user', `no user ${printable(user)}`, { data: { user } });
  const self = me.name === user;
  if (!self && !me.isAdmin) {
    throw new SopError('auth.not-admin', `only an administrator may set someone else's password; "${me.name}" is not one`, { data: { user: me.name, action: 'set passwords' } });
  }
  checkPassword(password, user);
  // A program that embeds the engine (the demo office) is trusted as the store's own: it says whether the password must be changed.
  const program = ctx.identity.via === 'program';
  const mustChange = program && options.mustChange !== undefined ? options.mustChange : !self;
  const key = requestKey({ id: options.requestId, command: 'password', args: { user, mustChange } }, me.name);
  // A retry answered from the record checks nothing more and hashes nothing.
  if (ctx.store.request(key.id) === undefined && !program) {
    const cred = self ? ctx.store.credential(user) : undefined;
    if (cred) {
      if (options.oldPassword === undefined) throw new SopError('auth.old-password-required', 'give your current password to change it', { data: { user } });
      if (!(await verifyPassword(options.oldPassword, cred.hash))) throw new SopError('auth.bad-credentials', 'the current password is wrong', { data: { user } });
    }
  }
  const hash = await hashPassword(password);
  const by = actorMeta(ctx);
  return ctx.store.transact(key, (tx) => {
    tx.setCredential(user, hash, mustChange);
    if (!self) tx.revokeSessionsOf(user);
    tx.recordUserChange({ action: 'password-set', user, mustChange, by });
    return { user, mustChange };
  });
}

/** An API token as made: its secret, shown this once (null when a retry is answered from the record: the secret is not kept). */
export interface NewToken extends ApiToken {
  secret: string | null;
}

/** Makes an API token for the acting person (an administrator: for anyone, `user`). */
export function createToken(ctx: Context, options: { label: string; user?: string; requestId?: string }): NewToken {
  const me = actingUser(ctx);
  const owner = options.user ?? me.name;
  if (owner !== me.name && !me.isAdmin) {
    throw new SopError('auth.not-admin', `only an administrator may make a token for someone else; "${me.name}" is not one`, { data: { user: me.name, action: 'make tokens for others' } });
  }
  if (!ctx.store.getUser(owner)) throw new SopError('store.unknown-user', `no user ${printable(owner)}`, { data: { user: owner } });
  const label = options.label;
  if (typeof label !== 'string' || label.trim() === '' || [...label].length > MAX_LABEL || !isPlainText(label)) {
    throw new SopError('token.invalid-label', `a token's label is 1 to ${MAX_LABEL} characters of plain text`, { data: { max: MAX_LABEL } });
  }
  const id = randomBytes(9).toString('base64url');
  const secret = randomBytes(32).toString('base64url');
  const by = actorMeta(ctx);
  const made = ctx.store.transact(requestKey({ id: options.requestId, command: 'token create', args: { user: owner, label } }, me.name), (tx) => {
    const token: ApiToken = { id, user: owner, label, createdAt: ctx.clock().toISOString(), revokedAt: null };
    tx.createToken(token, sha256Hex(secret));
    tx.recordUserChange({ action: 'token-created', user: owner, token: { id, label }, by });
    return token;
  });
  return { ...made, secret: made.id === id ? secret : null };
}

/** The acting person's tokens; an administrator's: anyone's (`user`), or everyone's (`all`). Never a secret. */
export function listTokens(ctx: Context, options: { user?: string; all?: boolean } = {}): ApiToken[] {
  const me = actingUser(ctx);
  const whose = options.all ? undefined : (options.user ?? me.name);
  if (whose !== me.name && !me.isAdmin) {
    throw new SopError('auth.not-admin', `only an administrator may list someone else's tokens; "${me.name}" is not one`, { data: { user: me.name, action: 'list tokens' } });
  }
  return ctx.store.apiTokens(whose);
}

/** Revokes an API token: its owner's, or any by an administrator. Revoking a revoked one changes nothing. */
export function revokeToken(ctx: Context, id: string, options: { requestId?: string } = {}): ApiToken {
  const me = actingUser(ctx);
  const token = typeof id === 'string' ? ctx.store.apiToken(id) : undefined;
  // Someone else's token is as unknown as a missing one to a person who may not touch it.
  if (!token || (token.user !== me.name && !me.isAdmin)) throw new SopError('token.unknown', `no API token ${printable(String(id), 40)} of yours`, { data: { token: String(id) } });
  if (token.revokedAt !== null) return token;
  const by = actorMeta(ctx);
  return ctx.store.transact(requestKey({ id: options.requestId, command: 'token revoke', args: { id } }, me.name), (tx) => {
    tx.revokeToken(id);
    tx.recordUserChange({ action: 'token-revoked', user: token.user, token: { id, label: token.label }, by });
    return ctx.store.apiToken(id)!;
  });
}
