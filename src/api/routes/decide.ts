import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { lastDayOfPreviousMonth, parseIsoDate } from '../../core/dates.ts';
import { MissiveError } from '../../core/errors.ts';
import { decideForCustomer, explainDecision } from '../../rules/index.ts';
import { ROUTE_ROLES } from '../auth/principal.ts';

const body = z.strictObject({
  customerId: z.string().min(1),
  asOf: z
    .string()
    .refine((v) => parseIsoDate(v) !== undefined, 'a date YYYY-MM-DD')
    .optional(),
  now: z.iso.datetime({ offset: true }).optional(),
  type: z.string().min(1).optional(),
  catalog: z.string().min(1).optional(),
  runId: z.string().min(1).optional(),
});

/** A 400 naming the first failing field (`details.field`) and every issue in the message. */
export function badRequest(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): MissiveError {
  const where = (path: readonly PropertyKey[]) => path.map(String).join('.') || '(body)';
  const field = issues[0] ? where(issues[0].path) : '(body)';
  const all = issues.map((i) => `${where(i.path)}: ${i.message}`).join('; ');
  return new MissiveError('MSV_API_BAD_REQUEST', all, { field });
}

/** POST /api/decide: the customer's decision with its reasons, as `missive decide` prints it, in JSON. */
export function decideRoutes(app: FastifyInstance): void {
  const deps = app.studio;
  const options = {
    config: { roles: ROUTE_ROLES.marketer },
    schema: { tags: ['rules'], summary: "A customer's decision with its reasons (stores nothing)" },
  };
  app.post('/api/decide', options, async (request) => {
    const parsed = body.safeParse(request.body ?? {});
    if (!parsed.success) throw badRequest(parsed.error.issues);
    const req = parsed.data;
    const now = deps.now();
    const { decision, offerNames } = await decideForCustomer(deps.db, {
      customerId: req.customerId,
      asOf: req.asOf ?? lastDayOfPreviousMonth(now),
      now: req.now ?? now.toISOString(),
      type: req.type,
      catalog: req.catalog,
      runId: req.runId,
    });
    return { decision, explanation: explainDecision(decision, offerNames) };
  });
}
