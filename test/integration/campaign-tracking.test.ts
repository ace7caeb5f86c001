import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import { eraseCustomer } from '../../src/archive/erasure.ts';
import { verifyCommunication } from '../../src/archive/replay.ts';
import { executeRun } from '../../src/batch/execute-run.ts';
import { formatRunReport } from '../../src/batch/format-run-report.ts';
import { buildRunReport } from '../../src/batch/run-report.ts';
import { type SmtpSink, startSmtpSink } from '../../src/channels/sinks/smtp-sink.ts';
import { startTwilioSink, type TwilioSink } from '../../src/channels/sinks/twilio-sink.ts';
import { createSmtpChannel } from '../../src/channels/smtp.ts';
import { createTwilioChannel } from '../../src/channels/twilio.ts';
import type { Customer } from '../../src/core/types.ts';
import type { Catalog } from '../../src/rules/catalog.ts';
import { loadCatalogDirOrThrow } from '../../src/rules/catalog-loader.ts';
import type { Decision } from '../../src/rules/decision.ts';
import { publishCatalogDir } from '../../src/rules/publish.ts';
import { type CommunicationRecord, listCommunicationsForRun } from '../../src/store/communications.ts';
import { getCustomer, upsertCustomers } from '../../src/store/customers.ts';
import { listRunDecisions } from '../../src/store/decisions.ts';
import { listEvents } from '../../src/store/events.ts';
import { loadModelStats } from '../../src/store/model-stats.ts';
import { listTrackedLinks } from '../../src/store/tracked-links.ts';
import { publishTemplatePackage } from '../../src/templates/publish.ts';
import { daytimeZone } from '../support/daytime-zone.ts';
import { HUMAN, type Received, receivedEmail, receivedSms } from '../support/received-messages.ts';
import {
  importBankCustomers,
  openTempStore,
  ROOT,
  TEST_TRACKING_KEY,
  type TempStore,
  testBatchDeps,
} from '../support/stores.ts';

/**
 * Issue 16, items 1 and 3, end to end on real servers: a cross-sell-promotion run over the 200 sample
 * bank customers goes out through the SMTP sink and the Twilio-compatible sink; the test reads what
 * arrived (mailparser's parse of each e-mail, each SMS body), follows the links found there with real
 * HTTP requests against the API listening on loopback, loads the open pixels, and finds the clicks
 * and opens on the communication each message was, and the clicks in the model's statistics. No
 * marketing message reaches a sink without an offer, except the holdout's.
 */

/** Customers no offer of the bank catalog is for: retired, over 75, a credit default, nothing saved. */
function offerlessCustomer(i: number): Customer {
  const yes = { service: true, marketing: true };
  return {
    id: `zz-offerless-${i}`,
    name: `Offerless ${i}`,
    locale: 'en-GB',
    timeZone: 'Europe/London',
    email: `offerless${i}@example.test`,
    phone: `+44770090${String(9000 + i)}`,
    address: { lines: [`${i} Quiet Lane`], postalCode: 'LS1 1AA', city: 'Leeds', country: 'GB' },
    consent: { print: yes, email: yes, sms: yes },
    eDelivery: true,
    traits: {
      age: 80,
      job: 'retired',
      marital: 'widowed',
      education: 'primary',
      hasCreditDefault: true,
      balance: -50,
      hasHousingLoan: true,
      hasPersonalLoan: false,
      subscribedTermDeposit: true,
    },
  };
}

describe('a campaign through the sinks: no offer, no message; every link tracked, followed from what arrived', () => {
  let temp: TempStore;
  let smtp: SmtpSink;
  let twilio: TwilioSink;
  let api: FastifyInstance;
  let apiUrl: string;
  let batch: ReturnType<typeof testBatchDeps>;
  let catalog: Catalog;
  let runId: string;
  let rows: CommunicationRecord[];
  let decisions: Map<string, Decision>;
  let received: Received[];

  beforeAll(async () => {
    temp = await openTempStore('campaign-tracking');
    smtp = await startSmtpSink();
    twilio = await startTwilioSink();
    // Midday for every customer, whatever the hour the test runs at: marketing SMS wait out the
    // customer's quiet hours (21:00–08:00 their time), and this test follows what arrived.
    const timeZone = daytimeZone();
    const imported = await importBankCustomers(temp.store);
    await upsertCustomers(temp.store.db, [
      ...imported.map((c) => ({ ...c, timeZone })),
      ...Array.from({ length: 3 }, (_, i) => ({ ...offerlessCustomer(i), timeZone })),
    ]);
    await publishCatalogDir(temp.store.db, path.join(ROOT, 'catalogs', 'bank'), '2026-10-31');
    catalog = await loadCatalogDirOrThrow(path.join(ROOT, 'catalogs', 'bank'));
    // The API on loopback; its clock an hour ahead, so the clicks are not taken for a scanner's
    // prefetch within seconds of sending.
    api = buildApp({
      db: temp.store.db,
      now: () => new Date(Date.now() + 3_600_000),
      feedback: { trackingKey: TEST_TRACKING_KEY },
    });
    apiUrl = await api.listen({ host: '127.0.0.1', port: 0 });
    batch = testBatchDeps(temp.store, temp.dir, { chunkSize: 50, concurrency: 2 });
    batch.deps.tracking = { baseUrl: apiUrl, ttlDays: 30, key: () => TEST_TRACKING_KEY };
    batch.deps.channels = {
      email: createSmtpChannel({
        url: smtp.url,
        from: 'bank@bank.test',
        messageIdDomain: 'bank.test',
        publicUrl: apiUrl,
      }),
      sms: createTwilioChannel({
        accountSid: twilio.accountSid,
        authToken: twilio.authToken,
        from: '+15005550006',
        apiBase: twilio.url,
        publicUrl: apiUrl,
      }),
    };
    batch.deps.dispatchRates = { email: 200, sms: 200 };
    const version = await publishTemplatePackage(
      temp.store.db,
      path.join(ROOT, 'templates', 'cross-sell-promotion'),
    );
    const outcome = await executeRun(batch.deps, {
      communicationType: 'cross-sell-promotion',
      templateVersionId: version.id,
      asOf: '2026-10-31',
      source: 'store:all',
    });
    runId = outcome.runId;
    rows = await listCommunicationsForRun(temp.store.db, runId);
    const stored = await listRunDecisions<Decision>(
      temp.store.db,
      runId,
      rows.map((r) => r.customerId),
    );
    decisions = new Map([...stored].map(([customerId, d]) => [customerId, d.decision]));
    received = [...smtp.messages.map(receivedEmail), ...twilio.messages.map(receivedSms)];
  }, 120_000);

  afterAll(async () => {
    await batch?.deps.channels?.email?.close?.();
    await batch?.close();
    await api?.close();
    await smtp?.close();
    await twilio?.close();
    await temp?.close();
  });

  const rowOf = (message: Received) => {
    const row = rows.find((r) => r.channel === message.channel && r.providerId === message.providerId);
    if (!row) throw new Error(`no communication sent as ${message.providerId}`);
    return row;
  };

  const offerContent = (offerId: string, channel: 'email' | 'sms', locale: string) => {
    const byLocale = catalog.offers.find((o) => o.id === offerId)?.content[channel];
    return byLocale?.[locale] ?? byLocale?.[catalog.locales[0] ?? ''];
  };

  it('sends no marketing message without an offer outside the holdout, and reports the ones it did not send', async () => {
    const sent = rows.filter((r) => r.status === 'sent');
    expect(received.length).toBe(sent.length);
    expect(smtp.messages.length).toBeGreaterThan(10);
    expect(twilio.messages.length).toBeGreaterThan(3);
    let holdout = 0;
    for (const message of received) {
      const row = rowOf(message);
      const decision = decisions.get(row.customerId)!;
      if (decision.holdout) {
        holdout += 1;
        continue;
      }
      expect(decision.offers, row.customerId).toHaveLength(1);
      const locale = (await getCustomer(temp.store.db, row.customerId))!.locale;
      const content = offerContent(decision.offers[0]!.offerId, message.channel, locale);
      // An e-mail shows the headline (subject, heading); an SMS is the offer's short text.
      expect(message.text, row.customerId).toContain(
        message.channel === 'sms' ? content!.body : content!.headline,
      );
    }
    const offerless = [...decisions.values()].filter((d) => d.suppressed?.rule === 'no-eligible-offer');
    for (let i = 0; i < 3; i++) expect(offerless.map((d) => d.customerId)).toContain(`zz-offerless-${i}`);
    for (const d of offerless) {
      const own = rows.filter((r) => r.customerId === d.customerId);
      expect(
        own.map((r) => [r.channel, r.status]),
        d.customerId,
      ).toEqual([['print', 'suppressed']]);
      expect(own[0]?.reason).toMatch(/^no-eligible-offer: /);
    }
    const report = await buildRunReport(temp.store.db, runId);
    const counted = Object.entries(report.suppressions)
      .filter(([reason]) => reason.startsWith('no-eligible-offer:'))
      .reduce((n, [, c]) => n + c, 0);
    expect(counted).toBe(offerless.length);
    expect(report.suppressedByRule['no-eligible-offer']).toBe(offerless.length);
    expect(formatRunReport(report)).toContain(`not sent: no-eligible-offer ${offerless.length}`);
    expect(report.reconciliation.balanced).toBe(true);
    console.log(
      `campaign: ${rows.length} customers, ${smtp.messages.length} emails and ${twilio.messages.length} SMS at the sinks ` +
        `(${holdout} to the holdout, without offers); ${offerless.length} suppressed no-eligible-offer`,
    );
  });

  it('has only short tracked links in every e-mail and SMS that arrived, and an open pixel in every e-mail', () => {
    const short = new RegExp(`^${apiUrl.replace(/[.]/g, '\\.')}/t/[0-9A-Za-z]{10}$`);
    for (const message of received) {
      // Every offer of the bank catalog has a call to action on every channel: a link to follow.
      const holdout = decisions.get(rowOf(message).customerId)!.holdout;
      if (!holdout) expect(message.links.length, message.providerId).toBeGreaterThan(0);
      for (const link of message.links) expect(link, message.providerId).toMatch(short);
      if (message.channel === 'email') {
        expect(message.pixels).toHaveLength(1);
        expect(message.pixels[0]).toMatch(/\/o\/[0-9A-Za-z]{10}\.gif$/);
        // A visible unsubscribe link (the brand's wording), to the message's own one-click page.
        const key = /^<(dk_\w+)@/.exec(message.providerId)?.[1];
        expect(message.unsubscribe, message.providerId).toContain(`${apiUrl}/unsubscribe/${key}`);
        // The catalog's brand (brands/bank) is the sender; the language is the customer's.
        expect(message.from).toBe('news@bank.example');
        expect(['en-GB', 'zh-CN']).toContain(message.lang);
      }
    }
  });

  it('records clicks and opens on the communication each message was, and counts the clicks in the model', async () => {
    const before = await loadModelStats(temp.store.db);
    const expected = new Map<string, number>();
    const clickedMessages = received.filter((_m, i) => i % 2 === 0);
    for (const message of clickedMessages) {
      const row = rowOf(message);
      const decision = decisions.get(row.customerId)!;
      const locations: string[] = [];
      for (const link of message.links) {
        const res = await fetch(link, { redirect: 'manual', headers: { 'user-agent': HUMAN } });
        expect(res.status, link).toBe(302);
        locations.push(res.headers.get('location') ?? '');
        await res.arrayBuffer();
      }
      if (!decision.holdout) {
        // The offer's call to action, in the customer's language, is where one of the links leads.
        const locale = (await getCustomer(temp.store.db, row.customerId))!.locale;
        const content = offerContent(decision.offers[0]!.offerId, message.channel, locale);
        expect(locations).toContain(content!.cta!.url);
      }
      for (const pixel of message.pixels) {
        const res = await fetch(pixel, { headers: { 'user-agent': HUMAN } });
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toBe('image/gif');
        expect(
          Buffer.from(await res.arrayBuffer())
            .subarray(0, 6)
            .toString(),
        ).toBe('GIF89a');
      }
      const events = await listEvents(temp.store.db, { communicationId: row.id });
      const clicks = events.filter((e) => e.type === 'clicked');
      const opens = events.filter((e) => e.type === 'opened');
      expect(clicks, row.id).toHaveLength(message.links.length);
      expect(opens).toHaveLength(message.pixels.length);
      for (const e of [...clicks, ...opens]) {
        expect(e).toMatchObject({ communicationId: row.id, customerId: row.customerId });
        expect(e.payload.machine).toBe(false);
      }
      const links = await listTrackedLinks(temp.store.db, row.id);
      for (const click of clicks) {
        const link = links.find((l) => l.target === click.payload.target);
        expect(link?.offerId ?? null).toBe(click.offerId);
      }
      if (!decision.holdout) {
        const offerId = decision.offers[0]!.offerId;
        expect(
          clicks.some((c) => c.offerId === offerId),
          row.id,
        ).toBe(true);
        const key = `${offerId}|${decision.segment}`;
        expected.set(key, (expected.get(key) ?? 0) + 1);
      }
    }
    const after = await loadModelStats(temp.store.db);
    const successes = (stats: typeof after, key: string) =>
      stats.find((s) => `${s.offerId}|${s.segment}` === key)?.successes ?? 0;
    expect(expected.size).toBeGreaterThan(0);
    for (const [key, n] of expected) expect(successes(after, key) - successes(before, key), key).toBe(n);
    // Following the same links again (a reload) counts nothing more.
    const again = clickedMessages[0]!;
    await (
      await fetch(again.links[0]!, { redirect: 'manual', headers: { 'user-agent': HUMAN } })
    ).arrayBuffer();
    expect(await loadModelStats(temp.store.db)).toEqual(after);
    console.log(
      `followed ${clickedMessages.reduce((n, m) => n + m.links.length, 0)} links and ` +
        `${clickedMessages.reduce((n, m) => n + m.pixels.length, 0)} pixels from ${clickedMessages.length} received messages; ` +
        `${[...expected.values()].reduce((a, b) => a + b, 0)} successes added to the model`,
    );
  });

  it('answers a made-up or altered short link with 404 and no Location', async () => {
    const link = received[0]!.links[0]!;
    const code = link.slice(-10);
    for (const bad of [`${apiUrl}/t/AAAAAAAAAA`, `${link.slice(0, -1)}${code.endsWith('x') ? 'y' : 'x'}`]) {
      const res = await fetch(bad, { redirect: 'manual', headers: { 'user-agent': HUMAN } });
      expect(res.status).toBe(404);
      expect(res.headers.get('location')).toBeNull();
      await res.arrayBuffer();
    }
  });

  it('proves the archived bytes — tracked links included — by replay (missive verify)', async () => {
    for (const channel of ['email', 'sms'] as const) {
      const row = rows.find((r) => r.channel === channel && r.status === 'sent')!;
      const result = await verifyCommunication({ db: temp.store.db, blobs: batch.deps.blobs }, row.id);
      expect(result.ok, result.difference).toBe(true);
      expect(result.warnings.filter((w) => w.includes('tracked links'))).toEqual([]);
    }
  });

  it("stops resolving an erased customer's links (the link table goes with the documents)", async () => {
    const message = received.find((m) => m.links.length > 0 && m.channel === 'email')!;
    const row = rowOf(message);
    expect((await listTrackedLinks(temp.store.db, row.id)).length).toBeGreaterThan(0);
    await eraseCustomer({ db: temp.store.db, blobs: batch.deps.blobs }, row.customerId, {
      actor: 'test',
      reason: 'erasure request',
    });
    expect(await listTrackedLinks(temp.store.db, row.id)).toEqual([]);
    const res = await fetch(message.links[0]!, { redirect: 'manual', headers: { 'user-agent': HUMAN } });
    expect(res.status).toBe(404);
    expect(res.headers.get('location')).toBeNull();
    await res.arrayBuffer();
  });
});
