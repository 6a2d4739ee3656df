/** People: their roles, rights, OS logins and profiles (changes: administrators). */
import type { FastifyInstance } from 'fastify';
import type { User } from '../../engine/index.js';
import { acting, IDEMPOTENT, requestIdOf, type RouteDeps } from '../request.js';

const TAGS = ['people'];
const NAME = { type: 'object', properties: { name: { type: 'string', maxLength: 200 } } } as const;
const ROLES = { type: 'object', required: ['roles'], additionalProperties: false, properties: { roles: { type: 'array', items: { type: 'string' }, maxItems: 200 } } } as const;
const PROFILE = {
  type: 'object',
  additionalProperties: false,
  properties: { fullName: { type: ['string', 'null'] }, nip: { type: ['string', 'null'] }, jabatan: { type: ['string', 'null'] } },
} as const;

/** A person as the CLI's `sop user list --json` prints one. */
export function userJson(u: User) {
  return { name: u.name, admin: u.isAdmin, maintainer: u.isMaintainer, login: u.login, roles: u.roles, profile: u.profile, createdAt: u.createdAt };
}

interface NewUserBody {
  name: string;
  roles?: string[];
  admin?: boolean;
  maintainer?: boolean;
  login?: string | null;
  profile?: { fullName?: string | null; nip?: string | null; jabatan?: string | null };
}

export function registerPeopleRoutes(api: FastifyInstance, _deps: RouteDeps): void {
  api.get('/users', { schema: { tags: TAGS, summary: 'people, their rights and roles (the shape of sop user list --json)' } }, async (request) => (await acting(request).engine.people.list()).map(userJson));

  api.get('/users/me', { schema: { tags: TAGS, summary: 'the caller' } }, async (request) => userJson(await acting(request).engine.people.me()));

  api.post<{ Body: NewUserBody }>(
    '/users',
    {
      schema: {
        tags: TAGS,
        summary: 'register a person (administrators): the user (201)',
        headers: IDEMPOTENT,
        body: {
          type: 'object',
          required: ['name'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', maxLength: 200 },
            roles: { type: 'array', items: { type: 'string' }, maxItems: 200 },
            admin: { type: 'boolean' },
            maintainer: { type: 'boolean' },
            login: { type: ['string', 'null'] },
            profile: PROFILE,
          },
        },
      },
    },
    async (request, reply) => {
      const { name, ...person } = request.body;
      const user = await acting(request).engine.people.add(name, { ...(person as Omit<NewUserBody, 'name'>), ...requestIdOf(request) });
      return reply.code(201).send(userJson(user));
    },
  );

  const roleRoute = (path: string, summary: string, change: 'grant' | 'revoke' | 'setRoles', method: 'post' | 'put') =>
    api[method]<{ Params: { name: string }; Body: { roles: string[] } }>(path, { schema: { tags: TAGS, summary, headers: IDEMPOTENT, params: NAME, body: ROLES } }, async (request) =>
      userJson(await acting(request).engine.people[change](request.params.name, request.body.roles, requestIdOf(request))),
    );
  roleRoute('/users/:name/grant', 'grant roles (SOP actor ids)', 'grant', 'post');
  roleRoute('/users/:name/revoke', 'take roles away', 'revoke', 'post');
  roleRoute('/users/:name/roles', 'replace the roles', 'setRoles', 'put');

  api.get<{ Params: { name: string } }>(
    '/users/:name/cases',
    { schema: { tags: TAGS, summary: 'the active instances in which a person is bound to a person of the case: [{instance, actors}]', params: NAME } },
    (request) => acting(request).engine.people.activeCases(request.params.name),
  );

  api.get<{ Querystring: { all?: boolean } }>(
    '/delegations',
    {
      schema: {
        tags: TAGS,
        summary: 'delegations (Plt./Plh.) in effect and to come; with all, also those ended',
        querystring: { type: 'object', additionalProperties: false, properties: { all: { type: 'boolean' } } },
      },
    },
    (request) => acting(request).engine.people.delegations({ all: request.query.all === true }),
  );

  api.post<{ Body: { role: string; holder: string; deputy: string; title: string; from?: string; until: string } }>(
    '/delegations',
    {
      schema: {
        tags: TAGS,
        summary: 'give a role holder an acting deputy (Plt./Plh.) for a period (administrators): the delegation (201)',
        headers: IDEMPOTENT,
        body: {
          type: 'object',
          required: ['role', 'holder', 'deputy', 'title', 'until'],
          additionalProperties: false,
          properties: { role: { type: 'string' }, holder: { type: 'string' }, deputy: { type: 'string' }, title: { type: 'string' }, from: { type: 'string' }, until: { type: 'string' } },
        },
      },
    },
    async (request, reply) => reply.code(201).send(await acting(request).engine.people.delegate({ ...request.body, ...requestIdOf(request) })),
  );

  api.delete<{ Params: { id: string } }>(
    '/delegations/:id',
    { schema: { tags: TAGS, summary: 'end a delegation now (administrators): the delegation', headers: IDEMPOTENT, params: { type: 'object', properties: { id: { type: 'string' } } } } },
    (request) => acting(request).engine.people.endDelegation(request.params.id, requestIdOf(request)),
  );

  api.delete<{ Params: { name: string }; Querystring: { force?: boolean } }>(
    '/users/:name',
    {
      schema: {
        tags: TAGS,
        summary: 'remove a person (their past actions stay in the history; someone bound to an active case only with force): {name}',
        headers: IDEMPOTENT,
        params: NAME,
        querystring: { type: 'object', additionalProperties: false, properties: { force: { type: 'boolean' } } },
      },
    },
    (request) => acting(request).engine.people.remove(request.params.name, { ...(request.query.force === true ? { force: true } : {}), ...requestIdOf(request) }),
  );

  api.put<{ Params: { name: string }; Body: { login: string | null } }>(
    '/users/:name/login',
    {
      schema: {
        tags: TAGS,
        summary: 'bind an OS login to the person (null: unbind): on the server machine, that login acts as them in direct file mode',
        headers: IDEMPOTENT,
        params: NAME,
        body: { type: 'object', required: ['login'], additionalProperties: false, properties: { login: { type: ['string', 'null'] } } },
      },
    },
    async (request) => userJson(await acting(request).engine.people.bindLogin(request.params.name, request.body.login, requestIdOf(request))),
  );

  api.put<{ Params: { name: string }; Body: { admin?: boolean; maintainer?: boolean } }>(
    '/users/:name/rights',
    {
      schema: {
        tags: TAGS,
        summary: 'set the rights: administrator, maintainer (publishing SOPs)',
        headers: IDEMPOTENT,
        params: NAME,
        body: { type: 'object', additionalProperties: false, properties: { admin: { type: 'boolean' }, maintainer: { type: 'boolean' } } },
      },
    },
    async (request) => userJson(await acting(request).engine.people.setRights(request.params.name, request.body, requestIdOf(request))),
  );

  api.put<{ Params: { name: string }; Body: { fullName?: string | null; nip?: string | null; jabatan?: string | null } }>(
    '/users/:name/profile',
    { schema: { tags: TAGS, summary: 'set how documents name the person (the person, or an administrator)', headers: IDEMPOTENT, params: NAME, body: PROFILE } },
    async (request) => userJson(await acting(request).engine.people.setProfile(request.params.name, request.body, requestIdOf(request))),
  );
}
