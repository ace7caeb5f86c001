import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import { createFsBlobStore } from '../../src/archive/fs-blob-store.ts';
import { applyTwilioStatus } from '../../src/channels/twilio-status.ts';
import { appendEvent } from '../../src/store/events.ts';
import type { Role } from '../../src/store/users.ts';
import { bearer, type SeededDocuments, seedDocuments, seedUsers } from '../support/api.ts';
import { openTempStore, type TempStore } from '../support/stores.ts';

/**
 * Issue 19 item 4: Twilio status callbacks and SMTP delivery outcomes are folded into their message's
 * row on the customer timeline — the latest as the row's provider status, all of them in a small
 * disclosure — not rows of their own; the customer's own doings (a click, a reply) stay rows.
 */
describe('customer timeline: provider callbacks folded into their message', () => {
  let temp: TempStore;
  let app: FastifyInstance;
  let tokens: Record<Role, string>;
  let seeded: SeededDocuments;

  beforeAll(async () => {
    temp = await openTempStore('timeline-provider-events');
    const blobs = createFsBlobStore(path.join(temp.dir, 'archive'));
    tokens = await seedUsers(temp.store.db);
    seeded = await seedDocuments(temp.store.db, blobs);
    const db = temp.store.db;
    const sms = seeded.ids.C0001!.sms!;
    const email = seeded.ids.C0001!.email!;
    await db
      .updateTable('communications')
      .set({ provider_id: 'SM0001', status: 'sent' })
      .where('id', '=', sms)
      .execute();
    // Twilio calls back in this order (and retries one); the handler records each status once.
    for (const status of ['queued', 'sent', 'sent', 'delivered']) {
      await applyTwilioStatus(db, { MessageSid: 'SM0001', MessageStatus: status }, undefined);
      await new Promise((r) => setTimeout(r, 5));
    }
    // An SMTP bounce of the e-mail, as dispatch records it; and a click, which is the customer's own.
    await appendEvent(db, {
      source: 'smtp',
      sourceId: `${email}:bounced`,
      type: 'bounced',
      communicationId: email,
      customerId: 'C0001',
      payload: { code: 'smtp-550', reason: 'mailbox unavailable', channel: 'email' },
      occurredAt: new Date().toISOString(),
    });
    await appendEvent(db, {
      source: 'tracking',
      sourceId: 'click-1',
      type: 'clicked',
      communicationId: email,
      customerId: 'C0001',
      payload: {},
      occurredAt: new Date().toISOString(),
    });
    app = buildApp({ db, blobs });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await temp?.close();
  });

  const page = async (lang = 'en-GB') =>
    (
      await app.inject({
        url: '/ui/customers/C0001',
        headers: { ...bearer(tokens.agent), 'accept-language': lang },
      })
    ).body;
  const row = (body: string, id: string) =>
    new RegExp(`<tr class="communication" data-id="${id}">([\\s\\S]*?)</tr>`).exec(body)?.[1] ?? '';

  it('the SMS row shows the latest Twilio status and its history; no separate rows for callbacks', async () => {
    const body = await page();
    const sms = row(body, seeded.ids.C0001!.sms!);
    expect(sms).toContain('Provider: <strong data-provider-status="delivered">delivered</strong>');
    const history = [...sms.matchAll(/<li data-type="([a-z-]+)">/g)].map((m) => m[1]);
    expect(history).toEqual(['delivered', 'sent', 'queued']);
    expect(sms).toContain('Twilio · delivered');
    expect(body).not.toMatch(/<tr class="event" data-type="(queued|sent|delivered|bounced)"/);
  });

  it('the e-mail row shows its SMTP bounce with the code; the click stays a row of its own', async () => {
    const body = await page();
    const email = row(body, seeded.ids.C0001!.email!);
    expect(email).toContain('data-provider-status="bounced"');
    expect(email).toContain('SMTP · bounced <code>smtp-550</code>');
    expect(body).toContain('<tr class="event" data-type="clicked">');
    expect(row(body, seeded.ids.C0001!.print!)).not.toContain('provider-events');
  });

  it('in zh-CN the provider statuses are Chinese', async () => {
    const sms = row(await page('zh-CN'), seeded.ids.C0001!.sms!);
    expect(sms).toContain('服务商回执: <strong data-provider-status="delivered">已送达</strong>');
  });

  it('the JSON timeline carries them under the communication too', async () => {
    const res = await app.inject({
      url: '/api/customers/C0001/communications',
      headers: bearer(tokens.agent),
    });
    expect(res.statusCode).toBe(200);
    const json = res.json() as {
      communications: { id: string; providerEvents?: { type: string }[] }[];
      events: { type: string }[];
    };
    expect(json.events.map((e) => e.type)).toEqual(['clicked']);
    const sms = json.communications.find((c) => c.id === seeded.ids.C0001!.sms!);
    expect(sms?.providerEvents?.map((e) => e.type)).toEqual(['delivered', 'sent', 'queued']);
  });
});
