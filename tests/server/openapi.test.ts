/**
 * The OpenAPI document: valid JSON, OpenAPI 3, every route of the server
 * with its method, its parameters and bodies as the routes validate them,
 * and the bearer security except on the public routes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { body, serverWith, type TestServer } from './helpers.js';

let s: TestServer;
let doc: { openapi: string; info: { title: string }; paths: Record<string, Record<string, { security?: unknown[]; requestBody?: unknown; parameters?: { name: string; in: string }[] }>>; components: object };
beforeAll(async () => {
  s = await serverWith({});
  const r = await s.call(null, { method: 'GET', url: '/api/v1/openapi.json' });
  expect(r.statusCode).toBe(200);
  expect(r.headers['content-type']).toMatch(/^application\/json/);
  doc = body(r);
});
afterAll(async () => {
  await s.close();
});

/** Every route, as `METHOD path` with OpenAPI's {param}. */
const ROUTES = [
  'POST /api/v1/session',
  'GET /api/v1/session',
  'DELETE /api/v1/session',
  'POST /api/v1/password',
  'GET /api/v1/tokens',
  'POST /api/v1/tokens',
  'DELETE /api/v1/tokens/{id}',
  'POST /api/v1/instances',
  'GET /api/v1/instances',
  'GET /api/v1/instances/{id}',
  'GET /api/v1/instances/{id}/step',
  'POST /api/v1/instances/{id}/advance',
  'POST /api/v1/instances/{id}/cancel',
  'GET /api/v1/instances/{id}/history',
  'GET /api/v1/instances/{id}/outputs/{output}',
  'GET /api/v1/instances/{id}/replay',
  'GET /api/v1/tasks',
  'GET /api/v1/users',
  'GET /api/v1/users/me',
  'POST /api/v1/users',
  'POST /api/v1/users/{name}/grant',
  'POST /api/v1/users/{name}/revoke',
  'PUT /api/v1/users/{name}/roles',
  'DELETE /api/v1/users/{name}',
  'PUT /api/v1/users/{name}/login',
  'PUT /api/v1/users/{name}/rights',
  'PUT /api/v1/users/{name}/profile',
  'POST /api/v1/publish',
  'GET /api/v1/published',
  'GET /api/v1/published/{sop}',
  'GET /api/v1/calendar',
  'GET /api/v1/catalog',
  'GET /api/v1/schema/{kind}',
  'GET /api/v1/verify',
  'GET /api/v1/checkpoint',
  'GET /api/v1/keys',
  'POST /api/v1/keys',
  'POST /api/v1/keys/rotate',
  'POST /api/v1/instances/{id}/reassign',
  'GET /api/v1/users/{name}/cases',
  'GET /api/v1/delegations',
  'POST /api/v1/delegations',
  'DELETE /api/v1/delegations/{id}',
  'GET /api/v1/export',
  'GET /api/v1/report',
];

describe('Given the OpenAPI document at /api/v1/openapi.json', () => {
  it('then it is OpenAPI 3 and lists every route of the server, and nothing else', () => {
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.info.title).toBe('sop office server');
    const listed = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(listed.sort()).toEqual([...ROUTES].sort());
  });

  it('then each route says how it is authenticated: the bearer token, except logging in and the schemas', () => {
    expect(doc.components).toMatchObject({ securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } });
    expect(doc.paths['/api/v1/session']!.post!.security).toEqual([]);
    expect(doc.paths['/api/v1/schema/{kind}']!.get!.security).toEqual([]);
    expect(doc.paths['/api/v1/tasks']!.get!.security).toBeUndefined();
  });

  it('then bodies, path and query parameters and the Idempotency-Key header are described as the routes validate them', () => {
    const advance = doc.paths['/api/v1/instances/{id}/advance']!.post!;
    expect(advance.requestBody).toMatchObject({ content: { 'application/json': { schema: { properties: { step: { type: 'string' }, outputs: { type: 'array' } } } } } });
    expect(advance.parameters!.map((p) => `${p.in}:${p.name}`).sort()).toEqual(['header:idempotency-key', 'path:id']);
    expect(doc.paths['/api/v1/tasks']!.get!.parameters!.map((p) => `${p.in}:${p.name}`).sort()).toEqual(['query:all', 'query:overdue']);
  });
});
