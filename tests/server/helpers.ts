/**
 * The office server in process: a test store (helpers/engine.ts's
 * officeWith), the Fastify app over its engine, and requests through
 * `app.inject` (no socket). People get API tokens made by the program that
 * embeds the engine, or log in with passwords as a person would.
 */
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildServer } from '../../server/index.js';
import { officeWith, type OfficeOptions, type TestOffice } from '../helpers/engine.js';

export interface TestServer {
  office: TestOffice;
  app: FastifyInstance;
  /** An API token for each person named (made as that person). */
  tokens: Record<string, string>;
  /** A request as `user` (their token), or anonymous (`null`). */
  call(user: string | null, options: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** The office of `officeWith` (admin, the seeds published, these people), served. */
export async function serverWith(people: Record<string, string[]>, options: OfficeOptions & { db?: string } = {}): Promise<TestServer> {
  const office = await officeWith(options.db ?? ':memory:', people, options);
  const app = await buildServer({ engine: office.engine });
  const tokens: Record<string, string> = {};
  for (const user of ['admin', ...Object.keys(people)]) tokens[user] = (await office.as(user).auth.tokens.create(`test token of ${user}`)).secret!;
  return {
    office,
    app,
    tokens,
    call: (user, opts) =>
      app.inject({
        ...opts,
        headers: { ...(user === null ? {} : { authorization: `Bearer ${tokens[user]}` }), ...(opts.headers ?? {}) },
      }),
    close: async () => {
      await app.close();
      await office.close();
    },
  };
}

/** The JSON body of an answer. */
export function body<T = Record<string, unknown>>(r: LightMyRequestResponse): T {
  return JSON.parse(r.body) as T;
}
