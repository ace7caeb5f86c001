import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { lastDayOfPreviousMonth, parseIsoDate } from '../../core/dates.ts';
import { MissiveError } from '../../core/errors.ts';
import { explainDecision } from '../../rules/explain.ts';
import { decideForCustomer } from '../../rules/publish.ts';
import type { Database } from '../../store/schema.ts';

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

/** POST /api/decide: the customer's decision with its reasons, as `missive decide` prints it, in JSON. */
export function registerDecideRoutes(
  app: FastifyInstance,
  deps: { db: Kysely<Database>; now: () => Date },
): void {
  app.post('/api/decide', async (request) => {
    const parsed = body.safeParse(request.body ?? {});
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      const field = first?.path.join('.') || '(body)';
      const all = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
      throw new MissiveError('MSV_API_BAD_REQUEST', all, { field });
    }
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
