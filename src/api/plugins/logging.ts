import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from '../../core/logger.ts';

/**
 * Request logs carry ids only (RELIABILITY S6): the request id, method, the route *pattern*
 * (`/api/customers/:customerId`, never the path with its values or the query with its search
 * terms), status, time and the user. Anything else that reaches a log line goes through
 * `scrubLogText`: CR/LF stripped (CWE-117), e-mail addresses and long digit runs masked. pino's
 * redaction (core/logger.ts) stays underneath as the last net.
 */
export function apiLogger(base: Logger): Logger {
  return base.child(
    { component: 'api' },
    {
      serializers: {
        req: (req: FastifyRequest) => ({ id: req.id, method: req.method, route: routeOf(req) }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
        err: (err: Error & { code?: string }) => ({
          type: err.name,
          code: err.code,
          message: scrubLogText(err.message ?? ''),
        }),
      },
    },
  );
}

export function installRequestLogging(app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        reqId: request.id,
        method: request.method,
        route: routeOf(request),
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        user: request.principal?.user,
      },
      'request',
    );
  });
}

export function routeOf(request: FastifyRequest): string {
  return request.routeOptions?.url ?? '(unmatched)';
}

/** Log-safe text: one line, no e-mail addresses, no runs of 6+ digits (phones, accounts, cards). */
export function scrubLogText(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/[^\s@]+@[^\s@]+/g, '[email]')
    .replace(/\+?\d[\d -]{4,}\d/g, '[digits]')
    .slice(0, 500);
}
