/**
 * What every operation of the OpenAPI description carries, filled in where a route does not say it
 * itself (one place instead of a line in each of the route files): an operationId made from the
 * method and path (`GET /api/customers/:customerId/holdings` → `getCustomerHoldings`), a summary, and
 * the error responses every route can give — 400 (validation), 401 (no credentials), 403 (role,
 * CSRF, another customer's object), 404, 429 (rate limit) and 500 — all in the `{ error: { code,
 * message, details } }` shape of src/api/plugins/errors.ts.
 */
export interface RouteSchema {
  operationId?: string;
  summary?: string;
  description?: string;
  response?: Record<string, unknown>;
  [key: string]: unknown;
}

const ERROR_BODY = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { type: 'string', description: 'stable error code (docs/errors.md)' },
        message: { type: 'string' },
        details: { type: 'object', additionalProperties: true },
      },
    },
  },
} as const;

const ERRORS: Readonly<Record<string, string>> = {
  '400': 'Bad request: the body, query or parameters do not validate (MSV_API_BAD_REQUEST)',
  '401': 'Not signed in: no session cookie or Bearer token (MSV_AUTH_REQUIRED)',
  '403':
    "Forbidden: the role may not do this, the CSRF token is missing, or the object is another customer's",
  '404': 'Not found',
  '429': 'Too many requests: slow down (rate limit per client address)',
  '500': 'Internal error (logged with the request id; no details are given)',
};

/** The schema with an operationId, a summary and the standard error responses added where missing. */
export function completeOperation(method: string, url: string, schema: RouteSchema): RouteSchema {
  const response: Record<string, unknown> = { ...(schema.response ?? {}) };
  if (!Object.keys(response).some((code) => /^2\d\d$/.test(code))) {
    response['200'] = { description: 'OK', type: 'object', additionalProperties: true };
  }
  for (const [code, description] of Object.entries(ERRORS)) {
    response[code] ??= { description, ...ERROR_BODY };
  }
  return {
    ...schema,
    operationId: schema.operationId ?? operationIdFor(method, url),
    summary: schema.summary ?? schema.description?.split(/[.;]\s/)[0] ?? `${method} ${url}`,
    response,
  };
}

/**
 * `GET /api/customers/:customerId/communications/:communicationId/document` →
 * `getCustomerCommunicationDocument`: the path's words, a collection followed by one of its items in
 * the singular (`GET /api/runs/:runId` → `getRun`, `GET /api/runs` → `getRuns`).
 */
export function operationIdFor(method: string, url: string): string {
  const parts = url.split('/').filter((p) => p !== '' && p !== 'api');
  const words: string[] = [];
  parts.forEach((part, i) => {
    if (part.startsWith(':') || part === '*') return;
    const item = parts[i + 1]?.startsWith(':') === true;
    const pieces = part.split(/[-_.]/).filter((w) => w !== '');
    if (item && pieces.length > 0) pieces[pieces.length - 1] = singular(pieces.at(-1)!);
    words.push(...pieces);
  });
  const name = words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
  return `${method.toLowerCase()}${name}${url.endsWith('/*') ? 'Path' : ''}`;
}

function singular(word: string): string {
  if (word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  return word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word;
}
