import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { appendAudit, type Database, listAudit } from '../../store/index.ts';
import { actorOf, ROUTE_ROLES } from '../auth/principal.ts';

interface AuditQuery {
  targetType?: string;
  targetId?: string;
  actor?: string;
  beforeId?: number;
  limit?: number;
}

/** Reads the audit log (admins only); the read itself is audited (PCI DSS 10.2.1.3). */
export async function readAuditLog(
  deps: { db: Kysely<Database> },
  actor: string,
  ip: string,
  filter: AuditQuery,
) {
  await appendAudit(deps.db, {
    actor,
    action: 'audit.read',
    targetType: 'audit_log',
    targetId: filter.targetId ?? '*',
    details: { ip, filter: JSON.stringify(filter) },
  });
  return listAudit(deps.db, filter);
}

/** GET /api/audit (staff area). */
export function auditRoutes(app: FastifyInstance): void {
  const deps = app.staff;
  app.get<{ Querystring: AuditQuery }>(
    '/api/audit',
    {
      config: { roles: ROUTE_ROLES.admin },
      schema: {
        tags: ['audit'],
        summary: 'The audit log, newest first (admins); reading it is audited too',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            targetType: { type: 'string', maxLength: 64 },
            targetId: { type: 'string', maxLength: 128 },
            actor: { type: 'string', maxLength: 128 },
            beforeId: { type: 'integer', minimum: 1 },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
          },
        },
      },
    },
    async (request) => ({
      entries: await readAuditLog(deps, actorOf(request.principal!), request.ip, request.query),
    }),
  );
}
