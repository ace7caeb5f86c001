import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import { getCommunication } from '../../src/store/communications.ts';
import { getCustomer } from '../../src/store/customers.ts';
import type { Store } from '../../src/store/db.ts';
import { listEvents } from '../../src/store/events.ts';
import { seedSentCommunication } from '../support/feedback-fixtures.ts';
import { openFeedbackStore } from '../support/feedback-stores.ts';

/** The List-Unsubscribe target of marketing mail (RFC 8058 one-click), through the whole API. */
describe('one-click email unsubscribe', () => {
  let opened: Awaited<ReturnType<typeof openFeedbackStore>>;
  let store: Store;
  let app: FastifyInstance;

  beforeAll(async () => {
    opened = await openFeedbackStore('sqlite');
    store = opened.store;
    app = buildApp({ db: store.db });
    await app.ready();
  });

  afterAll(async () => {
    await app?.close();
    await opened?.close();
  });

  it('a POST without a session turns email marketing off once; GET only asks; unknown keys change nothing', async () => {
    const id = await seedSentCommunication(store.db, {
      runId: 'run_u1',
      customerId: 'u1',
      channel: 'email',
      offers: ['term-deposit'],
    });
    const key = (await getCommunication(store.db, id))?.deliveryKey;
    expect(key).toMatch(/^dk_/);

    const ask = await app.inject({ method: 'GET', url: `/unsubscribe/${key}` });
    expect(ask.statusCode).toBe(200);
    expect(ask.body).toContain('method="post"');
    expect((await getCustomer(store.db, 'u1'))?.consent.email?.marketing).toBe(true);

    for (let i = 0; i < 3; i += 1) {
      const res = await app.inject({
        method: 'POST',
        url: `/unsubscribe/${key}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'List-Unsubscribe=One-Click',
      });
      expect(res.statusCode).toBe(200);
    }
    const customer = await getCustomer(store.db, 'u1');
    expect(customer?.consent.email).toEqual({ service: true, marketing: false });
    const events = (await listEvents(store.db, { communicationId: id })).filter(
      (e) => e.type === 'unsubscribed',
    );
    expect(events).toHaveLength(1);

    const unknown = await app.inject({
      method: 'POST',
      url: `/unsubscribe/dk_${'0'.repeat(40)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(unknown.statusCode).toBe(404);
    const bad = await app.inject({ method: 'POST', url: '/unsubscribe/%3Cscript%3E' });
    expect(bad.statusCode).toBe(404);
  });
});
