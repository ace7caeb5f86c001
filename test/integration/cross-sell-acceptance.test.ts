import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import { type SmtpSink, startSmtpSink } from '../../src/channels/sinks/smtp-sink.ts';
import { startTwilioSink, type TwilioSink } from '../../src/channels/sinks/twilio-sink.ts';
import type { Catalog } from '../../src/rules/catalog.ts';
import { loadCatalogDirOrThrow } from '../../src/rules/catalog-loader.ts';
import type { Decision } from '../../src/rules/decision.ts';
import { inQuietHours } from '../../src/rules/suppression.ts';
import { type CommunicationRecord, listCommunicationsForRun } from '../../src/store/communications.ts';
import { listRunDecisions } from '../../src/store/decisions.ts';
import { listEvents } from '../../src/store/events.ts';
import { loadModelStats } from '../../src/store/model-stats.ts';
import { getTrackedLink } from '../../src/store/tracked-links.ts';
import { HUMAN, type Received, receivedEmail, receivedSms } from '../support/received-messages.ts';
import { openTempStore, ROOT, type TempStore } from '../support/stores.ts';

const exec = promisify(execFile);

/** 40 base64 characters: the tracking key the `missive` processes and the in-process API share. */
const TRACKING_KEY = 'acceptance-tracking-key-0123456789abcdef';

interface Campaign {
  name: string;
  catalog: string;
  /** The customer file the run is given (--customers), and its mapping. */
  customers: (dir: string) => string;
  mapping: string;
  asOf: string;
  /** The catalog's brand's sender (brands/<brand>/brand.yaml). */
  from: string;
}

/** The first `n` rows of a CSV file (header kept), written into `dir`. */
function cutCsv(file: string, n: number, dir: string): string {
  const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
  const cut = path.join(dir, `first-${n}-${path.basename(file)}`);
  fs.writeFileSync(cut, `${lines.slice(0, n + 1).join('\n')}\n`);
  return cut;
}

const CAMPAIGNS: Campaign[] = [
  {
    name: 'bank demo',
    catalog: path.join(ROOT, 'catalogs', 'bank'),
    customers: () => path.join(ROOT, 'examples', 'customers-sample.csv'),
    mapping: path.join(ROOT, 'examples', 'bank-marketing', 'mapping.json'),
    asOf: '2026-10-31',
    from: 'news@bank.example',
  },
  {
    name: 'telecom example',
    catalog: path.join(ROOT, 'catalogs', 'telco'),
    customers: (dir) => cutCsv(path.join(ROOT, 'examples', 'telco', 'customers.csv'), 400, dir),
    mapping: path.join(ROOT, 'examples', 'telco', 'mapping.json'),
    asOf: '2026-11-30',
    from: 'offers@missive-mobile.example',
  },
];

/**
 * Issue 16's acceptance, through `missive run` as a user runs it: the bank demo (catalogs/bank, the
 * shipped sample customers) and the telecom example (catalogs/telco, its customer file cut to 400
 * rows) run `cross-sell-promotion` with real SMTP and Twilio-compatible sinks on loopback. At the
 * sinks: no marketing message outside the holdout without one of the catalog's offers (named in its
 * text, and its tracked link resolving to that offer in the link table), only short tracked links in
 * every e-mail and SMS, an open pixel in every e-mail; a link and a pixel fetched from what arrived,
 * against the API built in-process on the same store, land on the communication, and the click in the
 * model's statistics.
 */
describe.each(CAMPAIGNS)('cross-sell-promotion through `missive run`: $name', (campaign) => {
  let temp: TempStore;
  let smtp: SmtpSink;
  let twilio: TwilioSink;
  let api: FastifyInstance;
  let apiUrl: string;
  let catalog: Catalog;
  let rows: CommunicationRecord[];
  let decisions: Map<string, Decision>;
  let received: Received[];
  let runStdout: string;

  const missive = async (...args: string[]) => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      MISSIVE_DATA_DIR: temp.dir,
      MISSIVE_LOG_LEVEL: 'silent',
      MISSIVE_RENDER_SANDBOX: 'off',
      MISSIVE_QUEUE_PREFIX: `acceptance-${randomUUID().slice(0, 8)}`,
      REDIS_URL: inject('redisUrl'),
      MISSIVE_PUBLIC_URL: apiUrl,
      MISSIVE_TRACKING_KEY: TRACKING_KEY,
      MISSIVE_SMTP_URL: smtp.url,
      TWILIO_ACCOUNT_SID: twilio.accountSid,
      TWILIO_AUTH_TOKEN: twilio.authToken,
      MISSIVE_TWILIO_API_BASE: twilio.url,
    };
    for (const name of ['DATABASE_URL', 'MISSIVE_DEFAULT_BRAND', 'MISSIVE_BRANDS_DIR']) delete env[name];
    return exec('node', [path.join(ROOT, 'bin', 'missive.js'), ...args], {
      env,
      cwd: temp.dir,
      maxBuffer: 64 * 1024 * 1024,
    });
  };

  beforeAll(async () => {
    temp = await openTempStore('cross-sell-acceptance');
    smtp = await startSmtpSink();
    twilio = await startTwilioSink();
    catalog = await loadCatalogDirOrThrow(campaign.catalog);
    // The API on the store the runs write; its clock an hour ahead, so the clicks are not taken for
    // a scanner's prefetch within seconds of sending. Its URL is the runs' MISSIVE_PUBLIC_URL.
    api = buildApp({
      db: temp.store.db,
      now: () => new Date(Date.now() + 3_600_000),
      feedback: { trackingKey: Buffer.from(TRACKING_KEY) },
    });
    apiUrl = await api.listen({ host: '127.0.0.1', port: 0 });

    await missive('offers', 'publish', campaign.catalog, '--as-of', campaign.asOf);
    await missive('templates', 'publish', path.join(ROOT, 'templates', 'cross-sell-promotion'));
    const run = await missive(
      'run',
      'cross-sell-promotion',
      '--customers',
      campaign.customers(temp.dir),
      '--mapping',
      campaign.mapping,
      '--as-of',
      campaign.asOf,
    ).catch((err: { code: number; stdout: string; stderr: string }) => {
      throw new Error(`missive run exited ${err.code}:\n${err.stdout}\n${err.stderr}`);
    });
    runStdout = run.stdout;
    const runId = /^run (run_\w+)/m.exec(run.stdout)?.[1];
    if (!runId) throw new Error(`no run id in:\n${run.stdout}\n${run.stderr}`);
    rows = await listCommunicationsForRun(temp.store.db, runId);
    const stored = await listRunDecisions<Decision>(
      temp.store.db,
      runId,
      rows.map((r) => r.customerId),
    );
    decisions = new Map([...stored].map(([customerId, d]) => [customerId, d.decision]));
    received = [...smtp.messages.map(receivedEmail), ...twilio.messages.map(receivedSms)];
  }, 300_000);

  afterAll(async () => {
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
  const decisionOf = (message: Received) => decisions.get(rowOf(message).customerId)!;
  const codeOf = (link: string) => /\/t\/([0-9A-Za-z]{10})$/.exec(link)?.[1] ?? '';

  it('sends no marketing message outside the holdout without one of the catalog’s offers', async () => {
    expect(runStdout).toMatch(/^run run_\w+/m);
    const sent = rows.filter((r) => r.status === 'sent');
    expect(received.length).toBe(sent.length);
    expect(smtp.messages.length).toBeGreaterThan(10);
    // No SMS at night (the catalog's quiet hours, in the customers' time zone: Europe/London).
    const quiet = inQuietHours('Europe/London', Date.now(), catalog.policy.quietHours!);
    if (!quiet) expect(twilio.messages.length).toBeGreaterThan(3);

    const offerIds = new Set(catalog.offers.map((o) => o.id));
    const named = (message: Received) =>
      catalog.offers.filter((offer) =>
        Object.values(offer.content[message.channel] ?? {}).some((block) =>
          message.text.includes(message.channel === 'sms' ? block.body : block.headline),
        ),
      );
    let holdout = 0;
    let withOffer = 0;
    let offerless = 0;
    for (const message of received) {
      const decision = decisionOf(message);
      if (decision.holdout) {
        holdout += 1;
        continue;
      }
      // From the message alone: it names an offer of the catalog (an e-mail its headline, an SMS its
      // short text), and one of its links resolves to that offer in the link table.
      const inText = named(message).map((o) => o.id);
      const linked = new Set<string>();
      for (const link of message.links) {
        const offerId = (await getTrackedLink(temp.store.db, codeOf(link)))?.offerId;
        if (offerId && offerIds.has(offerId)) linked.add(offerId);
      }
      if (inText.some((id) => linked.has(id))) withOffer += 1;
      else offerless += 1;
      // And it is the offer the decision placed.
      expect(inText, message.providerId).toContain(decision.offers[0]?.offerId);
    }
    expect(offerless).toBe(0);
    expect(withOffer).toBe(received.length - holdout);
    const suppressed = [...decisions.values()].filter((d) => d.suppressed?.rule === 'no-eligible-offer');
    for (const d of suppressed) {
      const own = rows.filter((r) => r.customerId === d.customerId);
      expect(own.map((r) => r.status)).toEqual(['suppressed']);
    }
    console.log(
      `${campaign.name}: ${rows.length} customers; at the sinks ${smtp.messages.length} e-mails and ` +
        `${twilio.messages.length} SMS${quiet ? ' (quiet hours: no SMS)' : ''} — ${withOffer} with an offer, ` +
        `${holdout} to the holdout, ${offerless} without an offer outside the holdout; ` +
        `${suppressed.length} customers suppressed no-eligible-offer (not sent)`,
    );
  });

  it('has only short tracked links in every e-mail and SMS, and an open pixel in every e-mail', async () => {
    const short = new RegExp(`^${apiUrl.replace(/[.]/g, '\\.')}/t/[0-9A-Za-z]{10}$`);
    let links = 0;
    for (const message of received) {
      if (!decisionOf(message).holdout) expect(message.links.length, message.providerId).toBeGreaterThan(0);
      for (const link of message.links) {
        expect(link, message.providerId).toMatch(short);
        const stored = await getTrackedLink(temp.store.db, codeOf(link));
        expect(stored?.communicationId, link).toBe(rowOf(message).id);
        links += 1;
      }
      if (message.channel === 'email') {
        expect(message.pixels, message.providerId).toHaveLength(1);
        expect(message.pixels[0]).toMatch(/\/o\/[0-9A-Za-z]{10}\.gif$/);
        expect(message.from).toBe(campaign.from);
      }
    }
    console.log(
      `${campaign.name}: ${links} tracked links and ${received.filter((m) => m.pixels.length > 0).length} ` +
        `open pixels in ${received.length} received messages`,
    );
  });

  it('records an open and a click fetched from the received messages, and the click in the model', async () => {
    const before = await loadModelStats(temp.store.db);
    const successes = (stats: typeof before, offerId: string, segment: string) =>
      stats.find((s) => s.offerId === offerId && s.segment === segment)?.successes ?? 0;
    const exposures = (stats: typeof before, offerId: string, segment: string) =>
      stats.find((s) => s.offerId === offerId && s.segment === segment)?.exposures ?? 0;
    const treated = (channel: 'email' | 'sms') =>
      received.find((m) => m.channel === channel && !decisionOf(m).holdout && m.links.length > 0);
    const picked = [treated('email'), treated('sms')].filter((m): m is Received => m !== undefined);
    expect(picked.length).toBeGreaterThan(0);
    // (offer, segment) → clicks expected; segments may contain '|', so keep the pair apart.
    const expected = new Map<string, { offerId: string; segment: string; n: number }>();
    for (const message of picked) {
      const row = rowOf(message);
      const decision = decisionOf(message);
      const offerId = decision.offers[0]!.offerId;
      // The link that leads to the placed offer's call to action, found in what arrived.
      let clicked = false;
      for (const link of message.links) {
        if ((await getTrackedLink(temp.store.db, codeOf(link)))?.offerId !== offerId) continue;
        const res = await fetch(link, { redirect: 'manual', headers: { 'user-agent': HUMAN } });
        await res.arrayBuffer();
        expect(res.status, link).toBe(302);
        clicked = true;
        break;
      }
      expect(clicked, message.providerId).toBe(true);
      for (const pixel of message.pixels) {
        const res = await fetch(pixel, { headers: { 'user-agent': HUMAN } });
        expect(res.status).toBe(200);
        expect(
          Buffer.from(await res.arrayBuffer())
            .subarray(0, 6)
            .toString(),
        ).toBe('GIF89a');
      }
      const events = await listEvents(temp.store.db, { communicationId: row.id });
      expect(events.filter((e) => e.type === 'clicked' && e.offerId === offerId)).toHaveLength(1);
      expect(events.filter((e) => e.type === 'opened')).toHaveLength(message.pixels.length);
      for (const e of events) expect(e.payload.machine, e.type).toBe(false);
      const key = JSON.stringify([offerId, decision.segment]);
      const entry = expected.get(key) ?? { offerId, segment: decision.segment, n: 0 };
      expected.set(key, { ...entry, n: entry.n + 1 });
    }
    const after = await loadModelStats(temp.store.db);
    for (const { offerId, segment, n } of expected.values()) {
      const key = `${offerId} in ${segment}`;
      expect(successes(after, offerId, segment) - successes(before, offerId, segment), key).toBe(n);
      // The send already counted the exposure (execute-run's onSent): a success never exceeds it.
      expect(exposures(after, offerId, segment)).toBeGreaterThanOrEqual(successes(after, offerId, segment));
    }
    const opens = picked.reduce((n, m) => n + m.pixels.length, 0);
    console.log(
      `${campaign.name}: ${picked.length} clicks (${picked.map((m) => m.channel).join(', ')}) and ${opens} open(s) ` +
        `from received messages; model successes +${[...expected.values()].reduce((a, e) => a + e.n, 0)} ` +
        `(${[...expected.values()].map((e) => `${e.offerId} in ${e.segment}`).join('; ')}); ` +
        'opens are events on the communication, not model successes',
    );
  });
});
