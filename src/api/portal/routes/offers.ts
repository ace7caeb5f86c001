import type { FastifyInstance } from 'fastify';
import { answerOffer, listRecentOffers, OFFER_ANSWERS, type OfferAnswer } from '../../../portal/index.ts';
import { sendPage } from '../../ui/layout.ts';
import { portalContext } from '../context.ts';
import { offersPage } from '../pages/offers.ts';

const customer = { public: true, portal: 'customer' } as const;

/** Offers from the customer's recent communications, and their answers (feedback events counted once). */
export function portalOfferRoutes(app: FastifyInstance): void {
  const deps = app.portal;
  app.get(
    '/portal/offers',
    {
      config: customer,
      schema: { tags: ['portal'], summary: "Offers placed in the customer's recent communications" },
    },
    async (request, reply) => {
      const ctx = portalContext(request);
      const offers = await listRecentOffers(deps.db, request.portalCustomer!.customerId, {
        now: deps.now(),
        locale: ctx.locale,
      });
      return sendPage(reply, offersPage(ctx, offers));
    },
  );

  app.post<{ Body: { communication: string; offer: string; answer: OfferAnswer } }>(
    '/portal/offers/answer',
    {
      config: customer,
      schema: {
        tags: ['portal'],
        summary: "I'm interested / Not for me: one answer per offer and communication",
        body: {
          type: 'object',
          required: ['communication', 'offer', 'answer'],
          properties: {
            _csrf: { type: 'string' },
            communication: { type: 'string', minLength: 1, maxLength: 100 },
            offer: { type: 'string', minLength: 1, maxLength: 100 },
            answer: { type: 'string', enum: [...OFFER_ANSWERS] },
          },
        },
      },
    },
    async (request, reply) => {
      await answerOffer(
        deps.db,
        {
          customerId: request.portalCustomer!.customerId,
          communicationId: request.body.communication,
          offerId: request.body.offer,
          answer: request.body.answer,
          at: deps.now(),
        },
        deps.successRules,
      );
      return reply.redirect('/portal/offers', 303);
    },
  );
}
