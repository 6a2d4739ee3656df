/** The audit: verify, checkpoint, export, replay, the compliance report. */
import type { FastifyInstance } from 'fastify';
import { formatCheckpoint, parseAnyCheckpoint, parseLocalTime, SopError, type OfficeCalendar } from '../../engine/index.js';
import { acting, IDEMPOTENT, requestIdOf, type RouteDeps } from '../request.js';

const TAGS = ['audit'];

export function registerAuditRoutes(api: FastifyInstance, _deps: RouteDeps): void {
  api.get<{ Querystring: { instance?: string; checkpoint?: string } }>(
    '/verify',
    {
      schema: {
        tags: TAGS,
        summary: 'recompute the chain and replay every instance (or one): the report of sop verify --json (breaks are data: 200 either way)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { instance: { type: 'string' }, checkpoint: { type: 'string', description: 'the line sop checkpoint prints: sop-checkpoint:1:… (signed) or <seq>:<hash>' } },
        },
      },
    },
    (request) => {
      const { instance, checkpoint } = request.query;
      const kept = checkpoint === undefined ? undefined : parseAnyCheckpoint(checkpoint);
      if (checkpoint !== undefined && !kept) throw invalid('checkpoint', 'a checkpoint as printed by sop checkpoint: sop-checkpoint:1:… or <seq>:<64 hex digits>');
      return acting(request).engine.audit.verify({ ...(instance === undefined ? {} : { instance }), ...(kept ? { checkpoint: kept } : {}) });
    },
  );

  api.get<{ Querystring: { signed?: boolean } }>(
    '/checkpoint',
    {
      schema: {
        tags: TAGS,
        summary: "the head of the log: {seq, hash, at, checkpoint}; with signed, signed with the server's key (keyId, signature, and checkpoint is the signed line)",
        querystring: { type: 'object', additionalProperties: false, properties: { signed: { type: 'boolean' } } },
      },
    },
    async (request) => {
      const engine = acting(request).engine;
      if (request.query.signed === true) {
        // The server holds the key: it signs for anyone signed in (an administrator's first use creates it).
        const s = await engine.audit.signedCheckpoint({ create: true });
        return { seq: s.seq, hash: s.hash, at: s.at ?? null, checkpoint: s.line, keyId: s.keyId, signature: s.signature };
      }
      const head = await engine.audit.checkpoint();
      return { seq: head.seq, hash: head.hash, at: head.at ?? null, checkpoint: formatCheckpoint(head) };
    },
  );

  api.get('/keys', { schema: { tags: TAGS, summary: "the writer's signing keys (public parts), in the order the log added them" } }, (request) => acting(request).engine.audit.keys());

  api.post('/keys', { schema: { tags: TAGS, summary: "create the server's signing key (administrators; refused when the store has one)", headers: IDEMPOTENT } }, async (request) => {
    const { file: _file, ...key } = await acting(request).engine.audit.initKey(requestIdOf(request));
    return key;
  });

  api.post('/keys/rotate', { schema: { tags: TAGS, summary: 'put a new signing key in place of the one in use (administrators)', headers: IDEMPOTENT } }, async (request) => {
    const { file: _file, ...rotated } = await acting(request).engine.audit.rotateKey(requestIdOf(request));
    return rotated;
  });

  api.get<{ Querystring: { instance?: string; all?: boolean } }>(
    '/export',
    {
      schema: {
        tags: TAGS,
        summary: 'the bundle of an instance (or of the whole store, all=true) as NDJSON, which sop verify --bundle checks offline; its summary in the Sop-Export-Summary header',
        querystring: { type: 'object', additionalProperties: false, properties: { instance: { type: 'string' }, all: { type: 'boolean' } } },
      },
    },
    async (request, reply) => {
      const { instance, all } = request.query;
      if ((instance === undefined) === (all !== true)) throw invalid('instance', 'give an instance, or all=true');
      const lines: string[] = [];
      const summary = await acting(request).engine.audit.export(instance === undefined ? { all: true } : { instance }, (text) => void lines.push(text));
      return reply.type('application/x-ndjson; charset=utf-8').header('Sop-Export-Summary', JSON.stringify(summary)).send(lines.join(''));
    },
  );

  api.get<{ Params: { id: string }; Querystring: { until?: string } }>(
    '/instances/:id/replay',
    {
      schema: {
        tags: TAGS,
        summary: 'rebuild an instance event by event through its pinned definition (the shape of sop replay --json)',
        params: { type: 'object', properties: { id: { type: 'string' } } },
        querystring: { type: 'object', additionalProperties: false, properties: { until: { type: 'string', description: 'a log seq, or a time (ISO 8601, or office time "2026-11-20 10:00")' } } },
      },
    },
    async (request) => {
      const { until } = request.query;
      const engine = acting(request).engine;
      let stop: number | Date | undefined;
      if (until !== undefined) {
        stop = /^\d{1,15}$/.test(until.trim()) ? Number(until) : parseLocalTime(until, await engine.definitions.calendar());
        if (stop === undefined) throw invalid('until', 'a log entry number or a time such as "2026-11-20 10:00"');
      }
      return engine.audit.replay(request.params.id, stop === undefined ? {} : { until: stop });
    },
  );

  api.get<{ Querystring: { sop?: string; from?: string; to?: string; fromText?: string; toText?: string; target?: number } }>(
    '/report',
    {
      schema: {
        tags: TAGS,
        summary: 'mutu baku compliance per SOP, step and actor (the shape of sop report --json)',
        description: 'from and to: local dates of the office calendar (YYYY-MM-DD, to inclusive), or ISO 8601 times (to exclusive); target: the on-time share, 0 to 1.',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            sop: { type: 'string' },
            from: { type: 'string' },
            to: { type: 'string' },
            fromText: { type: 'string', maxLength: 40 },
            toText: { type: 'string', maxLength: 40 },
            target: { type: 'number', minimum: 0, maximum: 1 },
          },
        },
      },
    },
    async (request) => {
      const q = request.query;
      const engine = acting(request).engine;
      const cal = await engine.definitions.calendar();
      const from = q.from === undefined ? undefined : timeOf(q.from, cal, 0, 'from');
      const to = q.to === undefined ? undefined : timeOf(q.to, cal, 1, 'to');
      return engine.audit.report({
        ...(q.sop === undefined ? {} : { sop: q.sop }),
        ...(from ? { from, fromText: q.fromText ?? q.from! } : {}),
        ...(to ? { to, toText: q.toText ?? q.to! } : {}),
        ...(q.target === undefined ? {} : { target: q.target }),
      });
    },
  );
}

function invalid(parameter: string, expected: string): SopError {
  return new SopError('server.invalid-request', `${parameter} takes ${expected}`, { data: { where: 'querystring', parameter } });
}

/** A local date (the start of it, or of the next day for an inclusive end), or an ISO 8601 time. */
function timeOf(text: string, cal: OfficeCalendar, plusDays: number, parameter: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (m) {
    const day = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
    const t = day.toISOString().slice(0, 10) === text ? parseLocalTime(new Date(day.getTime() + plusDays * 86_400_000).toISOString().slice(0, 10), cal) : undefined;
    if (t) return t;
  } else {
    const t = new Date(text);
    if (/^\d{4}-\d{2}-\d{2}T/.test(text) && Number.isFinite(t.getTime())) return t;
  }
  throw invalid(parameter, 'a date as YYYY-MM-DD or an ISO 8601 time');
}
