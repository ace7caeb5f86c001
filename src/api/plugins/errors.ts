import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  ERRORS,
  type ErrorCode,
  type ErrorDetails,
  isMissiveError,
  type MissiveError,
} from '../../core/errors.ts';
import { withoutServerPaths } from '../server-paths.ts';

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
 * Every error is `{ error: { code, message, details } }` with a stable MissiveError code, answered
 * with the HTTP status its code has in the table (`error.statusCode`, src/core/error-codes.ts): fastify's
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
    send(request, reply, ERRORS.MSV_API_NOT_FOUND.statusCode, {
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
    const status = error.statusCode;
    // Messages and details are written for the CLI too: the server's folders stay on the server.
    const details = Object.fromEntries(
      Object.entries(error.details).map(([k, v]) => [k, typeof v === 'string' ? withoutServerPaths(v) : v]),
    );
    const message = withoutServerPaths(error.message);
    return { status, body: { error: { code: error.code, message, details } } };
  }
  const fe = error as Partial<FastifyError> & { validation?: ValidationIssue[]; validationContext?: string };
  if (fe.validation) {
    return {
      status: ERRORS.MSV_API_BAD_REQUEST.statusCode,
      body: validationBody(fe.validation, fe.validationContext),
    };
  }
  // fastify's own client errors (a body too large, a bad content type) keep their status.
  const status = fe.statusCode ?? ERRORS.MSV_API_INTERNAL.statusCode;
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
    status: ERRORS.MSV_API_INTERNAL.statusCode,
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
