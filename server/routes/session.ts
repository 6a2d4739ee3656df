/** Logging in and out, passwords, API tokens. */
import type { FastifyInstance } from 'fastify';
import { acting, IDEMPOTENT, requestIdOf, type RouteDeps } from '../request.js';

const TAGS = ['session'];

export function registerSessionRoutes(api: FastifyInstance, { engine }: RouteDeps): void {
  api.post<{ Body: { user: string; password: string; newPassword?: string } }>(
    '/session',
    {
      config: { public: true },
      schema: {
        tags: TAGS,
        summary: 'log in with a password: a session token',
        description:
          'Answers {token, user, via, expiresAt} (201). A wrong user name or password is the same 401 auth.bad-credentials; after 5 failures in 15 minutes for a user or a client, 429 auth.rate-limited with Retry-After. A password set by an administrator must be changed first: 403 auth.password-change-required, unless newPassword is given.',
        security: [],
        body: {
          type: 'object',
          required: ['user', 'password'],
          additionalProperties: false,
          properties: { user: { type: 'string', maxLength: 64 }, password: { type: 'string', maxLength: 4096 }, newPassword: { type: 'string', maxLength: 4096 } },
        },
      },
    },
    async (request, reply) => {
      const { user, password, newPassword } = request.body;
      const session = await engine.auth.login(user, password, { client: request.ip, ...(newPassword === undefined ? {} : { newPassword }) });
      return reply.code(201).send(session);
    },
  );

  api.get('/session', { schema: { tags: TAGS, summary: 'who the token proves the caller to be: {user, via, expiresAt, tokenId}' } }, async (request) => {
    const who = await engine.auth.authenticate(acting(request).token);
    return { user: who.user, via: who.via, expiresAt: who.expiresAt ?? null, tokenId: who.tokenId ?? null };
  });

  api.delete('/session', { schema: { tags: TAGS, summary: 'log out: ends the session of this token: {ended}' } }, (request) => engine.auth.logout(acting(request).token));

  api.post<{ Body: { user?: string; password: string; oldPassword?: string } }>(
    '/password',
    {
      schema: {
        tags: TAGS,
        summary: 'set a password: one\u2019s own (oldPassword required once one is set), or anyone\u2019s by an administrator (to be changed at the first login)',
        headers: IDEMPOTENT,
        body: {
          type: 'object',
          required: ['password'],
          additionalProperties: false,
          properties: { user: { type: 'string', maxLength: 64 }, password: { type: 'string', maxLength: 4096 }, oldPassword: { type: 'string', maxLength: 4096 } },
        },
      },
    },
    (request) => {
      const me = acting(request);
      const { user, password, oldPassword } = request.body;
      return me.engine.auth.setPassword(user ?? me.user, password, { ...(oldPassword === undefined ? {} : { oldPassword }), ...requestIdOf(request) });
    },
  );

  api.get<{ Querystring: { user?: string; all?: boolean } }>(
    '/tokens',
    {
      schema: {
        tags: TAGS,
        summary: 'API tokens: one\u2019s own; an administrator\u2019s: a user\u2019s, or all',
        querystring: { type: 'object', additionalProperties: false, properties: { user: { type: 'string' }, all: { type: 'boolean' } } },
      },
    },
    (request) => acting(request).engine.auth.tokens.list(request.query),
  );

  api.post<{ Body: { label: string; user?: string } }>(
    '/tokens',
    {
      schema: {
        tags: TAGS,
        summary: 'make an API token: its secret is in this answer only (201)',
        description: 'A retry answered from the record (same Idempotency-Key) has secret null: the secret is not kept anywhere. Revoke that token and make another.',
        headers: IDEMPOTENT,
        body: { type: 'object', required: ['label'], additionalProperties: false, properties: { label: { type: 'string', maxLength: 400 }, user: { type: 'string', maxLength: 64 } } },
      },
    },
    async (request, reply) => {
      const { label, user } = request.body;
      const made = await acting(request).engine.auth.tokens.create(label, { ...(user === undefined ? {} : { user }), ...requestIdOf(request) });
      return reply.code(201).send(made);
    },
  );

  api.delete<{ Params: { id: string } }>(
    '/tokens/:id',
    { schema: { tags: TAGS, summary: 'revoke an API token (one\u2019s own, or any by an administrator)', headers: IDEMPOTENT, params: { type: 'object', properties: { id: { type: 'string' } } } } },
    (request) => acting(request).engine.auth.tokens.revoke(request.params.id, requestIdOf(request)),
  );
}
