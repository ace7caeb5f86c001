import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { completeOperation, type RouteSchema } from './openapi-operations.ts';

/** The OpenAPI description of every /api route, at /docs (UI) and /docs/json. UI pages are hidden. */
export function installOpenApi(app: FastifyInstance): void {
  app.register(swagger, {
    openapi: {
      info: {
        title: 'Missive API',
        description:
          'Customer Communication Management: customer lookup, the communications timeline, archived documents (verified against their sha256), dispositions, runs, decisions, previews, users and the audit log. Authenticate with a session cookie (the UI) or `Authorization: Bearer <token>` (`missive users token NAME`).',
        version: '0.1.0',
        license: { name: 'Open source (see the repository)', url: 'https://opensource.org/licenses' },
      },
      servers: [{ url: '/', description: 'this Missive server (MISSIVE_PUBLIC_URL)' }],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: 'missive_session' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    hideUntagged: true,
    // Every operation: an operationId, a summary and its error responses (openapi-operations.ts).
    transform: ({ schema, url, route }) => {
      const method = [route.method].flat()[0] ?? 'GET';
      return { schema: completeOperation(method, url, (schema ?? {}) as RouteSchema) as typeof schema, url };
    },
  });
  app.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: true,
    // Nothing from other hosts: no online validator badge, no https: fonts or styles.
    uiConfig: { validatorUrl: null },
    transformStaticCSP: (header) =>
      header
        .replace(/ validator\.swagger\.io/g, '')
        .replace(/ https:/g, '')
        .replace(/ upgrade-insecure-requests;/g, ''),
  });
}
