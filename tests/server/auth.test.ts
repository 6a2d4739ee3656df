/**
 * Proven identity through the server: logins with a password, the same
 * answer whether or not the user exists, the rate limit, the first password
 * changed at the first login, sessions that expire and end, API tokens that
 * are revoked, and what the log keeps of all that (never a secret or its
 * hash). The server's clock is pinned, so expiry and the rate limit's
 * window are crossed by moving it, not by waiting.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sha256Hex } from '../../engine/store/sha256.js';
import { openOffice } from '../helpers/engine.js';
import { tempDir } from '../helpers/cli.js';
import { body, serverWith, type TestServer } from './helpers.js';

let now = new Date('2026-12-01T01:00:00Z');
const clock = () => now;
const later = (ms: number) => {
  now = new Date(now.getTime() + ms);
};
const MINUTE = 60_000;

let s: TestServer;
afterEach(async () => {
  await s?.close();
});

async function office(db = ':memory:'): Promise<TestServer> {
  s = await serverWith({ budi: [], siti: ['kepala-bidang-aptika'] }, { clock, db });
  // Passwords as the person set them (the program acts for them): no change needed at login.
  await s.office.as('budi').auth.setPassword('budi', 'rahasia-budi-1');
  await s.office.as('siti').auth.setPassword('siti', 'rahasia-siti-1');
  return s;
}

const login = (user: string, password: string, extra: { newPassword?: string; ip?: string } = {}) =>
  s.app.inject({
    method: 'POST',
    url: '/api/v1/session',
    payload: { user, password, ...(extra.newPassword ? { newPassword: extra.newPassword } : {}) },
    ...(extra.ip ? { remoteAddress: extra.ip } : {}),
  });
const as = (token: string, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) => s.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });

function problem(r: LightMyRequestResponse): { status: number; code: string; kind: string; message: string; data: Record<string, unknown> } {
  expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
  return body(r);
}

describe('Given an office served with people who have set their passwords', () => {
  it('when budi logs in with his password, then he gets a session token that acts as him, via password, from his address', async () => {
    await office();
    const r = await login('budi', 'rahasia-budi-1', { ip: '10.1.2.3' });
    expect(r.statusCode).toBe(201);
    const session = body<{ token: string; user: string; via: string; expiresAt: string }>(r);
    expect(session).toMatchObject({ user: 'budi', via: 'password', expiresAt: '2026-12-01T13:00:00.000Z' });
    expect(session.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(body(await as(session.token, 'GET', '/api/v1/session'))).toEqual({ user: 'budi', via: 'password', expiresAt: '2026-12-01T13:00:00.000Z', tokenId: null });
    const started = body<{ id: string }>(
      await s.app.inject({ method: 'POST', url: '/api/v1/instances', remoteAddress: '10.1.2.3', headers: { authorization: `Bearer ${session.token}` }, payload: { sop: 'pengelolaan-akses-pengguna' } }),
    );
    const history = await s.office.as('admin').instances.history(started.id);
    expect(history.entries[0]).toMatchObject({ user: 'budi', via: 'password', osUser: null, client: '10.1.2.3' });
  });

  it('when a login names a wrong password or a user who does not exist, then both answers are the same 401 auth.bad-credentials', async () => {
    await office();
    const wrong = await login('budi', 'salah-sekali');
    const unknown = await login('tidak-ada', 'salah-sekali');
    const invalid = await login('bad name!', 'salah-sekali');
    for (const r of [wrong, unknown, invalid]) {
      expect(r.statusCode).toBe(401);
      expect(r.headers['www-authenticate']).toBe('Bearer realm="sop"');
    }
    expect(problem(wrong)).toEqual(problem(unknown));
    expect(problem(wrong)).toEqual(problem(invalid));
    expect(problem(wrong)).toMatchObject({ code: 'auth.bad-credentials', kind: 'forbidden', data: {} });
  });

  it('when a user name fails 5 times in 15 minutes, then the 6th try is 429 auth.rate-limited with Retry-After, even with the right password, until the window has passed', async () => {
    await office();
    for (let i = 0; i < 5; i++) {
      expect((await login('budi', `tebakan-${i}`, { ip: `10.0.0.${i + 1}` })).statusCode).toBe(401);
      later(MINUTE);
    }
    const blocked = await login('budi', 'rahasia-budi-1', { ip: '10.0.0.99' });
    expect(blocked.statusCode).toBe(429);
    // The first failure was 5 minutes ago: it leaves the window in 10 minutes.
    expect(blocked.headers['retry-after']).toBe('600');
    expect(problem(blocked)).toMatchObject({ code: 'auth.rate-limited', data: { retryAfter: 600 } });
    // A user who does not exist is limited the same way: the limit says nothing about who exists.
    for (let i = 0; i < 5; i++) await login('hantu', `tebakan-${i}`, { ip: `10.0.1.${i + 1}` });
    expect(problem(await login('hantu', 'apa-saja', { ip: '10.0.1.99' })).code).toBe('auth.rate-limited');
    // Siti is not budi: her login goes through.
    expect((await login('siti', 'rahasia-siti-1', { ip: '10.0.0.99' })).statusCode).toBe(201);
    later(10 * MINUTE);
    expect((await login('budi', 'rahasia-budi-1', { ip: '10.0.0.99' })).statusCode).toBe(201);
  });

  it('when one client fails 5 times on several names, then that client is limited for every name, and another client is not', async () => {
    await office();
    for (const name of ['a1', 'a2', 'a3', 'a4', 'budi']) expect((await login(name, 'tebakan-salah', { ip: '192.0.2.7' })).statusCode).toBe(401);
    expect(problem(await login('siti', 'rahasia-siti-1', { ip: '192.0.2.7' })).code).toBe('auth.rate-limited');
    expect((await login('siti', 'rahasia-siti-1', { ip: '192.0.2.8' })).statusCode).toBe(201);
  });

  it('when an administrator sets a password, then the first login is 403 auth.password-change-required until the person chooses their own, and the old sessions end', async () => {
    await office();
    const before = body<{ token: string }>(await login('budi', 'rahasia-budi-1')).token;
    const admin = await s.office.as('admin').auth.setPassword('budi', 'sementara-123');
    expect(admin).toEqual({ user: 'budi', mustChange: true });
    expect(problem(await as(before, 'GET', '/api/v1/tasks'))).toMatchObject({ code: 'auth.session-expired' });
    const first = await login('budi', 'sementara-123');
    expect(first.statusCode).toBe(403);
    expect(problem(first)).toMatchObject({ code: 'auth.password-change-required', data: { user: 'budi' } });
    // A weak new password is refused, and nothing changes.
    expect(problem(await login('budi', 'sementara-123', { newPassword: 'pendek' }))).toMatchObject({ code: 'auth.weak-password' });
    const changed = await login('budi', 'sementara-123', { newPassword: 'pilihan-budi-2' });
    expect(changed.statusCode).toBe(201);
    expect(problem(await login('budi', 'sementara-123')).code).toBe('auth.bad-credentials');
    expect((await login('budi', 'pilihan-budi-2')).statusCode).toBe(201);
    const log = (await s.office.as('admin').audit.verify()).ok;
    expect(log).toBe(true);
  });

  it('when a session is 12 hours old, then it is refused with 401 auth.session-expired; after logout, with auth.session-expired too', async () => {
    await office();
    const token = body<{ token: string }>(await login('budi', 'rahasia-budi-1')).token;
    later(12 * 60 * MINUTE - 1000);
    expect((await as(token, 'GET', '/api/v1/tasks')).statusCode).toBe(200);
    later(1000);
    const expired = await as(token, 'GET', '/api/v1/tasks');
    expect(expired.statusCode).toBe(401);
    expect(problem(expired)).toMatchObject({ code: 'auth.session-expired' });

    const second = body<{ token: string }>(await login('budi', 'rahasia-budi-1')).token;
    expect(body(await as(second, 'DELETE', '/api/v1/session'))).toEqual({ ended: true });
    expect(problem(await as(second, 'GET', '/api/v1/tasks'))).toMatchObject({ code: 'auth.session-expired' });
  });

  it('when a request has no token, or one the server never gave, then it is 401 (auth.unauthenticated, auth.bad-credentials) and the engine is not asked', async () => {
    await office();
    const none = await s.app.inject({ method: 'GET', url: '/api/v1/tasks' });
    expect(none.statusCode).toBe(401);
    expect(problem(none).code).toBe('auth.unauthenticated');
    const forged = await as('A'.repeat(43), 'GET', '/api/v1/tasks');
    expect(problem(forged)).toMatchObject({ status: 401, code: 'auth.bad-credentials' });
    expect(problem(await as('not-a-token', 'GET', '/api/v1/tasks')).code).toBe('auth.bad-credentials');
    // Not "Bearer <token>" at all: as if none were given.
    expect(problem(await as('two words', 'GET', '/api/v1/tasks')).code).toBe('auth.unauthenticated');
  });
});

describe('Given API tokens', () => {
  it('when budi makes one, then its secret is shown once and acts as him via token; once revoked it is refused with 401 auth.token-revoked', async () => {
    await office();
    const session = body<{ token: string }>(await login('budi', 'rahasia-budi-1')).token;
    const made = await as(session, 'POST', '/api/v1/tokens', { label: 'skrip laporan' });
    expect(made.statusCode).toBe(201);
    const token = body<{ id: string; user: string; label: string; secret: string; revokedAt: null }>(made);
    expect(token).toMatchObject({ user: 'budi', label: 'skrip laporan', revokedAt: null });
    expect(body(await as(token.secret, 'GET', '/api/v1/session'))).toMatchObject({ user: 'budi', via: 'token', tokenId: token.id });
    const listed = body<Record<string, unknown>[]>(await as(session, 'GET', '/api/v1/tokens'));
    expect(listed.map((t) => t.id)).toContain(token.id);
    expect(listed.every((t) => !('secret' in t) && !('hash' in t))).toBe(true);

    // Siti may not revoke budi's token (to her it does not exist); budi may.
    const sitiSession = body<{ token: string }>(await login('siti', 'rahasia-siti-1')).token;
    expect(problem(await as(sitiSession, 'DELETE', `/api/v1/tokens/${token.id}`))).toMatchObject({ status: 404, code: 'token.unknown' });
    expect(problem(await as(sitiSession, 'GET', '/api/v1/tokens?user=budi'))).toMatchObject({ status: 403, code: 'auth.not-admin' });
    const revoked = await as(session, 'DELETE', `/api/v1/tokens/${token.id}`);
    expect(body(revoked)).toMatchObject({ id: token.id, revokedAt: now.toISOString() });
    const refused = await as(token.secret, 'GET', '/api/v1/tasks');
    expect(refused.statusCode).toBe(401);
    expect(problem(refused)).toMatchObject({ code: 'auth.token-revoked', data: { token: token.id } });
    // An administrator may revoke anyone's, and list everyone's.
    const admin = s.tokens.admin!;
    const other = body<{ id: string; secret: string }>(await as(admin, 'POST', '/api/v1/tokens', { label: 'layanan', user: 'siti' }));
    expect(body(await as(admin, 'GET', '/api/v1/tokens?all=true')).length).toBeGreaterThan(3);
    expect((await as(admin, 'DELETE', `/api/v1/tokens/${other.id}`)).statusCode).toBe(200);
    expect(problem(await as(other.secret, 'GET', '/api/v1/tasks')).code).toBe('auth.token-revoked');
  });

  it('then the log records each password set and each token made and revoked, and never a secret or its hash, in the log or in a recorded answer', async () => {
    const db = join(tempDir('sop-auth-'), 'sop.db');
    await office(db);
    const session = body<{ token: string }>(await login('budi', 'rahasia-budi-1')).token;
    const made = body<{ id: string; secret: string }>(await as(session, 'POST', '/api/v1/tokens', { label: 'rahasia?' }));
    await as(session, 'DELETE', `/api/v1/tokens/${made.id}`);
    const pw = await s.app.inject({
      method: 'POST',
      url: '/api/v1/password',
      headers: { authorization: `Bearer ${session}`, 'idempotency-key': 'ganti-1' },
      payload: { password: 'rahasia-budi-2', oldPassword: 'rahasia-budi-1' },
    });
    expect(body(pw)).toEqual({ user: 'budi', mustChange: false });
    await s.close();
    const conn = new Database(db, { readonly: true });
    try {
      const changes = (conn.prepare("SELECT payload FROM log WHERE kind = 'user'").all() as { payload: string }[]).map(
        (r) => JSON.parse(r.payload) as { action: string; user: string; token?: { id: string; label?: string }; mustChange?: boolean; by: { user: string } },
      );
      expect(changes.filter((c) => c.action === 'password-set').map((c) => [c.user, c.mustChange, c.by.user])).toEqual([
        ['budi', false, 'budi'],
        ['siti', false, 'siti'],
        ['budi', false, 'budi'],
      ]);
      expect(changes.filter((c) => c.token?.id === made.id).map((c) => [c.action, c.token?.label])).toEqual([
        ['token-created', 'rahasia?'],
        ['token-revoked', 'rahasia?'],
      ]);
      const everything = [
        ...(conn.prepare('SELECT payload FROM log').all() as { payload: string }[]).map((r) => r.payload),
        ...(conn.prepare('SELECT answer FROM requests').all() as { answer: string }[]).map((r) => r.answer),
      ].join('\n');
      const hashes = (conn.prepare('SELECT password_hash FROM credentials').all() as { password_hash: string }[]).map((r) => r.password_hash);
      expect(hashes.every((h) => h.startsWith('scrypt$15$8$1$'))).toBe(true);
      for (const secret of [made.secret, sha256Hex(made.secret), session, sha256Hex(session), 'rahasia-budi-1', 'rahasia-budi-2', ...hashes]) expect(everything).not.toContain(secret);
      // The token tables keep only hashes.
      expect(conn.prepare('SELECT count(*) AS n FROM sessions WHERE id_hash = ?').get(sha256Hex(session))).toEqual({ n: 1 });
      expect(conn.prepare('SELECT count(*) AS n FROM api_tokens WHERE hash = ?').get(sha256Hex(made.secret))).toEqual({ n: 1 });
    } finally {
      conn.close();
    }
    const verified = await openOffice(db, { create: false });
    expect((await verified.engine.audit.verify()).ok).toBe(true);
    await verified.close();
  });

  it('when budi changes his own password, then the old one is required and checked; someone else\u2019s is for administrators only', async () => {
    await office();
    const session = body<{ token: string }>(await login('budi', 'rahasia-budi-1')).token;
    expect(problem(await as(session, 'POST', '/api/v1/password', { password: 'baru-sekali-1' }))).toMatchObject({ status: 422, code: 'auth.old-password-required' });
    expect(problem(await as(session, 'POST', '/api/v1/password', { password: 'baru-sekali-1', oldPassword: 'salah-salah' }))).toMatchObject({
      status: 401,
      code: 'auth.bad-credentials',
    });
    expect(problem(await as(session, 'POST', '/api/v1/password', { user: 'siti', password: 'baru-sekali-1' }))).toMatchObject({ status: 403, code: 'auth.not-admin' });
    expect(problem(await as(session, 'POST', '/api/v1/password', { password: 'budi', oldPassword: 'rahasia-budi-1' }))).toMatchObject({ code: 'auth.weak-password' });
    expect(body(await as(session, 'POST', '/api/v1/password', { password: 'baru-sekali-1', oldPassword: 'rahasia-budi-1' }))).toEqual({ user: 'budi', mustChange: false });
    expect((await login('budi', 'baru-sekali-1')).statusCode).toBe(201);
  });
});
