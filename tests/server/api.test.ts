/**
 * Every use case through the API, in process: each answer has the shape
 * the engine (and the CLI's --json) gives for the same question, and each
 * refusal is a problem document with the engine's code and the status of
 * its kind. The clock is pinned, so the server's answers and the engine's
 * can be compared whole.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import type { StatusView } from '../../engine/index.js';
import { SOPS } from '../helpers/cli.js';
import { body, serverWith, type TestServer } from './helpers.js';

let now = new Date('2026-12-01T01:00:00Z');
const clock = () => now;
const later = (minutes: number) => {
  now = new Date(now.getTime() + minutes * 60_000);
};

const SOP = 'pengelolaan-akses-pengguna';
/** Who does each actor's steps: budi is the person of the case (he starts it). */
const DOER: Record<string, string> = { pengguna: 'budi', 'kepala-bidang-aptika': 'siti', administrator: 'adi' };

let s: TestServer;
afterEach(async () => {
  await s?.close();
});

const office = async () => {
  s = await serverWith({ budi: [], siti: ['kepala-bidang-aptika'], adi: ['administrator'], mila: [] }, { clock });
  await s.office.as('admin').people.setRights('mila', { maintainer: true });
  return s;
};

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
const call = (user: string | null, method: Method, url: string, payload?: unknown, headers: Record<string, string> = {}) =>
  s.call(user, { method, url: `/api/v1${url}`, headers, ...(payload === undefined ? {} : { payload: payload as object }) });

function problem(r: LightMyRequestResponse) {
  expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
  return body<{ status: number; code: string; kind: string; message: string; data: Record<string, unknown>; problems: unknown[] }>(r);
}

async function ok<T>(r: Promise<LightMyRequestResponse>, status = 200): Promise<T> {
  const answer = await r;
  expect(answer.statusCode, answer.body).toBe(status);
  return body<T>(answer);
}

describe('Given an office served, with the people of SOP pengelolaan-akses-pengguna', () => {
  it('when an instance is walked from start to end through the API, then every answer is the engine\u2019s own, outputs come back byte for byte, and the sensitive one is never kept', async () => {
    await office();
    const engine = s.office.as('admin');
    const { id } = await ok<{ id: string }>(call('budi', 'POST', '/instances', { sop: SOP, title: 'Akun SIMPEG' }), 201);
    expect(await ok(call('budi', 'GET', `/instances/${id}`))).toEqual(await engine.instances.status(id));
    const binary = Buffer.from([0, 1, 2, 250, 255, 10, 13]);
    for (;;) {
      const view = await ok<StatusView>(call('admin', 'GET', `/instances/${id}`));
      if (view.status !== 'active') break;
      const step = view.current[0]!;
      const pending = await ok<{ step: { id: string; outputs: { id: string; sensitive?: boolean }[] } }>(call('admin', 'GET', `/instances/${id}/step`));
      expect(pending.step.id).toBe(step.step);
      const outputs = step.outputs.map((o, i) =>
        o.sensitive ? { id: o.id, text: 'Rahasia-123', protected: true } : i === 0 ? { id: o.id, base64: binary.toString('base64') } : { id: o.id, text: `${o.name} ke-${i}` },
      );
      const who = DOER[step.actor]!;
      // Someone who does not act in this step is refused (403), and the refusal is in the history.
      const stranger = who === 'budi' ? 'mila' : 'budi';
      expect(problem(await call(stranger, 'POST', `/instances/${id}/advance`, { step: step.step }))).toMatchObject({ status: 403, code: 'auth.not-actor' });
      later(5);
      const done = await ok<{ completed: string; status: StatusView }>(
        call(who, 'POST', `/instances/${id}/advance`, { step: step.step, outputs, note: `langkah ${step.number}`, ...(step.choices.length ? { choice: 'disetujui' } : {}) }),
      );
      expect(done.completed).toBe(step.step);
      expect(done.status).toEqual(await engine.instances.status(id));
      // Completed already: naming it again is a conflict (409), not the next step (or, at the end, the instance is finished).
      expect(problem(await call(who, 'POST', `/instances/${id}/advance`, { step: step.step }))).toMatchObject({
        status: 409,
        code: done.status.status === 'active' ? 'store.conflict' : 'instance.finished',
      });
    }
    expect((await engine.instances.status(id)).status).toBe('completed');
    const history = await ok<{ entries: { type: string; via: string; client: string | null; outputs: { id: string; given?: true; sha256?: string }[] }[] }>(call('budi', 'GET', `/instances/${id}/history`));
    expect(history).toEqual(await engine.instances.history(id));
    expect(history.entries.filter((e) => e.type === 'completed').every((e) => e.via === 'token' && e.client === '127.0.0.1')).toBe(true);
    expect(history.entries.flatMap((e) => e.outputs).find((o) => o.id === 'password-sementara')).toEqual({ id: 'password-sementara', given: true });

    const raw = await call('budi', 'GET', `/instances/${id}/outputs/file-terenkripsi`);
    expect(raw.statusCode).toBe(200);
    expect(raw.headers['content-type']).toBe('application/octet-stream');
    expect(raw.rawPayload.equals(binary)).toBe(true);
    const stored = await engine.instances.output(id, 'file-terenkripsi');
    expect(raw.headers['sop-output-sha256']).toBe(stored.sha256);
    expect(raw.headers['sop-output-step']).toBe('kirim-logbook-ke-pengguna');
    expect(await ok(call('budi', 'GET', `/instances/${id}/outputs/file-terenkripsi?format=json`))).toEqual({
      id: stored.id,
      step: stored.step,
      at: stored.at,
      by: stored.by,
      sha256: stored.sha256,
      size: stored.size,
    });
    expect(problem(await call('budi', 'GET', `/instances/${id}/outputs/password-sementara`)).status).toBeGreaterThanOrEqual(400);

    // Reading: list, tasks, replay, report, verify, checkpoint, export.
    expect(await ok(call('budi', 'GET', '/instances'))).toEqual(await engine.instances.list());
    expect(await ok(call('budi', 'GET', `/instances?sop=${SOP}&status=completed`))).toEqual(await engine.instances.list({ sop: SOP, status: 'completed' }));
    expect(await ok(call('admin', 'GET', '/tasks?all=true'))).toEqual(await engine.instances.tasks({ all: true }));
    expect(await ok(call('budi', 'GET', `/instances/${id}/replay`))).toEqual(await engine.audit.replay(id));
    const replayed = await ok<{ events: unknown[]; matches: boolean | null }>(call('budi', 'GET', `/instances/${id}/replay?until=2026-12-01 09:20`));
    expect(replayed.matches).toBeNull();
    expect(await ok(call('budi', 'GET', `/report?sop=${SOP}`))).toEqual(await engine.audit.report({ sop: SOP }));
    const from = await ok<{ from: string | null }>(call('budi', 'GET', '/report?from=2026-12-01&to=2026-12-01'));
    expect(from.from).not.toBeNull();
    const verified = await ok<{ ok: boolean; instances: number }>(call('budi', 'GET', '/verify'));
    expect(verified).toMatchObject({ ok: true, instances: 1 });
    const head = await ok<{ seq: number; hash: string; at: string; checkpoint: string }>(call('budi', 'GET', '/checkpoint'));
    expect(head.checkpoint).toBe(`${head.seq}:${head.hash}`);
    expect(await ok(call('budi', 'GET', `/verify?instance=${id}&checkpoint=${head.checkpoint}`))).toMatchObject({ ok: true, checkpoint: { ok: true } });
    const exported = await call('budi', 'GET', `/export?instance=${id}`);
    expect(exported.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const summary = JSON.parse(String(exported.headers['sop-export-summary'])) as { head: { seq: number } };
    expect(summary.head.seq).toBe(head.seq);
    expect((await engine.audit.verifyBundle(Buffer.from(exported.body))).ok).toBe(true);
    expect(exported.body).not.toContain('Rahasia-123');
  });

  it('when an active instance is cancelled by its starter, then the answer is {id, status}; by anyone else it is 403', async () => {
    await office();
    const { id } = await ok<{ id: string }>(call('budi', 'POST', '/instances', { sop: SOP }), 201);
    expect(problem(await call('siti', 'POST', `/instances/${id}/cancel`, { reason: 'bukan urusan saya' }))).toMatchObject({ status: 403 });
    expect(await ok(call('budi', 'POST', `/instances/${id}/cancel`, { reason: 'Salah usul' }))).toEqual({ id, status: 'cancelled' });
    expect(problem(await call('budi', 'POST', `/instances/${id}/advance`, {}))).toMatchObject({ status: 409, code: 'instance.finished' });
  });

  it('when an administrator manages people through the API, then each answer is the person as sop user list --json shows them, and others are refused', async () => {
    await office();
    const added = await ok(
      call('admin', 'POST', '/users', { name: 'rina', roles: ['administrator'], login: 'rina', profile: { fullName: 'Rina, S.Kom.', nip: '198001012005012001', jabatan: 'Pranata Komputer' } }),
      201,
    );
    expect(added).toMatchObject({ name: 'rina', admin: false, maintainer: false, login: 'rina', roles: ['administrator'], profile: { fullName: 'Rina, S.Kom.' } });
    expect(await ok(call('admin', 'POST', '/users/rina/grant', { roles: ['kepala-bidang-aptika'] }))).toMatchObject({ roles: ['administrator', 'kepala-bidang-aptika'] });
    expect(await ok(call('admin', 'POST', '/users/rina/revoke', { roles: ['administrator'] }))).toMatchObject({ roles: ['kepala-bidang-aptika'] });
    expect(await ok(call('admin', 'PUT', '/users/rina/roles', { roles: ['pengelola-tim-teknis'] }))).toMatchObject({ roles: ['pengelola-tim-teknis'] });
    expect(await ok(call('admin', 'PUT', '/users/rina/login', { login: null }))).toMatchObject({ login: null });
    expect(await ok(call('admin', 'PUT', '/users/rina/rights', { maintainer: true }))).toMatchObject({ admin: false, maintainer: true });
    expect(await ok(call('budi', 'PUT', '/users/budi/profile', { jabatan: 'Staf' }))).toMatchObject({ name: 'budi', profile: { jabatan: 'Staf' } });
    expect(await ok(call('budi', 'GET', '/users/me'))).toMatchObject({ name: 'budi' });
    const list = await ok<{ name: string }[]>(call('budi', 'GET', '/users'));
    expect(list.map((u) => u.name)).toEqual((await s.office.engine.people.list()).map((u) => u.name));
    expect(await ok(call('admin', 'DELETE', '/users/rina'))).toEqual({ name: 'rina' });

    expect(problem(await call('budi', 'POST', '/users', { name: 'x' }))).toMatchObject({ status: 403, code: 'auth.not-admin' });
    expect(problem(await call('budi', 'PUT', '/users/siti/profile', { jabatan: 'x' }))).toMatchObject({ status: 403, code: 'auth.not-admin' });
    expect(problem(await call('admin', 'POST', '/users/tidak-ada/grant', { roles: ['administrator'] }))).toMatchObject({ status: 404, code: 'store.unknown-user' });
    expect(problem(await call('admin', 'POST', '/users/budi/grant', { roles: ['kepala-bidang-aptka'] }))).toMatchObject({
      status: 422,
      code: 'role.unknown',
      data: { suggestion: 'kepala-bidang-aptika' },
    });
    expect(problem(await call('admin', 'POST', '/users', { name: 'budi' }))).toMatchObject({ status: 409, code: 'store.user-exists' });
  });

  it('when a maintainer publishes an SOP file\u2019s text, the server folder\u2019s SOP, or the calendar, then each is a publication; an invalid file is 422 with its located problems', async () => {
    await office();
    const yaml = readFileSync(join(SOPS, 'pengecualian-smki.yaml'), 'utf8').replace(/^revision: \d+/m, 'revision: 7');
    const pub = await ok<{ kind: string; sop: string; revision: number; by: string }>(call('mila', 'POST', '/publish', { sop: 'pengecualian-smki', yaml, effectiveOn: '2026-12-01' }), 201);
    expect(pub).toMatchObject({ kind: 'sop', sop: 'pengecualian-smki', revision: 7, by: 'mila' });
    expect(await ok<{ revision: number }>(call('budi', 'GET', '/published/pengecualian-smki'))).toMatchObject({ revision: 7 });
    const fromFolder = await ok<{ revision: number }>(call('mila', 'POST', '/publish', { sop: 'pengecualian-smki', effectiveOn: '2026-12-01' }), 201);
    expect(fromFolder.revision).not.toBe(7);
    expect(await ok(call('mila', 'POST', '/publish', { calendar: true }), 201)).toMatchObject({ kind: 'calendar' });
    const calendarYaml = readFileSync(join(SOPS, 'calendar.yaml'), 'utf8');
    expect(await ok(call('mila', 'POST', '/publish', { calendar: true, yaml: calendarYaml }), 201)).toMatchObject({ kind: 'calendar' });
    const published = await ok<{ sops: { sop: string; inEffect: boolean }[]; calendar: object | null }>(call('budi', 'GET', '/published?sop=pengecualian-smki'));
    expect(published).toEqual(await s.office.engine.definitions.published('pengecualian-smki'));
    expect(await ok(call('budi', 'GET', '/calendar'))).toMatchObject({ timeZone: 'Asia/Makassar' });
    expect(await ok<{ sops: unknown[] }>(call('budi', 'GET', '/catalog'))).toEqual(await s.office.engine.definitions.catalog());

    const broken = await call('mila', 'POST', '/publish', { sop: 'pengecualian-smki', yaml: yaml.replace(/^steps:/m, 'stepz:') });
    const p = problem(broken);
    expect(p).toMatchObject({ status: 422, code: 'sop.invalid' });
    expect(p.problems.length).toBeGreaterThan(0);
    expect(p.problems[0]).toMatchObject({ file: 'pengecualian-smki.yaml', severity: 'error' });
    expect(problem(await call('budi', 'POST', '/publish', { sop: 'pengecualian-smki', yaml }))).toMatchObject({ status: 403, code: 'auth.not-maintainer' });
    expect(problem(await call('mila', 'POST', '/publish', { sop: 'Bad Id', yaml }))).toMatchObject({ status: 422, code: 'sop.invalid-id' });
    expect(problem(await call('mila', 'POST', '/publish', {}))).toMatchObject({ status: 422, code: 'server.invalid-request' });
  });

  it('when the JSON Schemas are asked for, then they come without a token', async () => {
    await office();
    expect(await ok<{ $id: string }>(call(null, 'GET', '/schema/sop'))).toMatchObject({ $id: 'urn:sop:schemas:sop:1' });
    expect(await ok<{ $id: string }>(call(null, 'GET', '/schema/calendar'))).toMatchObject({ $id: 'urn:sop:schemas:calendar:1' });
  });
});

describe('Given requests the server refuses before the engine is asked', () => {
  it('then each is a problem document with its status: 404 no route, 404 unknown instance, 422 a body not as the route takes it, 413 a body too large', async () => {
    await office();
    expect(problem(await call('budi', 'GET', '/nothing-here'))).toMatchObject({ status: 404, code: 'server.no-route', kind: 'not-found' });
    expect(problem(await call('budi', 'GET', '/instances/20260101-zzzzzzzz'))).toMatchObject({ status: 404, code: 'instance.unknown' });
    expect(problem(await call('budi', 'POST', '/instances', { sop: SOP, extra: true }))).toMatchObject({ status: 422, code: 'server.invalid-request', data: { where: 'body' } });
    expect(problem(await call('budi', 'POST', '/instances', { title: 'no sop' }))).toMatchObject({ status: 422, code: 'server.invalid-request' });
    expect(problem(await call('budi', 'GET', '/tasks?everything=1'))).toMatchObject({ status: 422, code: 'server.invalid-request', data: { where: 'querystring' } });
    expect(problem(await call('budi', 'POST', '/instances', { sop: SOP, title: 'x'.repeat(3 * 1024 * 1024) }))).toMatchObject({ status: 413, code: 'server.too-large' });
    const notJson = await s.app.inject({ method: 'POST', url: '/api/v1/instances', headers: { authorization: `Bearer ${s.tokens.budi}`, 'content-type': 'application/json' }, payload: '{not json' });
    expect(problem(notJson)).toMatchObject({ status: 422, code: 'server.invalid-request' });
    expect(problem(await call('budi', 'POST', '/instances', { sop: 'tidak-ada' }))).toMatchObject({ status: 404, code: 'sop.not-published' });
    expect(problem(await call('budi', 'POST', '/instances', { sop: SOP, title: 'a\u202eb' }))).toMatchObject({ status: 422, code: 'start.invalid-title' });
  });

  it('then a sensitive output given without protected: true is refused (422) and nothing is stored', async () => {
    await office();
    const { id } = await ok<{ id: string }>(call('budi', 'POST', '/instances', { sop: SOP }), 201);
    const engine = s.office.as('admin');
    const walk: [string, string, object][] = [
      ['usulan-pengguna-baru', 'budi', {}],
      ['penerimaan-usulan', 'siti', {}],
      ['verifikasi-persetujuan', 'siti', { choice: 'disetujui' }],
      ['disposisi-admin', 'siti', {}],
      ['enkripsi-logbook', 'adi', {}],
      ['kirim-logbook-ke-pengguna', 'adi', { outputs: [{ id: 'file-terenkripsi', text: 'zip' }] }],
      [
        'kirim-logbook-ke-administrator',
        'budi',
        {
          outputs: [
            { id: 'file-terenkripsi-terisi', text: 'zip' },
            { id: 'file-form-logbook-pengguna', text: 'form' },
          ],
        },
      ],
      ['input-data-logbook', 'adi', {}],
    ];
    for (const [step, who, extra] of walk) await ok(call(who, 'POST', `/instances/${id}/advance`, { step, ...extra }));
    const before = await engine.audit.checkpoint();
    const r = await call('adi', 'POST', `/instances/${id}/advance`, {
      step: 'kirim-akun',
      outputs: [
        { id: 'username', text: 'budi' },
        { id: 'password-sementara', text: 'Bocor-123' },
      ],
    });
    expect(problem(r)).toMatchObject({ status: 422, code: 'output.sensitive-argument' });
    const lines: string[] = [];
    await engine.audit.export({ all: true }, (t) => void lines.push(t));
    expect(lines.join('')).not.toContain('Bocor-123');
    expect((await engine.audit.checkpoint()).seq).toBeGreaterThanOrEqual(before.seq);
    expect(problem(await call('adi', 'POST', `/instances/${id}/advance`, { step: 'kirim-akun', outputs: [{ id: 'username', text: 'a', base64: 'YQ==' }] }))).toMatchObject({
      status: 422,
      code: 'server.invalid-request',
    });
  });
});
