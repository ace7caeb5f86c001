import { createHash } from 'node:crypto';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFsBlobStore } from '../../src/archive/fs-blob-store.ts';
import { archiveDocument } from '../../src/archive/ledger.ts';
import { derivePortalLinkKey, signPortalLink } from '../../src/feedback/portal-link.ts';
import { makeArtifact } from '../../src/render/artifact.ts';
import { listAudit } from '../../src/store/audit.ts';
import { listEvents } from '../../src/store/events.ts';
import { createRunIfAbsent } from '../../src/store/runs.ts';
import { CANARY, type SeededDocuments, seedDocuments } from '../support/api.ts';
import {
  PORTAL_LINK_KEY,
  PortalClient,
  type PortalSinks,
  signInBySms,
  startPortalApp,
  startPortalSinks,
  type TestClock,
  testClock,
} from '../support/portal.ts';
import { openTempStore, type TempStore } from '../support/stores.ts';

/**
 * Issue 20 item 1: the signed link of a statement or bill e-mail opens that one document without a
 * code, and nothing else; tampered, expired, another customer's and closed links get one answer.
 */
describe('portal document links', () => {
  let temp: TempStore;
  let sinks: PortalSinks;
  let clock: TestClock;
  let app: FastifyInstance;
  let base: string;
  let seeded: SeededDocuments;
  let failed: string;

  beforeAll(async () => {
    temp = await openTempStore('portal-document-link');
    const blobs = createFsBlobStore(path.join(temp.dir, 'archive'));
    seeded = await seedDocuments(temp.store.db, blobs);
    await temp.store.db
      .updateTable('communications')
      .set({ status: 'sent' })
      .where('id', 'in', [seeded.ids.C0001!.email!, seeded.ids.C0001!.sms!])
      .execute();
    // A statement e-mail that failed: not a document the customer has.
    await createRunIfAbsent(temp.store.db, {
      id: 'run_failed_statement',
      communicationType: 'monthly-statement',
      templateVersionId: 'monthly-statement@test',
      asOf: '2026-09-30',
      source: 'store:all',
      status: 'completed',
    });
    ({ communicationId: failed } = await archiveDocument(temp.store.db, blobs, {
      runId: 'run_failed_statement',
      customerId: 'C0001',
      channel: 'email',
      templateVersionId: 'monthly-statement@test',
      inputSha256: 'input',
      artifact: makeArtifact(Buffer.from('never sent'), 'message/rfc822'),
    }));
    await temp.store.db
      .updateTable('communications')
      .set({ status: 'failed' })
      .where('id', '=', failed)
      .execute();
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

  const nowSeconds = () => Math.floor(clock.now().getTime() / 1000);
  const linkFor = (customerId: string, communicationId: string, days = 60, issuedAgoSeconds = 5) =>
    `/portal/open/${signPortalLink(PORTAL_LINK_KEY, {
      customerId,
      communicationId,
      issuedAt: nowSeconds() - issuedAgoSeconds,
      expiresAt: nowSeconds() + days * 86_400,
    })}`;
  // The language links come back to the page's own path (the link): not part of the comparison.
  const refusedPage = (body: string) => body.replace(/next=[^"]*"/g, 'next="');
  const print = () => seeded.ids.C0001!.print!;

  it('opens that one document without a code: verified, its PDF, a viewed event on the timeline', async () => {
    const client = new PortalClient(base);
    const link = linkFor('C0001', print());
    const opened = await client.get(link);
    expect(opened.status).toBe(200);
    expect(opened.headers.get('referrer-policy')).toBe('no-referrer');
    expect(opened.headers.get('cache-control')).toBe('no-store');
    expect(opened.body).toContain(
      `<meta http-equiv="refresh" content="0; url=/portal/documents/${print()}">`,
    );
    const cookie = opened.setCookies.find((c) => c.startsWith('missive_portal='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/portal/);
    const page = await client.get(`/portal/documents/${print()}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('id="verified"');
    expect(page.body).toContain('id="link-scope"');
    const file = await client.get(`/portal/documents/${print()}/file`);
    expect(file.status).toBe(200);
    const sha = createHash('sha256').update(Buffer.from(file.body, 'latin1')).digest('hex');
    expect(file.headers.get('x-missive-sha256')).toBe(page.body.match(/<code id="sha256">(\w+)</)![1]);
    expect(file.body).toContain('statement for C0001');
    expect(sha).toHaveLength(64);
    const views = (await listEvents(temp.store.db, { communicationId: print() })).filter(
      (e) => e.type === 'viewed' && e.source === 'portal',
    );
    expect(views.at(-1)!.payload).toMatchObject({ via: 'link', channel: 'print' });
    const audit = await listAudit(temp.store.db, { targetId: print() });
    expect(audit.map((a) => a.action)).toContain('portal.link_opened');
  });

  it('is narrower than a signed-in session: the list, preferences, offers and other documents need a code', async () => {
    const client = new PortalClient(base);
    await client.get(linkFor('C0001', print()));
    for (const path of [
      '/portal/documents',
      '/portal/preferences',
      '/portal/offers',
      `/portal/documents/${seeded.ids.C0001!.email!}`,
      `/portal/documents/${seeded.ids.C0001!.sms!}/file`,
      `/portal/documents/${seeded.ids.C0002!.print!}`,
      '/portal/documents/com_does_not_exist',
    ]) {
      const answer = await client.get(path);
      expect({ path, status: answer.status, location: answer.location }).toEqual({
        path,
        status: 303,
        location: '/portal/sign-in',
      });
    }
    const csrf = await client.csrf(`/portal/documents/${print()}`);
    const post = await client.request(
      'POST',
      '/portal/preferences',
      { _csrf: csrf, paperless: 'on', changeId: 'x' },
      { accept: 'application/json' },
    );
    expect(post.status).toBe(401);
    // The document page offers a sign-in for the rest, not the navigation.
    const page = await client.get(`/portal/documents/${print()}`);
    expect(page.body).not.toContain('href="/portal/preferences"');
    expect(page.body).toContain('href="/portal/sign-in"');
    const session = await temp.store.db
      .selectFrom('portal_sessions')
      .select(['customer_id', 'document_id'])
      .where('document_id', 'is not', null)
      .execute();
    expect(session).toContainEqual({ customer_id: 'C0001', document_id: print() });
  });

  it('answers a tampered, expired, foreign, unsent or unknown link with one page, and no session', async () => {
    const genuine = linkFor('C0001', print());
    const [payload, mac] = genuine.slice('/portal/open/'.length).split('.') as [string, string];
    const otherKey = derivePortalLinkKey(Buffer.from('not-the-servers-tracking-key-0123456789'));
    const cases = {
      flippedMac: `/portal/open/${payload}.${mac[0] === 'A' ? 'B' : 'A'}${mac.slice(1)}`,
      swappedDocument: `/portal/open/${Buffer.from(
        Buffer.from(payload, 'base64url').toString().replace(print(), seeded.ids.C0002!.print!),
      ).toString('base64url')}.${mac}`,
      otherKey: `/portal/open/${signPortalLink(otherKey, {
        customerId: 'C0001',
        communicationId: print(),
        issuedAt: nowSeconds(),
        expiresAt: nowSeconds() + 3600,
      })}`,
      expired: linkFor('C0001', print(), -1),
      // Genuinely signed, but the document is another customer's.
      anotherCustomersDocument: linkFor('C0001', seeded.ids.C0002!.print!),
      claimsAnotherCustomer: linkFor('C0002', print()),
      notSent: linkFor('C0001', failed),
      unknown: linkFor('C0001', 'com_does_not_exist'),
      garbage: '/portal/open/not-a-link',
      oversized: `/portal/open/${'a'.repeat(3000)}.${mac}`,
    };
    const pages = new Set<string>();
    for (const [name, link] of Object.entries(cases)) {
      const client = new PortalClient(base);
      const answer = await client.get(link);
      expect({ name, status: answer.status }).toEqual({ name, status: 410 });
      expect(answer.body).toContain('id="link-invalid"');
      expect(answer.setCookies.some((c) => c.startsWith('missive_portal='))).toBe(false);
      pages.add(refusedPage(answer.body));
      const json = await client.request('GET', link, undefined, { accept: 'application/json' });
      expect(JSON.parse(json.body).error.code).toBe('MSV_PORTAL_LINK_INVALID');
    }
    // One answer for all: nothing tells which part failed or whether an id exists.
    expect(pages.size).toBe(1);
    const refused = (await listAudit(temp.store.db, { limit: 200 })).filter(
      (a) => a.action === 'portal.link_refused',
    );
    expect(refused.length).toBeGreaterThanOrEqual(Object.keys(cases).length * 2);
  });

  it('is closed by signing out: from the link session, and from a session signed in with a code', async () => {
    const client = new PortalClient(base);
    const link = linkFor('C0001', print());
    expect((await client.get(link)).status).toBe(200);
    const csrf = await client.csrf(`/portal/documents/${print()}`);
    const out = await client.post('/portal/sign-out', { _csrf: csrf });
    expect(out.location).toBe('/portal/sign-in?signedOut=1');
    expect((await client.get(`/portal/documents/${print()}`)).location).toBe('/portal/sign-in');
    // The same link, in this browser or any other, opens nothing any more.
    expect((await client.get(link)).status).toBe(410);
    expect((await new PortalClient(base).get(link)).status).toBe(410);
    // A link sent after the sign-out works.
    clock.advanceMinutes(1);
    const later = linkFor('C0001', print(), 60, 0);
    const again = new PortalClient(base);
    expect((await again.get(later)).status).toBe(200);
    expect((await again.get(`/portal/documents/${print()}`)).status).toBe(200);
    // Signing out of a full session closes it too, and ends the link sessions of that customer.
    const full = new PortalClient(base);
    await signInBySms(full, sinks, 'C0001', CANARY.phone);
    clock.advanceMinutes(1);
    await full.post('/portal/sign-out', {}, { csrfFrom: '/portal/documents' });
    expect((await again.get(`/portal/documents/${print()}`)).location).toBe('/portal/sign-in');
    expect((await new PortalClient(base).get(later)).status).toBe(410);
  });

  it('limits link openings per IP address (429 past the limit)', async () => {
    const limited = await startPortalApp({
      db: temp.store.db,
      sinks,
      clock,
      limits: { verifiesPerIpPerMinute: 3 },
    });
    try {
      const client = new PortalClient(limited.base);
      const statuses: number[] = [];
      for (let i = 0; i < 4; i += 1) statuses.push((await client.get('/portal/open/not-a-link')).status);
      expect(statuses).toEqual([410, 410, 410, 429]);
    } finally {
      await limited.app.close();
    }
  });

  it('keeps a signed-in session as it is, and a code turns a link session into a full one', async () => {
    const full = new PortalClient(base);
    await signInBySms(full, sinks, 'C0001', CANARY.phone);
    const opened = await full.get(linkFor('C0001', print(), 60, 0));
    expect(opened.status).toBe(200);
    expect(opened.setCookies.some((c) => c.startsWith('missive_portal='))).toBe(false);
    expect((await full.get('/portal/documents')).status).toBe(200);

    const client = new PortalClient(base);
    await client.get(linkFor('C0001', print(), 60, 0));
    expect((await client.get('/portal/documents')).location).toBe('/portal/sign-in');
    await signInBySms(client, sinks, 'C0001', CANARY.phone);
    expect((await client.get('/portal/documents')).status).toBe(200);
    expect((await client.get('/portal/preferences')).status).toBe(200);
  });
});
