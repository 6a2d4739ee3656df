/**
 * What every route shares: who the request acts as (set by the server's
 * authentication hook, app.ts), its Idempotency-Key, and the schema of that
 * header.
 */
import type { FastifyRequest } from 'fastify';
import { SopError, type Engine } from '../engine/index.js';

/** Who a request acts as, once its token is checked. */
export interface Acting {
  engine: Engine;
  user: string;
  via: 'password' | 'token';
  /** The bearer token given: what a logout ends. */
  token: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    acting: Acting | null;
  }
  interface FastifyContextConfig {
    /** Served without a token: logging in, the OpenAPI document, the schemas. */
    public?: boolean;
  }
}

/** What a route handler gets besides the request. */
export interface RouteDeps {
  engine: Engine;
}

/** The engine acting for the person the request proved to be (every route but the public ones). */
export function acting(request: FastifyRequest): Acting {
  if (!request.acting) throw new SopError('auth.unauthenticated', 'log in first (POST /api/v1/session)');
  return request.acting;
}

/** The request id of a changing request: its Idempotency-Key header, when it has one. */
export function requestIdOf(request: FastifyRequest): { requestId?: string } {
  const key = request.headers['idempotency-key'];
  return typeof key === 'string' ? { requestId: key } : {};
}

/** Schema of the Idempotency-Key header, for the routes that change something. */
export const IDEMPOTENT = {
  type: 'object',
  properties: {
    'idempotency-key': {
      type: 'string',
      description: 'the caller\u2019s id for this change (1 to 128 of letters, digits, ".", "_", ":", "-"): sent again, it is answered from the record and applied once',
    },
  },
} as const;
