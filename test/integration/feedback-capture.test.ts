import Fastify, { type FastifyInstance } from 'fastify';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerFeedbackRoutes } from '../../src/api/routes/feedback.ts';
import { registerTrackingRoutes } from '../../src/api/routes/tracking.ts';
import { registerTwilioInboundRoutes } from '../../src/api/routes/twilio-inbound.ts';
import { recordDisposition } from '../../src/feedback/events.ts';
import { DEFAULT_SUCCESS_RULES } from '../../src/feedback/success.ts';
import { signToken, type TrackingClaims } from '../../src/feedback/tracking-token.ts';
import { shortCode } from '../../src/render/short-links.ts';
import { loadCatalogDirOrThrow } from '../../src/rules/catalog-loader.ts';
import { compileCatalog } from '../../src/rules/compile.ts';
import { loadCustomerHistory, loadModel } from '../../src/rules/context-loader.ts';
import { decide } from '../../src/rules/decide.ts';
import { getCustomer } from '../../src/store/customers.ts';
import type { Store } from '../../src/store/db.ts';
import { listEvents } from '../../src/store/events.ts';
import { loadModelStats } from '../../src/store/model-stats.ts';
import { publishCatalogVersion } from '../../src/store/offers.ts';
import { insertTrackedLinks } from '../../src/store/tracked-links.ts';
import { seedSentCommunication } from '../support/feedback-fixtures.ts';
import { openFeedbackStore } from '../support/feedback-stores.ts';
import { ROOT } from '../support/stores.ts';

const KEY = Buffer.from('tracking-key-for-tests-0123456789abcdef');
const AUTH = 'twilio-auth-token-for-tests';
const PUBLIC = 'https://missive.bank.example';
const NOW = new Date('2026-11-23T12:00:00.000Z');
const HUMAN =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36';
const rules = DEFAULT_SUCCESS_RULES;

/** The long signed links earlier versions sent (`/t/<payload>.<mac>`, `/o/<payload>.<mac>.gif`): still served. */
function trackedUrl(
  o: { key: Uint8Array; baseUrl: string; communicationId: string; expiresAt: number },
  target: string,
  offerId: string | null,
): string {
  const claims: TrackingClaims = {
    purpose: 'click',
    communicationId: o.communicationId,
    offerId,
    target,
    expiresAt: o.expiresAt,
  };
  return `${o.baseUrl}/t/${signToken(o.key, claims)}`;
}

function openPixelUrl(o: {
  key: Uint8Array;
  baseUrl: string;
  communicationId: string;
  expiresAt: number;
}): string {
  const claims: TrackingClaims = {
    purpose: 'open',
    communicationId: o.communicationId,
    offerId: null,
    target: '',
    expiresAt: o.expiresAt,
  };
  return `${o.baseUrl}/o/${signToken(o.key, claims)}.gif`;
}

describe.each(['sqlite', 'postgres'] as const)('feedback capture on %s', (dialect) => {
  let opened: Awaited<ReturnType<typeof openFeedbackStore>>;
  let store: Store;
  let app: FastifyInstance;
  let clock = NOW;

  beforeAll(async () => {
    opened = await openFeedbackStore(dialect);
    store = opened.store;
    app = Fastify();
    const deps = { db: store.db, successRules: rules, now: () => clock };
    registerTrackingRoutes(app, { ...deps, trackingKey: KEY });
    registerTwilioInboundRoutes(app, { ...deps, authToken: AUTH, publicUrl: PUBLIC });
    registerFeedbackRoutes(app, deps);
    await app.ready();
  });

  afterAll(async () => {
    await app?.close();
    await opened?.close();
  });

  const link = (communicationId: string, target = 'https://bank.example/term-deposit') =>
    trackedUrl(
      { key: KEY, baseUrl: PUBLIC, communicationId, expiresAt: NOW.getTime() / 1000 + 86_400 },
      target,
      'term-deposit',
    ).slice(PUBLIC.length);

  it('redirects a tracked link to its signed target, once per visit, and counts the success', async () => {
    const com = await seedSentCommunication(store.db, {
      runId: 'run_t1',
      customerId: 'c1',
      channel: 'email',
      offers: ['term-deposit'],
    });
    for (let i = 0; i < 3; i++) {
      const res = await app.inject({ method: 'GET', url: link(com), headers: { 'user-agent': HUMAN } });
      expect(res.statusCode).toBe(302);
      expect(res.headers.location).toBe('https://bank.example/term-deposit');
    }
    const events = await listEvents(store.db, { communicationId: com });
    expect(events.map((e) => [e.type, e.customerId, e.offerId, e.payload.machine])).toEqual([
      ['clicked', 'c1', 'term-deposit', false],
    ]);
    expect(await loadModelStats(store.db)).toEqual([
      { offerId: 'term-deposit', segment: '25-34|white-collar', exposures: 1, successes: 1 },
    ]);
  });

  it('answers tampered, URL-swapped, expired and wrong-purpose tokens with 404 and no Location', async () => {
    const good = link('com_x').split('/t/')[1] as string;
    const [, mac] = good.split('.');
    const evil = Buffer.from(
      ['c', 'com_x', 'term-deposit', 'https://evil.example/', (NOW.getTime() / 1000 + 9e5).toString(36)].join(
        '\n',
      ),
    ).toString('base64url');
    const expired = signToken(KEY, {
      purpose: 'click',
      communicationId: 'com_x',
      offerId: null,
      target: 'https://bank.example/',
      expiresAt: NOW.getTime() / 1000 - 1,
    });
    const pixel = (
      openPixelUrl({ key: KEY, baseUrl: PUBLIC, communicationId: 'com_x', expiresAt: 2e9 }).split(
        '/o/',
      )[1] as string
    ).replace('.gif', '');
    const otherKey = signToken(Buffer.from('another-key-another-key-another-key'), {
      purpose: 'click',
      communicationId: 'com_x',
      offerId: null,
      target: 'https://evil.example/',
      expiresAt: 2e9,
    });
    for (const token of [`${evil}.${mac}`, expired, pixel, otherKey, 'x', `${good}x`]) {
      const res = await app.inject({ method: 'GET', url: `/t/${token}` });
      expect(res.statusCode, token).toBe(404);
      expect(res.headers.location).toBeUndefined();
    }
    expect(await listEvents(store.db, { communicationId: 'com_x' })).toEqual([]);
  });

  it('redirects a short link to the target stored for it; unknown, expired and wrong-purpose codes are 404', async () => {
    const com = await seedSentCommunication(store.db, {
      runId: 'run_short',
      customerId: 'c-short',
      channel: 'sms',
      offers: ['term-deposit'],
    });
    const code = (purpose: 'click' | 'open', target: string) => shortCode(KEY, com, purpose, target);
    const click = code('click', 'https://bank.example/term-deposit');
    const old = code('click', 'https://bank.example/old');
    const pixel = code('open', '');
    const later = new Date(NOW.getTime() + 86_400_000).toISOString();
    await insertTrackedLinks(store.db, [
      {
        code: click,
        communicationId: com,
        purpose: 'click',
        target: 'https://bank.example/term-deposit',
        offerId: 'term-deposit',
        expiresAt: later,
      },
      {
        code: old,
        communicationId: com,
        purpose: 'click',
        target: 'https://bank.example/old',
        offerId: null,
        expiresAt: NOW.toISOString(),
      },
      { code: pixel, communicationId: com, purpose: 'open', target: '', offerId: null, expiresAt: later },
    ]);
    // Stored again (a retried chunk): nothing changes; another link under a taken code is refused.
    await insertTrackedLinks(store.db, [
      {
        code: click,
        communicationId: com,
        purpose: 'click',
        target: 'https://bank.example/term-deposit',
        offerId: 'term-deposit',
        expiresAt: later,
      },
    ]);
    await expect(
      insertTrackedLinks(store.db, [
        {
          code: click,
          communicationId: 'com_other',
          purpose: 'click',
          target: 'https://evil.example/',
          offerId: null,
          expiresAt: later,
        },
      ]),
    ).rejects.toMatchObject({ code: 'MSV_FEEDBACK_LINK_COLLISION' });
    expect(click).toMatch(/^[0-9A-Za-z]{10}$/);
    const res = await app.inject({ method: 'GET', url: `/t/${click}`, headers: { 'user-agent': HUMAN } });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('https://bank.example/term-deposit');
    for (const bad of [old, pixel, 'AAAAAAAAAA', `${click.slice(0, -1)}${click.endsWith('A') ? 'B' : 'A'}`]) {
      const r = await app.inject({ method: 'GET', url: `/t/${bad}`, headers: { 'user-agent': HUMAN } });
      expect(r.statusCode, bad).toBe(404);
      expect(r.headers.location).toBeUndefined();
    }
    const gif = await app.inject({ method: 'GET', url: `/o/${pixel}.gif`, headers: { 'user-agent': HUMAN } });
    expect(gif.statusCode).toBe(200);
    expect(gif.headers['content-type']).toBe('image/gif');
    await app.inject({ method: 'GET', url: `/o/${click}.gif`, headers: { 'user-agent': HUMAN } }); // not a pixel
    const events = await listEvents(store.db, { communicationId: com });
    expect(events.map((e) => [e.type, e.offerId, e.payload.machine])).toEqual([
      ['clicked', 'term-deposit', false],
      ['opened', null, false],
    ]);
  });

  it('serves the open pixel with no-store and flags machine opens', async () => {
    const com = await seedSentCommunication(store.db, {
      runId: 'run_t2',
      customerId: 'c2',
      channel: 'email',
      offers: ['pension-plan'],
    });
    const url = openPixelUrl({ key: KEY, baseUrl: PUBLIC, communicationId: com, expiresAt: 2e9 }).slice(
      PUBLIC.length,
    );
    const proxy = await app.inject({
      method: 'GET',
      url,
      headers: { 'user-agent': 'Mozilla/5.0 (via ggpht.com GoogleImageProxy)' },
    });
    expect(proxy.statusCode).toBe(200);
    expect(proxy.headers['content-type']).toBe('image/gif');
    expect(proxy.headers['cache-control']).toContain('no-store');
    expect(proxy.rawPayload.subarray(0, 6).toString()).toBe('GIF89a');
    await app.inject({ method: 'HEAD', url, headers: { 'user-agent': HUMAN } });
    clock = new Date(NOW.getTime() + 3_600_000);
    await app.inject({ method: 'GET', url, headers: { 'user-agent': HUMAN } });
    clock = NOW;
    const opens = await listEvents(store.db, { communicationId: com });
    expect(opens.map((e) => [e.type, e.payload.machine, e.payload.machineReason ?? null])).toEqual([
      ['opened', true, 'google-image-proxy'], // the HEAD in the same hour is the same machine open
      ['opened', false, null],
    ]);
    const bad = await app.inject({ method: 'GET', url: '/o/not-a-token.gif' });
    expect(bad.statusCode).toBe(200);
  });

  const sms = (params: Record<string, string>, signWith: Record<string, string> | null = params) => {
    const url = '/webhooks/twilio/inbound';
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (signWith)
      headers['x-twilio-signature'] = twilio.getExpectedTwilioSignature(AUTH, `${PUBLIC}${url}`, signWith);
    return app.inject({ method: 'POST', url, headers, payload: new URLSearchParams(params).toString() });
  };

  it('rejects missing, wrong and replayed-with-altered-body signatures and writes nothing', async () => {
    await seedSentCommunication(store.db, {
      runId: 'run_s0',
      customerId: 'c3',
      channel: 'sms',
      offers: ['youth-account'],
      phone: '+447700900003',
    });
    const params = { MessageSid: 'SM_forged', From: '+447700900003', Body: 'STOP' };
    expect((await sms(params, null)).statusCode).toBe(403);
    const wrong = await app.inject({
      method: 'POST',
      url: '/webhooks/twilio/inbound',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'AAAA' },
      payload: new URLSearchParams(params).toString(),
    });
    expect(wrong.statusCode).toBe(403);
    expect((await sms(params, { ...params, Body: 'hello' })).statusCode).toBe(403);
    expect(await listEvents(store.db, { customerId: 'c3' })).toEqual([]);
    expect((await getCustomer(store.db, 'c3'))?.consent.sms.marketing).toBe(true);
  });

  it('STOP and 退订 unsubscribe from marketing SMS', async () => {
    await seedSentCommunication(store.db, {
      runId: 'run_s1',
      customerId: 'c4',
      channel: 'sms',
      offers: ['youth-account'],
      phone: '+447700900004',
    });
    await seedSentCommunication(store.db, {
      runId: 'run_s1',
      customerId: 'c5',
      channel: 'sms',
      offers: ['youth-account'],
      phone: '+8613800000005',
    });
    expect((await sms({ MessageSid: 'SM_stop_en', From: '+447700900004', Body: ' stop ' })).statusCode).toBe(
      200,
    );
    expect((await sms({ MessageSid: 'SM_stop_zh', From: '+8613800000005', Body: '退订' })).statusCode).toBe(
      200,
    );
    for (const id of ['c4', 'c5']) {
      const customer = await getCustomer(store.db, id);
      expect(customer?.consent.sms).toEqual({ service: true, marketing: false });
      expect(customer?.consent.email.marketing).toBe(true);
      const events = await listEvents(store.db, { customerId: id });
      expect(events.map((e) => [e.type, e.payload.scope])).toEqual([['unsubscribed', 'sms-marketing']]);
    }
  });

  it('YES and 是 accept the offer of the last SMS, one event however often Twilio retries', async () => {
    const com = await seedSentCommunication(store.db, {
      runId: 'run_s2',
      customerId: 'c6',
      channel: 'sms',
      offers: ['travel-accident-cover'],
      phone: '+447700900006',
    });
    for (let i = 0; i < 3; i++) {
      expect((await sms({ MessageSid: 'SM_yes', From: '+447700900006', Body: 'Yes!' })).statusCode).toBe(200);
    }
    const com7 = await seedSentCommunication(store.db, {
      runId: 'run_s2',
      customerId: 'c7',
      channel: 'sms',
      offers: ['term-deposit'],
      phone: '+8613800000007',
    });
    await sms({ MessageSid: 'SM_shi', From: '+8613800000007', Body: '是' });
    const events = await listEvents(store.db, { customerId: 'c6' });
    expect(events.map((e) => [e.type, e.communicationId, e.offerId])).toEqual([
      ['accepted', com, 'travel-accident-cover'],
    ]);
    const [zh] = await listEvents(store.db, { customerId: 'c7' });
    expect([zh?.type, zh?.communicationId, zh?.offerId]).toEqual(['accepted', com7, 'term-deposit']);
    const stats = await loadModelStats(store.db);
    expect(stats.find((s) => s.offerId === 'travel-accident-cover')).toMatchObject({
      exposures: 1,
      successes: 1,
    });
  });

  it('"not interested" suppresses the offer; "wrong address" marks the address; the model version moves', async () => {
    const catalog = compileCatalog(await loadCatalogDirOrThrow(`${ROOT}/catalogs/bank`));
    const com = await seedSentCommunication(store.db, {
      runId: 'run_c1',
      customerId: 'c8',
      channel: 'email',
      offers: ['term-deposit'],
    });
    const before = (await loadModel(store.db)).version;
    await recordDisposition(
      store.db,
      {
        sourceId: 'call-1',
        customerId: 'c8',
        disposition: 'not-interested',
        communicationId: com,
        offerId: 'term-deposit',
        at: NOW.toISOString(),
      },
      rules,
    );
    await recordDisposition(
      store.db,
      { sourceId: 'call-2', customerId: 'c8', disposition: 'wrong-address', at: NOW.toISOString() },
      rules,
    );
    const customer = (await getCustomer(store.db, 'c8'))!;
    expect(customer.traits.addressUnreliable).toBe(true);
    customer.traits = { age: 40, balance: 5000, hasCreditDefault: false, job: 'management' };
    const now = new Date(NOW.getTime() + 7 * 86_400_000).toISOString();
    const ctx = {
      asOf: '2026-11-30',
      now,
      runId: 'run_next',
      communicationType: 'monthly-statement',
      catalog,
      model: await loadModel(store.db),
    };
    const fresh = decide(customer, ctx);
    expect(fresh.rejected.some((r) => r.offerId === 'term-deposit' && r.rule === 'declined')).toBe(false);
    const history = await loadCustomerHistory(store.db, 'c8', catalog, now);
    const after = decide(customer, { ...ctx, history });
    expect(after.rejected).toContainEqual(
      expect.objectContaining({ offerId: 'term-deposit', rule: 'declined' }),
    );
    // the decline is not a success, but the exposure of a sent, treated communication is counted by sync
    expect((await loadModel(store.db)).version).toBe(before);
  });

  it('records dispositions over the API once, and serves the campaign report', async () => {
    await seedSentCommunication(store.db, {
      runId: 'run_api',
      customerId: 'c9',
      channel: 'email',
      offers: ['mortgage'],
    });
    const body = {
      id: 'cc-77',
      customerId: 'c9',
      disposition: 'not-interested',
      offerId: 'mortgage',
      agent: 'agent-1',
    };
    const first = await app.inject({ method: 'POST', url: '/api/feedback/dispositions', payload: body });
    expect(first.statusCode).toBe(201);
    const again = await app.inject({ method: 'POST', url: '/api/feedback/dispositions', payload: body });
    expect([again.statusCode, again.json().recorded]).toEqual([200, false]);
    const bad = await app.inject({
      method: 'POST',
      url: '/api/feedback/dispositions',
      payload: { ...body, disposition: 'maybe' },
    });
    expect(bad.statusCode).toBeGreaterThanOrEqual(400);
    const events = await listEvents(store.db, { customerId: 'c9' });
    expect(events.map((e) => [e.type, e.payload.outcome, e.offerId])).toEqual([
      ['disposition', 'declined', 'mortgage'],
    ]);
    // The fixture customers carry a few of the bank's traits only, so `offers publish` (which checks
    // the traits against the stored customers) would refuse it: the catalog is stored as published.
    const catalog = await loadCatalogDirOrThrow(`${ROOT}/catalogs/bank`);
    const { offerFiles: _where, ...definition } = catalog;
    await publishCatalogVersion(store.db, { name: catalog.name, definition });
    const report = await app.inject({ method: 'GET', url: '/api/reports/campaign/run_t1' });
    expect(report.statusCode).toBe(200);
    expect(report.json().offers[0]).toMatchObject({ offerId: 'term-deposit', exposures: 1, successes: 1 });
  });
});
