/** Instances and the inbox: start, list, status, the pending step, advance, cancel, history, outputs. */
import type { FastifyInstance } from 'fastify';
import { MAX_OUTPUT_BYTES, SopError, type OutputInput } from '../../engine/index.js';
import { acting, IDEMPOTENT, requestIdOf, type RouteDeps } from '../request.js';

const TAGS = ['instances'];
const ID = { type: 'object', properties: { id: { type: 'string', maxLength: 200 } } } as const;

interface OutputBody {
  id: string;
  text?: string;
  base64?: string;
  protected?: boolean;
}

interface AdvanceBody {
  step?: string;
  choice?: string;
  note?: string;
  expectVersion?: number;
  outputs?: OutputBody[];
}

/** Base64 of an output at its largest, and room for the rest of the body. */
const ADVANCE_BODY_LIMIT = Math.ceil((MAX_OUTPUT_BYTES * 4) / 3) + 1024 * 1024;

export function registerInstanceRoutes(api: FastifyInstance, _deps: RouteDeps): void {
  api.post<{ Body: { sop: string; title?: string; assign?: Record<string, string> } }>(
    '/instances',
    {
      schema: {
        tags: TAGS,
        summary: 'start an instance of a published SOP: {id} (201)',
        headers: IDEMPOTENT,
        body: {
          type: 'object',
          required: ['sop'],
          additionalProperties: false,
          properties: { sop: { type: 'string', maxLength: 200 }, title: { type: 'string' }, assign: { type: 'object', additionalProperties: { type: 'string' } } },
        },
      },
    },
    async (request, reply) => {
      const { sop, title, assign } = request.body;
      const started = await acting(request).engine.instances.start(sop, { ...(title === undefined ? {} : { title }), ...(assign === undefined ? {} : { assign }), ...requestIdOf(request) });
      return reply.code(201).send(started);
    },
  );

  api.get<{ Querystring: { sop?: string; status?: string } }>(
    '/instances',
    {
      schema: {
        tags: TAGS,
        summary: 'instances, oldest first (the shape of sop list --json)',
        querystring: { type: 'object', additionalProperties: false, properties: { sop: { type: 'string' }, status: { type: 'string' } } },
      },
    },
    (request) => acting(request).engine.instances.list(request.query),
  );

  api.get<{ Params: { id: string } }>('/instances/:id', { schema: { tags: TAGS, summary: 'an instance now (the shape of sop status --json)', params: ID } }, (request) =>
    acting(request).engine.instances.status(request.params.id),
  );

  api.get<{ Params: { id: string } }>(
    '/instances/:id/step',
    { schema: { tags: TAGS, summary: 'the step the instance waits on, as its pinned definition declares it: {step} (null once it is finished)', params: ID } },
    async (request) => ({ step: (await acting(request).engine.instances.pendingStep(request.params.id)) ?? null }),
  );

  api.post<{ Params: { id: string }; Body: AdvanceBody }>(
    '/instances/:id/advance',
    {
      bodyLimit: ADVANCE_BODY_LIMIT,
      schema: {
        tags: TAGS,
        summary: 'complete the current step: {completed, choice, status}',
        description:
          'Name the step you mean to complete (step): if someone completed it first, the answer is 409 instead of completing the next one. Each output is text or base64; a sensitive output (a temporary password) is taken only marked protected: true, and never stored.',
        headers: IDEMPOTENT,
        params: ID,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            step: { type: 'string' },
            choice: { type: 'string' },
            note: { type: 'string' },
            expectVersion: { type: 'integer', minimum: 0 },
            outputs: {
              type: 'array',
              maxItems: 100,
              items: {
                type: 'object',
                required: ['id'],
                additionalProperties: false,
                properties: { id: { type: 'string', maxLength: 200 }, text: { type: 'string' }, base64: { type: 'string', pattern: '^[A-Za-z0-9+/]*={0,2}$' }, protected: { type: 'boolean' } },
              },
            },
          },
        },
      },
    },
    (request) => {
      const { outputs, ...rest } = request.body;
      return acting(request).engine.instances.advance(request.params.id, { ...rest, outputs: (outputs ?? []).map(outputInput), ...requestIdOf(request) });
    },
  );

  api.post<{ Params: { id: string }; Body: { reason: string } }>(
    '/instances/:id/cancel',
    {
      schema: {
        tags: TAGS,
        summary: 'cancel an active instance (its starter or an administrator), with a reason: {id, status}',
        headers: IDEMPOTENT,
        params: ID,
        body: { type: 'object', required: ['reason'], additionalProperties: false, properties: { reason: { type: 'string' } } },
      },
    },
    (request) => acting(request).engine.instances.cancel(request.params.id, { reason: request.body.reason, ...requestIdOf(request) }),
  );

  api.post<{ Params: { id: string }; Body: { actor: string; to: string; reason: string } }>(
    '/instances/:id/reassign',
    {
      schema: {
        tags: TAGS,
        summary: 'bind a person of the case to someone else (administrators), with a reason: {id, version, assignments}',
        headers: IDEMPOTENT,
        params: ID,
        body: { type: 'object', required: ['actor', 'to', 'reason'], additionalProperties: false, properties: { actor: { type: 'string' }, to: { type: 'string' }, reason: { type: 'string' } } },
      },
    },
    (request) => acting(request).engine.instances.reassign(request.params.id, { ...request.body, ...requestIdOf(request) }),
  );

  api.get<{ Params: { id: string } }>('/instances/:id/history', { schema: { tags: TAGS, summary: 'the timeline of an instance (the shape of sop history --json)', params: ID } }, (request) =>
    acting(request).engine.instances.history(request.params.id),
  );

  api.get<{ Params: { id: string; output: string }; Querystring: { format?: 'raw' | 'json' } }>(
    '/instances/:id/outputs/:output',
    {
      schema: {
        tags: TAGS,
        summary: 'a stored output: its bytes (Sop-Output-* headers say which step stored it, when, by whom, its SHA-256), or with format=json {id, step, at, by, sha256, size}',
        params: { type: 'object', properties: { id: { type: 'string' }, output: { type: 'string' } } },
        querystring: { type: 'object', additionalProperties: false, properties: { format: { type: 'string', enum: ['raw', 'json'] } } },
      },
    },
    async (request, reply) => {
      const out = await acting(request).engine.instances.output(request.params.id, request.params.output);
      if (request.query.format === 'json') return { id: out.id, step: out.step, at: out.at, by: out.by, sha256: out.sha256, size: out.size };
      return reply
        .type('application/octet-stream')
        .header('Sop-Output-Step', out.step)
        .header('Sop-Output-At', out.at)
        .header('Sop-Output-By', encodeURIComponent(out.by))
        .header('Sop-Output-Sha256', out.sha256)
        .header('Content-Disposition', `attachment; filename="${out.id.replace(/[^A-Za-z0-9._-]/g, '_')}"`)
        .send(out.content);
    },
  );

  api.get<{ Querystring: { all?: boolean; overdue?: boolean } }>(
    '/tasks',
    {
      schema: {
        tags: TAGS,
        summary: 'the caller\u2019s inbox (everyone\u2019s with all): every active step, most urgent first (the shape of sop tasks --json)',
        querystring: { type: 'object', additionalProperties: false, properties: { all: { type: 'boolean' }, overdue: { type: 'boolean' } } },
      },
    },
    (request) => acting(request).engine.instances.tasks(request.query),
  );
}

function outputInput(o: OutputBody): OutputInput {
  if ((o.text === undefined) === (o.base64 === undefined)) {
    throw new SopError('server.invalid-request', `output "${o.id.slice(0, 80)}" takes either text or base64`, { data: { where: 'body', output: o.id } });
  }
  const value = o.text ?? Buffer.from(o.base64!, 'base64');
  return { id: o.id, value, ...(o.protected ? { protected: true } : {}) };
}
