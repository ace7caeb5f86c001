import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFsBlobStore } from '../../src/archive/fs-blob-store.ts';
import { loadCatalogDirOrThrow } from '../../src/rules/catalog-loader.ts';
import { chooseChannel } from '../../src/rules/channel-policy.ts';
import { compileCatalog } from '../../src/rules/compile.ts';
import { loadCustomerHistory } from '../../src/rules/context-loader.ts';
import { getCustomer } from '../../src/store/customers.ts';
import { listEvents } from '../../src/store/events.ts';
import { bearer, CANARY, seedDocuments, seedUsers } from '../support/api.ts';
import {
  PortalClient,
  type PortalSinks,
  signInBySms,
  startPortalApp,
  startPortalSinks,
  type TestClock,
  testClock,
  waitFor,
} from '../support/portal.ts';
import { openTempStore, ROOT, type TempStore } from '../support/stores.ts';

/** Issue 20, preferences: paperless, marketing consent per channel, language, unsubscribe-all — each an event. */
describe('portal preferences', () => {
  let temp: TempStore;
  let sinks: PortalSinks;
  let clock: TestClock;
  let app: FastifyInstance;
  let base: string;
  let tokens: Awaited<ReturnType<typeof seedUsers>>;

  beforeAll(async () => {
    temp = await openTempStore('portal-preferences');
    const blobs = createFsBlobStore(path.join(temp.dir, 'archive'));
    await seedDocuments(temp.store.db, blobs);
    tokens = await seedUsers(temp.store.db);
    sinks = await startPortalSinks();
    clock = testClock();
    ({ app, base } = await startPortalApp({ db: temp.store.db, blobs, sinks, clock }));
  });
  afterAll(async () => {
    await app?.close();
    await sinks?.close();
    await temp?.close();
  });
  beforeEach(() => clock.advanceMinutes(60));

  const form = (body: string) => ({
    _csrf: /name="_csrf" value="([^"]+)"/.exec(body)![1]!,
    change: /name="change" value="([^"]+)"/.exec(body)![1]!,
  });

  it('paperless on: the next statement goes by e-mail; marketing per channel and language saved; each change an event with history', async () => {
    const client = new PortalClient(base);
    await signInBySms(client, sinks, 'C0001', CANARY.phone);
    const catalog = await loadCatalogDirOrThrow(path.join(ROOT, 'catalogs', 'bank'));
    const statement = catalog.communicationTypes['monthly-statement']!;
    const before = (await getCustomer(temp.store.db, 'C0001'))!;
    expect(before.eDelivery).toBe(false);
    expect(chooseChannel(before, statement, false).channel).toBe('print');

    const mails = () => sinks.smtp.messages.filter((m) => m.envelope.to.includes(CANARY.email));
    const mailsBefore = mails().length;
    const page = await client.get('/portal/preferences');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<label for="locale">');
    const fields = form(page.body);
    const body = new URLSearchParams({ ...fields, paperless: 'on', locale: 'zh-CN' });
    body.append('marketing', 'sms');
    body.append('marketing', 'print');
    const post = async () =>
      fetch(`${base}/portal/preferences`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: client.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
        body: body.toString(),
      });
    const saved = await post();
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe('/portal/preferences?saved=1');
    expect((await post()).status).toBe(303); // the same form twice: recorded once

    // Confirmed once, to the e-mail on file, in the language just chosen.
    await waitFor(() => mails().length, mailsBefore + 1);
    await new Promise((r) => setTimeout(r, 200));
    expect(mails()).toHaveLength(mailsBefore + 1);
    const confirmation = mails().at(-1)!;
    expect(confirmation.parsed?.subject).toBe('您的联系偏好已更改');
    expect(confirmation.parsed?.text).toContain('无纸化对账单开启');
    expect(confirmation.parsed?.text).toContain('电子邮件优惠关闭');
    const after = (await getCustomer(temp.store.db, 'C0001'))!;
    expect(after.eDelivery).toBe(true);
    expect(after.consent.email.marketing).toBe(false);
    expect(after.consent.sms.marketing).toBe(true);
    expect(after.locale).toBe('zh-CN');
    expect(chooseChannel(after, statement, false)).toMatchObject({
      channel: 'email',
      reason: 'electronic delivery consented',
    });
    const events = await listEvents(temp.store.db, { customerId: 'C0001' });
    const changes = events.filter((e) => e.source === 'self-service');
    expect(changes.map((e) => e.type).sort()).toEqual(['consent-changed', 'locale-changed']);
    const consent = changes.find((e) => e.type === 'consent-changed')!;
    expect(consent.payload).toMatchObject({
      before: { eDelivery: false },
      after: { eDelivery: true },
      actor: 'customer:C0001',
    });
    // The page now speaks the preferred language and lists the history.
    const zh = await client.get('/portal/preferences?saved=1');
    expect(zh.body).toContain('<html lang="zh-CN">');
    expect(zh.body).toContain('您的偏好设置已保存。');
    expect(zh.body).toContain('无纸化: 开');
    expect(zh.body).toContain('语言: zh-CN');
    // The call center sees the change on its timeline.
    const timeline = await app.inject({
      url: '/api/customers/C0001/communications',
      headers: bearer(tokens.agent),
    });
    expect(timeline.json().events.map((e: { type: string }) => e.type)).toContain('consent-changed');
  });

  it('unsubscribe from all: marketing off everywhere and the rules see do-not-contact', async () => {
    const customer = (await getCustomer(temp.store.db, 'C0002'))!;
    const client = new PortalClient(base);
    await signInBySms(client, sinks, 'C0002', customer.phone!);
    const page = await client.get('/portal/preferences');
    const mails = () => sinks.smtp.messages.filter((m) => m.envelope.to.includes(customer.email!));
    const before = mails().length;
    const res = await client.request('POST', '/portal/preferences/unsubscribe-all', form(page.body));
    expect(res.status).toBe(303);
    await waitFor(() => mails().length, before + 1);
    const after = (await getCustomer(temp.store.db, 'C0002'))!;
    expect(Object.values(after.consent).every((c) => c.marketing === false)).toBe(true);
    const catalog = await loadCatalogDirOrThrow(path.join(ROOT, 'catalogs', 'bank'));
    const history = await loadCustomerHistory(
      temp.store.db,
      'C0002',
      compileCatalog(catalog),
      clock.now().toISOString(),
    );
    expect(history.doNotContact).toBe(true);
    expect((await client.get('/portal/preferences')).body).toContain('<tr data-type="do-not-contact">');
  });

  it('a post without the session CSRF token changes nothing', async () => {
    const client = new PortalClient(base);
    await signInBySms(client, sinks, 'C0001', CANARY.phone);
    const page = await client.get('/portal/preferences');
    const { change } = form(page.body);
    const res = await client.request('POST', '/portal/preferences', {
      change,
      paperless: 'on',
      _csrf: 'nope',
    });
    expect(res.status).toBe(403);
    const anonymous = await new PortalClient(base).request('POST', '/portal/preferences', { change });
    expect([303, 401, 403]).toContain(anonymous.status);
  });
});
