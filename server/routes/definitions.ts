/** What the office runs: publishing SOPs and the calendar, the published catalogue, the calendar, the schemas. */
import type { FastifyInstance } from 'fastify';
import { calendarToJson, SopError } from '../../engine/index.js';
import { acting, IDEMPOTENT, requestIdOf, type RouteDeps } from '../request.js';

const TAGS = ['definitions'];

interface PublishBody {
  sop?: string;
  calendar?: boolean;
  yaml?: string;
  effectiveOn?: string;
}

export function registerDefinitionRoutes(api: FastifyInstance, { engine }: RouteDeps): void {
  api.post<{ Body: PublishBody }>(
    '/publish',
    {
      schema: {
        tags: TAGS,
        summary: 'publish an SOP or the office calendar (maintainers, administrators): the publication (201)',
        description:
          '{sop, yaml}: the SOP file\u2019s text, checked as sop validate checks a file; {sop}: the file of that id in the server\u2019s SOP folder; {calendar: true, yaml?}: the office calendar, from the text or from the server\u2019s folder. effectiveOn (YYYY-MM-DD) is the tanggal efektif, by default the SOP\u2019s own.',
        headers: IDEMPOTENT,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { sop: { type: 'string', maxLength: 200 }, calendar: { type: 'boolean' }, yaml: { type: 'string' }, effectiveOn: { type: 'string', maxLength: 40 } },
        },
      },
    },
    async (request, reply) => {
      const { sop, calendar, yaml, effectiveOn } = request.body;
      const as = acting(request).engine.definitions;
      const rid = requestIdOf(request);
      if ((sop === undefined) === (calendar !== true)) throw new SopError('server.invalid-request', 'publish either an SOP (sop) or the office calendar (calendar: true)', { data: { where: 'body' } });
      const published = calendar
        ? yaml === undefined
          ? await as.publishCalendar(rid)
          : await as.publishText('calendar', yaml, rid)
        : yaml === undefined
          ? await as.publish(sop!, { ...(effectiveOn === undefined ? {} : { effectiveOn }), ...rid })
          : await as.publishText(sop!, yaml, { ...(effectiveOn === undefined ? {} : { effectiveOn }), ...rid });
      return reply.code(201).send(published);
    },
  );

  api.get<{ Querystring: { sop?: string } }>(
    '/published',
    {
      schema: {
        tags: TAGS,
        summary: 'what is published: {sops: [{seq, kind, sop, hash, revision, effectiveOn, at, by, inEffect}], calendar}',
        querystring: { type: 'object', additionalProperties: false, properties: { sop: { type: 'string' } } },
      },
    },
    (request) => acting(request).engine.definitions.published(request.query.sop),
  );

  api.get<{ Params: { sop: string } }>(
    '/published/:sop',
    { schema: { tags: TAGS, summary: 'the definition of an SOP in effect today: what a new instance starts with', params: { type: 'object', properties: { sop: { type: 'string' } } } } },
    (request) => acting(request).engine.definitions.inEffect(request.params.sop),
  );

  api.get('/calendar', { schema: { tags: TAGS, summary: 'the office calendar that times every waktu (the published one)' } }, async (request) =>
    calendarToJson(await acting(request).engine.definitions.calendar()),
  );

  api.get('/catalog', { schema: { tags: TAGS, summary: 'the SOPs of the server\u2019s SOP folder (the shape of sop catalog --json)' } }, (request) => acting(request).engine.definitions.catalog());

  api.get<{ Params: { kind: 'sop' | 'calendar' } }>(
    '/schema/:kind',
    {
      config: { public: true },
      schema: {
        tags: TAGS,
        summary: 'the JSON Schema of SOP files (sop) or of the office calendar (calendar)',
        security: [],
        params: { type: 'object', properties: { kind: { type: 'string', enum: ['sop', 'calendar'] } } },
      },
    },
    (request) => engine.definitions.schema(request.params.kind),
  );
}
