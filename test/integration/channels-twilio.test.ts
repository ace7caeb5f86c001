import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import { dispatchCommunication } from '../../src/channels/dispatch.ts';
import { dispatchAll } from '../../src/channels/dispatch-loop.ts';
import { postSigned, startTwilioSink, type TwilioSink } from '../../src/channels/sinks/twilio-sink.ts';
import { createTwilioChannel } from '../../src/channels/twilio.ts';
import { freeLoopbackPort } from '../../src/core/free-port.ts';
import { getCommunication, listCommunicationStatusHistory } from '../../src/store/communications.ts';
import { listEvents } from '../../src/store/events.ts';
import { channelCustomer, dispatchDeps, seedRun } from '../support/channels.ts';
import { openTempStore, type TempStore } from '../support/stores.ts';

/**
 * SMS with the real `twilio` client through the Twilio-compatible sink, and Twilio's signed status
 * callbacks into Missive's webhook: RELIABILITY N4/N5 (500 on the POST → unknown → reconciled, never
 * resent blindly), N7 (a replayed callback is one event), S5 (a forged one is 403 and writes nothing).
 */
describe('SMS over the real twilio client into the sink', () => {
  let temp: TempStore;
  let sink: TwilioSink;
  let app: FastifyInstance;
  let publicUrl: string;
  const channel = () =>
    createTwilioChannel({
      accountSid: sink.accountSid,
      authToken: sink.authToken,
      from: '+15005550006',
      apiBase: sink.url,
      publicUrl,
      pricePerSegment: '0.0079',
    });

  beforeAll(async () => {
    temp = await openTempStore('twilio');
    sink = await startTwilioSink();
    // The signature covers the URL Twilio calls, so the app must know its own address first.
    const port = await freeLoopbackPort();
    publicUrl = `http://127.0.0.1:${port}`;
    app = buildApp({ db: temp.store.db, twilio: { authToken: sink.authToken, publicUrl } });
    await app.listen({ host: '127.0.0.1', port });
  });
  afterAll(async () => {
    await app.close();
    await sink.close();
    await temp.close();
  });

  it('sends 1,000 SMS once each; rejected numbers fail with the Twilio code; callbacks update the ledger once', async () => {
    const customers = Array.from({ length: 1000 }, (_, i) => channelCustomer(i));
    const seeded = await seedRun(temp.store.db, temp.dir, {
      runId: 'run-sms',
      type: 'cross-sell-promotion',
      channel: 'sms',
      customers,
    });
    sink.reject(customers[1]!.phone!, 21211);
    sink.reject(customers[2]!.phone!, 21614);
    sink.scriptNext(429, 503);
    const sms = channel();
    const deps = dispatchDeps(temp.store.db, seeded.blobs, { sms });
    const counts = await dispatchAll(deps, seeded.ids, { concurrency: 8, maxDelayMs: 20 });
    expect(counts).toEqual({ sent: 998, failed: 2 });
    expect(await dispatchAll(deps, seeded.ids)).toEqual({ sent: 998, failed: 2 });
    expect(sink.messages).toHaveLength(998);
    expect(new Set(sink.messages.map((m) => m.to)).size).toBe(998);
    expect(await getCommunication(temp.store.db, seeded.ids[1]!)).toMatchObject({
      status: 'failed',
      errorCode: 'twilio-21211',
    });
    expect(await getCommunication(temp.store.db, seeded.ids[2]!)).toMatchObject({
      status: 'failed',
      errorCode: 'twilio-21614',
    });
    const sent = await getCommunication(temp.store.db, seeded.ids[0]!);
    expect(sent).toMatchObject({
      status: 'sent',
      segments: 1,
      cost: '-0.00790',
      costUnit: 'USD',
      providerStatus: 'queued',
    });
    expect(sent!.providerId).toMatch(/^SM[0-9a-f]{32}$/);
    const stored = sink.messages.find((m) => m.sid === sent!.providerId)!;
    expect(stored.idempotencyKey).toBe(sent!.deliveryKey);
    expect(stored.statusCallback).toBe(`${publicUrl}/webhooks/twilio/status?key=${sent!.deliveryKey}`);

    // Status callbacks: delivered for one, undelivered for another; each replayed 3×.
    const other = await getCommunication(temp.store.db, seeded.ids[3]!);
    for (let i = 0; i < 3; i += 1) {
      expect(await sink.fireStatus(sent!.providerId!, 'delivered')).toBe(200);
      expect(await sink.fireStatus(other!.providerId!, 'undelivered', { ErrorCode: '30003' })).toBe(200);
    }
    expect(await getCommunication(temp.store.db, sent!.id)).toMatchObject({
      status: 'sent',
      providerStatus: 'delivered',
    });
    expect(await getCommunication(temp.store.db, other!.id)).toMatchObject({
      status: 'failed',
      errorCode: 'twilio-30003',
    });
    expect((await listEvents(temp.store.db, { communicationId: sent!.id })).map((e) => e.type)).toEqual([
      'delivered',
    ]);
    expect((await listEvents(temp.store.db, { communicationId: other!.id })).map((e) => e.type)).toEqual([
      'bounced',
    ]);
  });

  it('a forged or altered callback gets 403 and writes nothing', async () => {
    const before = await listEvents(temp.store.db, {});
    const url = `${publicUrl}/webhooks/twilio/status?key=dk_forged`;
    const params = { MessageSid: `SM${'0'.repeat(32)}`, MessageStatus: 'delivered' };
    expect(await postSigned('not-the-token', url, params)).toBe(403);
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params).toString(),
    });
    expect(response.status).toBe(403);
    // Signed for other parameters: altered in transit.
    const { getExpectedTwilioSignature } = (await import('twilio')).default;
    const signature = getExpectedTwilioSignature(sink.authToken, url, { ...params, MessageStatus: 'sent' });
    const altered = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      body: new URLSearchParams(params).toString(),
    });
    expect(altered.status).toBe(403);
    expect(await listEvents(temp.store.db, {})).toEqual(before);
  });

  it('500 on the POST is `unknown`, then reconciled by lookup: never a second message', async () => {
    const customers = [channelCustomer(9000), channelCustomer(9001), channelCustomer(9002)];
    const seeded = await seedRun(temp.store.db, temp.dir, {
      runId: 'run-unknown',
      type: 'cross-sell-promotion',
      channel: 'sms',
      customers,
    });
    const deps = dispatchDeps(temp.store.db, seeded.blobs, { sms: channel() });
    const before = sink.messages.length;
    // Accepted, but the answer is a 500: the message exists at the provider.
    sink.scriptNext('accept-then-500');
    expect(await dispatchCommunication(deps, seeded.ids[0]!)).toMatchObject({ status: 'unknown' });
    expect(await dispatchCommunication(deps, seeded.ids[0]!)).toEqual({ status: 'sent' });
    // Refused with a 500: nothing exists, so the lookup finds nothing and it is sent once.
    sink.scriptNext(500);
    expect(await dispatchCommunication(deps, seeded.ids[1]!)).toMatchObject({ status: 'unknown' });
    expect(await dispatchCommunication(deps, seeded.ids[1]!)).toEqual({ status: 'sent' });
    // Accepted with a lost answer, settled by the status callback (its URL names the delivery key).
    sink.scriptNext('accept-then-500');
    expect(await dispatchCommunication(deps, seeded.ids[2]!)).toMatchObject({ status: 'unknown' });
    const lost = sink.messages.at(-1)!;
    expect(await sink.fireStatus(lost.sid, 'delivered')).toBe(200);
    expect(await getCommunication(temp.store.db, seeded.ids[2]!)).toMatchObject({
      status: 'sent',
      providerId: lost.sid,
    });
    expect(await dispatchCommunication(deps, seeded.ids[2]!)).toMatchObject({
      status: 'sent',
      skipped: true,
    });

    expect(sink.messages.length - before).toBe(3);
    const history = await listCommunicationStatusHistory(temp.store.db, seeded.ids[0]!);
    expect(history.map((h) => h.status)).toEqual(['archived', 'sending', 'unknown', 'sent']);
    expect(history[2]).toMatchObject({ code: 'twilio-20500' });
  });

  it('records an inbound reply once, however often it is delivered', async () => {
    const url = `${publicUrl}/webhooks/twilio/inbound`;
    const replies = async () =>
      (await listEvents(temp.store.db, {})).filter(
        (e) => e.source === 'twilio' && ['unsubscribed', 'replied', 'accepted'].includes(e.type),
      ).length;
    const before = await replies();
    const { default: twilio } = await import('twilio');
    const params = {
      MessageSid: `SM${'1'.repeat(32)}`,
      From: '+447700900001',
      To: '+15005550006',
      Body: 'STOP',
    };
    const signature = twilio.getExpectedTwilioSignature(sink.authToken, url, params);
    for (let i = 0; i < 3; i += 1) {
      const r = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
        body: new URLSearchParams(params).toString(),
      });
      expect(r.status).toBe(200);
    }
    expect(await sink.fireInbound(url, '+447700900002', '+15005550006', 'Yes please')).toBe(200);
    // One event per MessageSid, whatever the retries (the keywords themselves: feedback-capture.test.ts).
    expect((await replies()) - before).toBe(2);
  });
});
