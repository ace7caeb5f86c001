import type { FastifyInstance } from 'fastify';
import { appendAudit, listUsers, ROLES, type Role } from '../../store/index.ts';
import { actorOf, ROUTE_ROLES } from '../auth/principal.ts';
import { addUserAsAdmin, issueApiToken, MIN_PASSWORD_LENGTH } from '../lookup/users.ts';

const tags = ['users'];

/** Users and their API tokens (admins only); every change is audited. */
export function userRoutes(app: FastifyInstance): void {
  const deps = app.staff;
  const config = { roles: ROUTE_ROLES.admin };
  app.get('/api/users', { config, schema: { tags, summary: 'Users and their roles' } }, async () => ({
    users: (await listUsers(deps.db)).map((u) => ({
      name: u.name,
      role: u.role,
      disabled: u.disabled,
      createdAt: u.createdAt,
    })),
  }));
  app.post<{ Body: { name: string; role: Role; password?: string } }>(
    '/api/users',
    {
      config,
      schema: {
        tags,
        summary: 'Add a user (password optional: token-only accounts for systems)',
        body: {
          type: 'object',
          required: ['name', 'role'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 2, maxLength: 64 },
            role: { type: 'string', enum: [...ROLES] },
            password: { type: 'string', minLength: MIN_PASSWORD_LENGTH, maxLength: 200 },
          },
        },
      },
    },
    async (request, reply) => {
      const by = { actor: actorOf(request.principal!), ip: request.ip };
      const user = await addUserAsAdmin(deps.db, request.body, by);
      return reply.status(201).send({ user: { name: user.name, role: user.role } });
    },
  );
  app.post<{ Params: { name: string } }>(
    '/api/users/:name/tokens',
    {
      config,
      schema: {
        tags,
        summary: 'Issue an API token for a user; shown once, only its hash is kept',
        params: {
          type: 'object',
          required: ['name'],
          properties: { name: { type: 'string', maxLength: 64 } },
        },
      },
    },
    async (request, reply) => {
      const token = await issueApiToken(deps.db, request.params.name);
      await appendAudit(deps.db, {
        actor: actorOf(request.principal!),
        action: 'token.issue',
        targetType: 'user',
        targetId: request.params.name,
        details: { ip: request.ip },
      });
      return reply.status(201).send({ token });
    },
  );
}
