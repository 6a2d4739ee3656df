/**
 * Idempotency-Key: a changing request sent again with the same key (after a
 * timeout, a lost connection, a restart of the server) is answered from the
 * record, with the same status and body, and applied once; the same key for
 * another request is a 409 request.mismatch, nothing done.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { body, serverWith, type TestServer } from './helpers.js';

const SOP = 'pengelolaan-akses-pengguna';
let s: TestServer;
afterEach(async () => {
  await s?.close();
});

const post = (user: string, url: string, payload: object, key?: string) => s.call(user, { method: 'POST', url: `/api/v1${url}`, payload, headers: key === undefined ? {} : { 'idempotency-key': key } });
const head = async () => (await s.office.engine.audit.checkpoint()).seq;

describe('Given changing requests with an Idempotency-Key', () => {
  it('when a start, an advance, a user change and a cancel are each sent twice with their key, then each is applied once and the retry gets the same answer', async () => {
    s = await serverWith({ budi: [], siti: ['kepala-bidang-aptika'] });
    const first = await post('budi', '/instances', { sop: SOP, title: 'Sekali saja' }, 'start-1');
    const seq = await head();
    const again = await post('budi', '/instances', { sop: SOP, title: 'Sekali saja' }, 'start-1');
    expect(again.statusCode).toBe(201);
    expect(again.body).toBe(first.body);
    expect(await head()).toBe(seq);
    const { id } = body<{ id: string }>(first);

    const advanced = await post('budi', `/instances/${id}/advance`, { step: 'usulan-pengguna-baru', note: 'usul' }, 'adv-1');
    const afterAdvance = await head();
    // Siti has completed the next step meanwhile: the retry is still answered from the record, not judged again.
    await post('siti', `/instances/${id}/advance`, { step: 'penerimaan-usulan' }, 'adv-2');
    const retried = await post('budi', `/instances/${id}/advance`, { step: 'usulan-pengguna-baru', note: 'usul' }, 'adv-1');
    expect(retried.statusCode).toBe(200);
    expect(retried.body).toBe(advanced.body);
    expect(await head()).toBe(afterAdvance + 1);

    const granted = await post('admin', '/users/budi/grant', { roles: ['administrator'] }, 'grant-1');
    expect((await post('admin', '/users/budi/grant', { roles: ['administrator'] }, 'grant-1')).body).toBe(granted.body);

    const cancelled = await post('budi', `/instances/${id}/cancel`, { reason: 'Batal' }, 'cancel-1');
    const c = await head();
    expect((await post('budi', `/instances/${id}/cancel`, { reason: 'Batal' }, 'cancel-1')).body).toBe(cancelled.body);
    expect(await head()).toBe(c);
    expect((await s.office.engine.audit.verify()).ok).toBe(true);
  });

  it('when a recorded refusal is retried with its key, then the same refusal comes back and is not recorded twice', async () => {
    s = await serverWith({ budi: [], siti: ['kepala-bidang-aptika'] });
    const { id } = body<{ id: string }>(await post('budi', '/instances', { sop: SOP }));
    const refused = await post('siti', `/instances/${id}/advance`, { step: 'usulan-pengguna-baru' }, 'tolak-1');
    expect(refused.statusCode).toBe(403);
    const seq = await head();
    const again = await post('siti', `/instances/${id}/advance`, { step: 'usulan-pengguna-baru' }, 'tolak-1');
    expect(again.statusCode).toBe(403);
    expect(body(again)).toEqual(body(refused));
    expect(await head()).toBe(seq);
  });

  it('when a key is used again for another request or by another person, then it is 409 request.mismatch and nothing is done', async () => {
    s = await serverWith({ budi: [], siti: [] });
    await post('budi', '/instances', { sop: SOP, title: 'A' }, 'kunci-1');
    const seq = await head();
    const other = await post('budi', '/instances', { sop: SOP, title: 'B' }, 'kunci-1');
    expect(other.statusCode).toBe(409);
    expect(body(other)).toMatchObject({ code: 'request.mismatch', kind: 'conflict' });
    expect((await post('siti', '/instances', { sop: SOP, title: 'A' }, 'kunci-1')).statusCode).toBe(409);
    expect(await head()).toBe(seq);
    expect(body(await post('budi', '/instances', { sop: SOP }, 'bad key!'))).toMatchObject({ code: 'request.invalid-id' });
  });

  it('when making a token is retried with its key, then the token is made once and the retry has no secret (it is kept nowhere)', async () => {
    s = await serverWith({ budi: [] });
    const made = body<{ id: string; secret: string | null }>(await post('budi', '/tokens', { label: 'skrip' }, 'tok-1'));
    expect(made.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const again = body<{ id: string; secret: string | null }>(await post('budi', '/tokens', { label: 'skrip' }, 'tok-1'));
    expect(again).toMatchObject({ id: made.id, secret: null });
    expect((await s.office.as('budi').auth.tokens.list()).filter((t) => t.label === 'skrip')).toHaveLength(1);
  });
});
