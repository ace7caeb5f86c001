import type { FastifyRequest } from 'fastify';
import type { ViewContext } from './document-access.ts';

/**
 * Who asks (the request's principal), from where and through what (`api.document`, `ui.viewer`…):
 * what every audit row of a view says. Only for routes that require a role (a principal is set).
 */
export function viewContext(request: FastifyRequest, via: string): ViewContext {
  return { principal: request.principal!, ip: request.ip, via };
}
