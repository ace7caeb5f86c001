import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type ErrorCode, type ErrorDetails, isMissiveError, type MissiveError } from '../../core/errors.ts';
import { withoutServerPaths } from '../server-paths.ts';

/** HTTP status for each code the API answers with; anything else a MissiveError carries is a 422. */
export const STATUS: Partial<Record<ErrorCode, number>> = {
  MSV_API_BAD_REQUEST: 400,
  MSV_CONFIG_INVALID: 400,
  MSV_AUTH_REQUIRED: 401,
  MSV_AUTH_BAD_CREDENTIALS: 401,
  MSV_AUTH_FORBIDDEN: 403,
  MSV_AUTH_CSRF: 403,
  MSV_STUDIO_SELF_APPROVAL: 403,
  MSV_STUDIO_DRAFT_NOT_FOUND: 404,
  MSV_STUDIO_DRAFT_STATE: 409,
  MSV_API_NOT_FOUND: 404,
  MSV_STORE_NOT_FOUND: 404,
  MSV_TEMPLATE_NOT_FOUND: 404,
  MSV_RULES_UNKNOWN_TYPE: 404,
  MSV_RUN_NOT_FOUND: 404,
  MSV_RUN_STATE: 409,
  MSV_RUN_PERIOD_TAKEN: 409,
  MSV_ARCHIVE_NOT_FOUND: 404,
  MSV_RULES_NOT_PUBLISHED: 409,
  MSV_AUTH_USER_EXISTS: 409,
  MSV_ARCHIVE_TAMPERED: 409,
  MSV_API_RATE_LIMITED: 429,
  MSV_STORE_UNAVAILABLE: 503,
  MSV_REDIS_FULL: 503,
};

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details: ErrorDetails };
}

/** Renders an error as a page for browser routes; JSON otherwise. */
export type HtmlErrorRenderer = (
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  body: ErrorBody,
) => FastifyReply | undefined;

/**
 * Every error is `{ error: { code, message, details } }` with a stable MissiveError code: fastify's
 * schema validation becomes MSV_API_BAD_REQUEST naming the field; unexpected errors are a 500
 * without internals (logged with ids only, see logging.ts).
 */
export function installErrorHandling(app: FastifyInstance, html?: HtmlErrorRenderer): void {
  const send = (request: FastifyRequest, reply: FastifyReply, status: number, body: ErrorBody) =>
    html?.(request, reply, status, body) ?? reply.status(status).send(body);
  app.setErrorHandler((error: FastifyError | MissiveError, request, reply) => {
    const { status, body } = toErrorBody(error);
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    return send(request, reply, status, body);
  });
  app.setNotFoundHandler((request, reply) =>
    send(request, reply, 404, {
      error: {
        code: 'MSV_API_NOT_FOUND',
        message: `no route ${request.method} ${pathOf(request.url)}`,
        details: {},
      },
    }),
  );
}

export function toErrorBody(error: unknown): { status: number; body: ErrorBody } {
  if (isMissiveError(error)) {
    const status = STATUS[error.code] ?? 422;
    // Messages and details are written for the CLI too: the server's folders stay on the server.
    const details = Object.fromEntries(
      Object.entries(error.details).map(([k, v]) => [k, typeof v === 'string' ? withoutServerPaths(v) : v]),
    );
    const message = withoutServerPaths(error.message);
    return { status, body: { error: { code: error.code, message, details } } };
  }
  const fe = error as Partial<FastifyError> & { validation?: ValidationIssue[]; validationContext?: string };
  if (fe.validation) return { status: 400, body: validationBody(fe.validation, fe.validationContext) };
  const status = fe.statusCode ?? 500;
  if (status < 500) {
    return {
      status,
      body: {
        error: {
          code: 'MSV_API_BAD_REQUEST',
          message: withoutServerPaths(String(fe.message ?? 'bad request')),
          details: {},
        },
      },
    };
  }
  return {
    status: 500,
    body: { error: { code: 'MSV_API_INTERNAL', message: 'internal error', details: {} } },
  };
}

interface ValidationIssue {
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** `querystring.limit: must be <= 200` — every issue, the first one's field in details. */
function validationBody(issues: ValidationIssue[], context = 'body'): ErrorBody {
  const where = (i: ValidationIssue) => {
    const base = (i.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
    const missing = typeof i.params?.missingProperty === 'string' ? i.params.missingProperty : '';
    const extra = typeof i.params?.additionalProperty === 'string' ? i.params.additionalProperty : '';
    return [base, missing || extra].filter(Boolean).join('.') || context;
  };
  const message = issues.map((i) => `${context}.${where(i)}: ${i.message ?? 'invalid'}`).join('; ');
  const field = issues[0] ? where(issues[0]) : context;
  return { error: { code: 'MSV_API_BAD_REQUEST', message, details: { field } } };
}

/** The path without its query string (queries may carry search terms: personal data). */
export function pathOf(url: string): string {
  const q = url.indexOf('?');
  return (q < 0 ? url : url.slice(0, q)).replace(/[\r\n]/g, '').slice(0, 200);
}
