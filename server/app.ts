/**
 * The office server's HTTP API (`/api/v1`) over one engine: the process
 * that serves it is the one writer of the office's store. Each request acts
 * as the person its token proves (`engine.as({ user, via, client })`); the
 * answers are the CLI's `--json` shapes, and every refusal is a problem
 * document with the engine's code (problem.ts). A changing request carries
 * its request id in the `Idempotency-Key` header: sent again with the same
 * key (after a timeout, a lost connection, a restart of the server), it is
 * answered from the record and applied once.
 *
 * Fastify validates each request against its route's JSON Schema (with
 * ajv) before the engine is asked, and @fastify/swagger builds the OpenAPI
 * document from those schemas (`GET /api/v1/openapi.json`).
 */
import { createRequire } from 'node:module';
import type * as FastifyModule from 'fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type * as SwaggerModule from '@fastify/swagger';
import { SopError, type Engine, type Identity } from '../engine/index.js';
import { problemOf, PROBLEM_TYPE, requestFailure } from './problem.js';
import type { Acting, RouteDeps } from './request.js';
import { registerSessionRoutes } from './routes/session.js';
import { registerInstanceRoutes } from './routes/instances.js';
import { registerPeopleRoutes } from './routes/people.js';
import { registerDefinitionRoutes } from './routes/definitions.js';
import { registerAuditRoutes } from './routes/audit.js';

/**
 * Fastify and @fastify/swagger, loaded when a server is built: the CLI is
 * one bundle (rolldown.config.mjs), where a static import of a package left
 * outside it is required as the bundle starts, and Fastify with its plugins
 * is some 150 files that every command would load (about 60 ms) for the
 * one command, `sop serve`, that uses them.
 */
function fastifyModules(): { Fastify: typeof FastifyModule.default; swagger: typeof SwaggerModule.default } {
  const load = createRequire(import.meta.url);
  return { Fastify: (load('fastify') as typeof FastifyModule).default, swagger: (load('@fastify/swagger') as typeof SwaggerModule).default };
}

export interface ServerOptions {
  /** The engine of the office: its store is this server's to write. */
  engine: Engine;
  /**
   * Whether the client's address comes from X-Forwarded-For (behind a
   * reverse proxy that sets it, e.g. for TLS): true, or the proxy's
   * address. Default false: the connection's address.
   */
  trustProxy?: boolean | string;
  /** Where the server tells what it could not answer (a bug): one line each. Default: standard error. */
  log?: (line: string) => void;
}

export const API = '/api/v1';

/** The request body limit, except where a route says otherwise (an advance with a file). */
const BODY_LIMIT = 2 * 1024 * 1024;

/** Builds the server (not listening): `app.inject(...)` serves a test in process, `app.listen(...)` the office. */
export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const { Fastify, swagger } = fastifyModules();
  const app = Fastify({
    logger: false,
    bodyLimit: BODY_LIMIT,
    trustProxy: options.trustProxy ?? false,
    ajv: {
      customOptions: {
        // Unknown fields are refused, not dropped: a misspelt option must not be silently ignored.
        removeAdditional: false,
        coerceTypes: 'array',
        useDefaults: true,
        allErrors: false,
      },
    },
  });
  const engine = options.engine;

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'sop office server',
        version: '1',
        description:
          'The use cases of sop over HTTP: instances, tasks, people, publications, the audit. Answers have the shapes of the CLI\u2019s --json; refusals are problem documents {status, code, kind, message, data, problems}. Changing requests take an Idempotency-Key header: a retry with the same key is answered from the record, applied once.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'a session token (POST /api/v1/session) or an API token' } } },
      security: [{ bearer: [] }],
    },
  });

  app.decorateRequest('acting', null);

  app.setErrorHandler((error, request, reply) => {
    const e = requestFailure(error);
    if (e.code === 'server.internal-error') log(`sop serve: internal error on ${request.method} ${request.url}: ${(error as Error)?.stack ?? String(error)}`);
    return sendProblem(reply, e);
  });
  app.setNotFoundHandler((request, reply) => sendProblem(reply, new SopError('server.no-route', `no route ${request.method} ${request.url.split('?')[0]}`, { data: { method: request.method } })));

  // Who is asking: before the body is even read, a request without a good token is answered.
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config?.public || request.routeOptions.url === undefined) return;
    request.acting = await authenticated(engine, request);
  });

  await app.register(
    (api, _options, done) => {
      const deps: RouteDeps = { engine };
      api.get('/openapi.json', { config: { public: true }, schema: { hide: true } }, () => app.swagger());
      registerSessionRoutes(api, deps);
      registerInstanceRoutes(api, deps);
      registerPeopleRoutes(api, deps);
      registerDefinitionRoutes(api, deps);
      registerAuditRoutes(api, deps);
      done();
    },
    { prefix: API },
  );
  return app;
}

export function sendProblem(reply: FastifyReply, e: SopError): FastifyReply {
  const body = problemOf(e);
  if (body.status === 401) reply.header('WWW-Authenticate', 'Bearer realm="sop"');
  if (e.code === 'auth.rate-limited' && typeof e.data.retryAfter === 'number') reply.header('Retry-After', String(e.data.retryAfter));
  return reply.code(body.status).type(PROBLEM_TYPE).send(body);
}

const BEARER = /^Bearer[ \t]+(\S+)$/i;

async function authenticated(engine: Engine, request: FastifyRequest): Promise<Acting> {
  const header = request.headers.authorization;
  const token = typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined;
  if (token === undefined) {
    throw new SopError('auth.unauthenticated', 'log in first (POST /api/v1/session), then give the token as "Authorization: Bearer <token>"');
  }
  const who = await engine.auth.authenticate(token);
  const identity: Identity = { user: who.user, via: who.via, client: request.ip };
  // An administrator's emergency action on someone's behalf: the engine checks it, and records it as such.
  const onBehalfOf = request.headers['sop-on-behalf-of'];
  if (typeof onBehalfOf === 'string') {
    const reason = request.headers['sop-emergency-reason'];
    identity.onBehalfOf = { user: decode(onBehalfOf), reason: typeof reason === 'string' ? decode(reason) : '' };
  }
  return { engine: engine.as(identity), user: who.user, via: who.via, token };
}

/** Header values are ASCII: a reason in Indonesian comes percent-encoded. */
function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
