import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { ROUTE_ROLES } from '../auth/principal.ts';
import { routeOf } from './logging.ts';

/**
 * Prometheus metrics at /metrics: request counts and durations per method, route pattern and
 * status, plus the process defaults. One registry per app, so tests can build many apps.
 * Scrapers authenticate with an API token like any other system.
 */
export function installMetrics(app: FastifyInstance): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'missive_' });
  const labelNames = ['method', 'route', 'status'] as const;
  const requests = new Counter({
    name: 'missive_http_requests_total',
    help: 'HTTP requests answered',
    labelNames,
    registers: [registry],
  });
  const durations = new Histogram({
    name: 'missive_http_request_duration_seconds',
    help: 'Time to answer an HTTP request',
    labelNames,
    buckets: [0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    const labels = { method: request.method, route: routeOf(request), status: String(reply.statusCode) };
    requests.inc(labels);
    durations.observe(labels, reply.elapsedTime / 1000);
  });
  return registry;
}

/** GET /metrics in the Prometheus text format (any signed-in role or API token). */
export function registerMetricsRoute(app: FastifyInstance, registry: Registry): void {
  app.get(
    '/metrics',
    {
      config: { roles: ROUTE_ROLES.anyone },
      schema: { tags: ['operations'], summary: 'Prometheus metrics' },
    },
    async (_request, reply) =>
      reply.header('content-type', registry.contentType).send(await registry.metrics()),
  );
}
