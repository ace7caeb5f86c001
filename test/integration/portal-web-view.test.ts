import { createHash } from 'node:crypto';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTemplateCache } from '../../src/batch/template-cache.ts';
import type { Customer } from '../../src/core/types.ts';
import { documentWebView } from '../../src/portal/web-view.ts';
import { listAttachments } from '../../src/store/communication-attachments.ts';
import { type CommunicationRecord, transitionCommunicationStatus } from '../../src/store/communications.ts';
import { runBankStatements } from '../support/bank-statement-run.ts';
import { launchChromium, screenshotsDir, seriousViolations } from '../support/browser.ts';
import {
  PortalClient,
  type PortalSinks,
  signInBySms,
  startPortalApp,
  startPortalSinks,
  testClock,
} from '../support/portal.ts';
import { openTempStore, type TempStore, type testBatchDeps } from '../support/stores.ts';

/**
 * Issue 20, e-presentment: a statement made by a real run opens in the portal as a web page built
 * from its sealed inputs (the template's web.hbs, the document's language and brand), with the PDF
 * one tap away — the printed one, or the one the e-mail carried, verified by sha256.
 */
describe('portal: a statement as a web page', () => {
  let temp: TempStore;
  let rows: CommunicationRecord[];
  let customers: Customer[];
  let deps: ReturnType<typeof testBatchDeps>['deps'];
  let sinks: PortalSinks;
  let app: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    temp = await openTempStore('portal-web-view');
    const { store } = temp;
    ({ customers, rows, deps } = await runBankStatements(temp));
    // The e-mails went out (no dispatch stage runs here): the portal lists what was received.
    for (const row of rows.filter((r) => r.channel === 'email' && r.status === 'archived')) {
      await transitionCommunicationStatus(store.db, row.id, { from: ['archived'], to: 'sent' });
    }
    sinks = await startPortalSinks();
    ({ app, base } = await startPortalApp({ db: store.db, blobs: deps.blobs, sinks, clock: testClock() }));
  }, 240_000);

  afterAll(async () => {
    await app?.close();
    await sinks?.close();
    await temp?.close();
  });

  const signedIn = async (customer: Customer) => {
    const client = new PortalClient(base);
    await signInBySms(client, sinks, customer.id, customer.phone!);
    return client;
  };
  const customerOf = (row: CommunicationRecord) => customers.find((c) => c.id === row.customerId)!;

  it('renders the web view from the sealed inputs, in the document language, values escaped', async () => {
    const templates = createTemplateCache(temp.store.db);
    const printed = rows.filter((r) => r.channel === 'print' && r.status === 'archived');
    expect(printed.length).toBeGreaterThan(0);
    for (const row of printed.slice(0, 4)) {
      const view = (await documentWebView({ db: temp.store.db, blobs: deps.blobs, templates }, row.id))!;
      expect(view.locale).toBe(customerOf(row).locale);
      expect(view.html).toContain(view.locale === 'zh-CN' ? '期末余额' : 'Closing balance');
      expect(view.html).not.toMatch(/<script|\son\w+=/i);
    }
  });

  it('shows a printed statement as a page with its PDF one tap away (same sha256)', async () => {
    const row = rows.find((r) => r.channel === 'print' && r.status === 'archived' && customerOf(r).phone)!;
    const client = await signedIn(customerOf(row));
    const page = await client.get(`/portal/documents/${row.id}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('id="web-view"');
    expect(page.body).toMatch(/class="ev-table"/);
    expect(page.body).toContain(`href="/portal/documents/${row.id}/file"`);
    const pdf = await fetch(`${base}/portal/documents/${row.id}/file`, {
      headers: { cookie: client.cookieHeader() },
    });
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(row.artifactSha256);
  });

  it('shows an e-mailed statement as a page, the PDF the e-mail carried one tap away', async () => {
    const row = rows.find((r) => r.channel === 'email' && customerOf(r).phone)!;
    expect(row).toBeDefined();
    const client = await signedIn(customerOf(row));
    const page = await client.get(`/portal/documents/${row.id}`);
    expect(page.body).toContain('id="web-view"');
    expect(page.body).toContain(`href="/portal/documents/${row.id}/attachment"`);
    expect(page.body).toContain('id="show-email"');
    const [carried] = await listAttachments(temp.store.db, row.id);
    const pdf = await fetch(`${base}/portal/documents/${row.id}/attachment`, {
      headers: { cookie: client.cookieHeader() },
    });
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(carried!.sha256);
    // Another customer's e-mail: the same 404 as a missing one.
    const other = rows.find((r) => r.channel === 'email' && r.customerId !== row.customerId);
    if (other) {
      const denied = await fetch(`${base}/portal/documents/${other.id}/attachment`, {
        headers: { cookie: client.cookieHeader() },
      });
      expect(denied.status).toBe(404);
    }
  });

  it('in Chromium at 375 px: rows become cards with their column labels; nothing serious for axe', async () => {
    const row = rows.find(
      (r) =>
        r.channel === 'print' &&
        r.status === 'archived' &&
        customerOf(r).phone &&
        customerOf(r).locale === 'en-GB',
    )!;
    const client = await signedIn(customerOf(row));
    const browser = await launchChromium();
    try {
      const context = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: 'en-GB' });
      await context.addCookies(
        client
          .cookieHeader()
          .split('; ')
          .map((pair) => {
            const at = pair.indexOf('=');
            return { name: pair.slice(0, at), value: pair.slice(at + 1), url: base };
          }),
      );
      const page = await context.newPage();
      await page.goto(`${base}/portal/documents/${row.id}`);
      await page.waitForSelector('#web-view table.ev-table');
      // Phones: the header row is off-screen and every cell says its column (data-label).
      const headerLeft = await page.evaluate<number>(
        "document.querySelector('#web-view thead').getBoundingClientRect().left",
      );
      expect(headerLeft).toBeLessThan(-1000);
      const label = await page.evaluate<string>(
        "getComputedStyle(document.querySelector('#web-view tbody td'), '::before').content",
      );
      expect(label).toBe('"Date"');
      expect(await seriousViolations(page)).toEqual([]);
      await page.screenshot({
        path: path.join(screenshotsDir(), 'portal-statement-web-375.png'),
        fullPage: true,
      });
    } finally {
      await browser.close();
    }
  });

  it('refuses a document whose sealed inputs were altered', async () => {
    const row = rows.find((r) => r.channel === 'print' && r.status === 'archived' && customerOf(r).phone)!;
    await sql`update communication_inputs set input_sha256 = ${'0'.repeat(64)} where communication_id = ${row.id}`.execute(
      temp.store.db,
    );
    const client = await signedIn(customerOf(row));
    const page = await client.get(`/portal/documents/${row.id}`);
    expect(page.status).toBe(409);
    expect(page.body).toContain('id="tampered"');
    expect(page.body).not.toContain('id="web-view"');
  });
});
