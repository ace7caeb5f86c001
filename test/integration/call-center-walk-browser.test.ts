import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import type { BlobStore } from '../../src/archive/blob-store.ts';
import { createFsBlobStore } from '../../src/archive/fs-blob-store.ts';
import { executeRun } from '../../src/batch/execute-run.ts';
import { buildPrintStreams } from '../../src/channels/print-stream/build-print-streams.ts';
import { printStreamOptions } from '../../src/channels/print-stream/options.ts';
import { type SmtpSink, startSmtpSink } from '../../src/channels/sinks/smtp-sink.ts';
import { createSmtpChannel } from '../../src/channels/smtp.ts';
import { createLogger } from '../../src/core/logger.ts';
import type { Customer } from '../../src/core/types.ts';
import { createOnDemandService, type OnDemandService } from '../../src/on-demand/on-demand-service.ts';
import { publishCatalogDir } from '../../src/rules/publish.ts';
import { listAudit } from '../../src/store/audit.ts';
import {
  type CommunicationRecord,
  getCommunication,
  listCommunicationsForRun,
} from '../../src/store/communications.ts';
import { upsertCustomers } from '../../src/store/customers.ts';
import { publishTemplatePackage } from '../../src/templates/publish.ts';
import { seedUsers } from '../support/api.ts';
import {
  launchChromiumWithCjk,
  screenshotsDir,
  seriousViolations,
  signedInPage,
} from '../support/browser.ts';
import { channelCustomer } from '../support/channels.ts';
import { loadStatementFeeds } from '../support/statement-feeds.ts';
import { openTempStore, ROOT, type TempStore, testBatchDeps } from '../support/stores.ts';

const SAMPLES = screenshotsDir();
const AS_OF = '2026-10-31';
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function until<T>(what: () => Promise<T | undefined> | T | undefined, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await what();
    if (value) return value;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** What the agent types in one language's walk. */
interface Walk {
  lang: 'en-GB' | 'zh-CN';
  /** Suffix of the screenshots' names. */
  tag: 'en' | 'zh';
  customer: Customer;
  resendReason: string;
  reprintReason: string;
  optOutReason: string;
  note: string;
  subject: string;
  body: string;
  letterReason: string;
}

// Bank traits, so the marketing run of the bank catalog decides for them like for any bank customer.
const TRAITS = {
  age: 41,
  job: 'management',
  marital: 'married',
  education: 'tertiary',
  hasCreditDefault: false,
  balance: 4200,
  hasHousingLoan: true,
  hasPersonalLoan: false,
};

const WALKS: Walk[] = [
  {
    lang: 'en-GB',
    tag: 'en',
    customer: channelCustomer(41, {
      name: 'Jane Smith',
      phone: '+447700900417',
      eDelivery: false,
      traits: TRAITS,
    }),
    resendReason: 'statement lost in the post',
    reprintReason: 'letter arrived torn',
    optOutReason: 'asked not to receive offers',
    note: 'Called about the October statement; copy e-mailed and re-posted.',
    subject: 'Your October statement',
    body: 'Thank you for calling us today.\n\nAs agreed, we have sent your statement again.',
    letterReason: 'customer asked for written confirmation',
  },
  {
    lang: 'zh-CN',
    tag: 'zh',
    customer: channelCustomer(42, {
      name: '罗海燕',
      locale: 'zh-CN',
      phone: '+8613800138862',
      eDelivery: false,
      traits: TRAITS,
    }),
    resendReason: '客户没有收到对账单',
    reprintReason: '信件在邮寄途中损坏',
    optOutReason: '客户要求不再接收推广信息',
    note: '客户来电询问十月对账单，已重新发送电子邮件并补寄纸质件。',
    subject: '十月对账单补发确认',
    body: '感谢您今天致电。\n\n我们已按约定重新发送您的对账单。',
    letterReason: '客户要求书面确认',
  },
];

/**
 * Issue 19's acceptance, walked as an agent would during a live call, in Debian's Chromium, in
 * en-GB and again in zh-CN: sign in, find the customer by the last four digits of the phone (one hit
 * opens the customer), resend the printed statement by e-mail (the SMTP sink receives the PDF with
 * the archive's sha256), re-print it (the next print file's manifest lists it with the reprint flag),
 * record do-not-contact with a reason (the next cross-sell-promotion run of the bank catalog
 * suppresses the customer with that rule), write a call note with its outcome, and send an ad-hoc
 * letter by e-mail; the customer's timeline then shows each step and the admin's audit log lists each
 * with the agent and the reason. Each step's screen goes to docs/samples (call-center-walk-…).
 */
describe('call-center walk in the browser (issue 19 acceptance)', () => {
  let temp: TempStore;
  let blobs: BlobStore;
  let sink: SmtpSink;
  let email: ReturnType<typeof createSmtpChannel> | undefined;
  let service: OnDemandService;
  let app: FastifyInstance;
  let base: string;
  let browser: Browser;
  let launching: Promise<Browser> | undefined;
  const statements = new Map<string, string>();

  beforeAll(async () => {
    temp = await openTempStore('call-center-walk');
    // Chromium starts while the store, the server and the statements are made.
    launching = launchChromiumWithCjk(temp.dir);
    launching.catch(() => {}); // awaited below; a set-up failure before that must not leave it unhandled
    blobs = createFsBlobStore(path.join(temp.dir, 'archive'));
    sink = await startSmtpSink();
    await publishCatalogDir(temp.store.db, path.join(ROOT, 'catalogs', 'bank'), AS_OF);
    const customers = WALKS.map((w) => w.customer);
    await upsertCustomers(temp.store.db, customers);
    await loadStatementFeeds(temp.store.db, customers, AS_OF);
    for (const name of ['monthly-statement', 'general-letter', 'cross-sell-promotion'])
      await publishTemplatePackage(temp.store.db, path.join(ROOT, 'templates', name));
    await seedUsers(temp.store.db);
    email = createSmtpChannel({
      url: sink.url,
      from: 'Missive Bank <service@bank.test>',
      messageIdDomain: 'bank.test',
      publicUrl: 'https://missive.test',
      ratePerSecond: 1_000,
    });
    service = createOnDemandService({
      db: temp.store.db,
      blobs,
      logger: createLogger('silent'),
      channels: { email },
      maxSendDelayMs: 100,
    });
    // With the data sources, so the customer page shows the holdings from the loaded feeds beside the timeline.
    app = buildApp({
      db: temp.store.db,
      blobs,
      onDemand: service,
      logger: createLogger('silent'),
      datasourcesDir: path.join(ROOT, 'datasources'),
    });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    // The statement each customer holds, on paper (from the loaded feeds).
    for (const customer of customers) {
      const made = await service.communicate('test', {
        type: 'monthly-statement',
        customerId: customer.id,
        channel: 'print',
        idempotencyKey: `walk-statement-${customer.id}`,
      });
      expect(made.communication.status).toBe('archived');
      statements.set(customer.id, made.communication.id);
    }
    browser = await launching;
    fs.mkdirSync(SAMPLES, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    // Also a browser launched for a set-up that failed before it was needed.
    await (browser ?? (await launching?.catch(() => undefined)))?.close();
    await app?.close();
    await service?.close();
    // Its pooled connection closed first: the sink's close waits for its clients to hang up (30 s).
    await email?.close?.();
    await sink?.close();
    await temp?.close();
  });

  const shot = (page: Page, step: string, tag: string) =>
    page.screenshot({ path: path.join(SAMPLES, `call-center-walk-${step}-${tag}.png`), fullPage: true });

  it.each(WALKS)(
    'an agent walks the call in $lang',
    async (walk) => {
      const { customer, tag } = walk;
      const statementId = statements.get(customer.id)!;
      const customerUrl = `${base}/ui/customers/${customer.id}`;
      const agent = await signedInPage(browser, base, 'agent1', { height: 900, landing: /\/ui\/search/ });
      if (walk.lang === 'zh-CN') {
        await Promise.all([agent.waitForURL(/\/ui\/search/), agent.click('a[lang="zh-CN"]')]);
        expect(await agent.locator('html').getAttribute('lang')).toBe('zh-CN');
      }

      // 1. The last four digits of the phone: the single hit opens the customer.
      await agent.fill('input[name=q]', customer.phone!.slice(-4));
      await Promise.all([
        agent.waitForURL(new RegExp(`/ui/customers/${customer.id}$`)),
        agent.click('form[role=search] button[type=submit]'),
      ]);
      expect(await agent.textContent('#customer-id')).toBe(customer.id);
      expect(await agent.textContent('section.card h2')).toBe(customer.name);
      expect(await agent.locator('#holdings').count()).toBe(1);
      expect(await seriousViolations(agent)).toEqual([]);
      await shot(agent, '1-found', tag);

      // 2. Resend the statement by e-mail to the address on file.
      await Promise.all([
        agent.waitForURL(/\/communications\/[^/?]+$/),
        agent.click(`#timeline tr[data-id="${statementId}"] a`),
      ]);
      const original = (await getCommunication(temp.store.db, statementId))!;
      await agent.fill('#resend input[name=reason]', walk.resendReason);
      await Promise.all([agent.waitForURL(/copied=resend/), agent.click('#resend button[type=submit]')]);
      expect(await agent.isVisible('#copied')).toBe(true);
      await service.idle();
      const mail = await until(() => sink.messages.find((m) => m.envelope.to.includes(customer.email!)));
      const pdf = mail.parsed!.attachments.find((a) => a.contentType === 'application/pdf')!;
      expect(sha256(pdf.content)).toBe(original.artifactSha256);
      expect(await seriousViolations(agent)).toEqual([]);
      await shot(agent, '2-resent', tag);

      // 3. Re-print it: it waits for the next print file.
      await agent.fill('#reprint input[name=reason]', walk.reprintReason);
      await Promise.all([agent.waitForURL(/copied=reprint/), agent.click('#reprint button[type=submit]')]);
      expect(await agent.isVisible('#copied')).toBe(true);
      await shot(agent, '3-reprinted', tag);

      // 4. Do not contact, with the customer's reason.
      await agent.goto(customerUrl);
      await agent.check('#preferences input[name=doNotContact]');
      await agent.fill('#preferences input[name=reason]', walk.optOutReason);
      await Promise.all([
        agent.waitForURL(new RegExp(`/ui/customers/${customer.id}`)),
        agent.click('#preferences button[type=submit]'),
      ]);
      expect(await agent.locator('#timeline tr[data-type="do-not-contact"]').textContent()).toContain(
        walk.optOutReason,
      );
      await shot(agent, '4-opted-out', tag);

      // 5. A call note with its outcome.
      await agent.fill('#call-note textarea[name=text]', walk.note);
      await agent.selectOption('#call-note select[name=outcome]', 'resolved');
      await Promise.all([
        agent.waitForURL(new RegExp(`/ui/customers/${customer.id}`)),
        agent.click('#call-note button[type=submit]'),
      ]);
      expect(await agent.locator('#timeline tr[data-type="call-note"]').textContent()).toContain(walk.note);
      await shot(agent, '5-noted', tag);

      // 6. An ad-hoc letter, sent by e-mail.
      await Promise.all([agent.waitForURL(/\/letters\/new$/), agent.click('#new-letter')]);
      await agent.fill('input[name=section_subject]', walk.subject);
      await agent.fill('textarea[name=section_body]', walk.body);
      await agent.selectOption('select[name=section_closing]', 'confirmation');
      await agent.check('#letter input[name=channel][value=email]');
      await agent.fill('#letter input[name=reason]', walk.letterReason);
      expect(await seriousViolations(agent)).toEqual([]);
      await shot(agent, '6-letter', tag);
      sink.clear();
      await Promise.all([agent.waitForURL(/\/communications\/[^/?]+$/), agent.click('#letter-send')]);
      const letterId = agent.url().split('/').pop()!;
      await service.idle();
      const letter = (await getCommunication(temp.store.db, letterId))!;
      expect(letter).toMatchObject({ channel: 'email', customerId: customer.id });
      const letterMail = await until(() =>
        sink.messages.find((m) => m.envelope.to.includes(customer.email!)),
      );
      const letterPdf = letterMail.parsed!.attachments.find((a) => a.contentType === 'application/pdf')!;
      expect(letterPdf).toBeDefined();

      // 7. The timeline shows each step.
      await agent.goto(customerUrl);
      const timeline = agent.locator('#timeline');
      for (const type of ['agent-resend', 'agent-reprint', 'do-not-contact', 'call-note', 'agent-letter']) {
        const row = timeline.locator(`tr[data-type="${type}"]`);
        expect(await row.count(), type).toBeGreaterThan(0);
        expect(await row.first().textContent(), type).toContain('agent1');
      }
      expect(await timeline.locator(`tr[data-id="${letterId}"]`).count()).toBe(1);
      // The copies' rows name their original in the agent's language, linked.
      for (const kind of ['resend', 'reprint']) {
        const copyOf = timeline.locator(`.copy-of[data-kind="${kind}"]`);
        expect(await copyOf.count(), kind).toBe(1);
        expect(await copyOf.locator('a').textContent()).toBe(`#${statementId}`);
      }
      expect(await timeline.textContent()).not.toContain('reprint of');
      if (walk.lang === 'zh-CN') expect(await timeline.textContent()).toContain('重印件，原件');
      expect(await timeline.textContent()).toContain(walk.resendReason);
      expect(await timeline.textContent()).toContain(walk.reprintReason);
      expect(await timeline.textContent()).toContain(walk.letterReason);
      expect(await seriousViolations(agent)).toEqual([]);
      await timeline.screenshot({ path: path.join(SAMPLES, `call-center-walk-7-timeline-${tag}.png`) });

      // 8. The audit log (an admin's page) lists each, with the agent and the reason.
      const admin = await signedInPage(browser, base, 'admin1', { height: 900, landing: /\/ui\/search/ });
      if (walk.lang === 'zh-CN') {
        await Promise.all([admin.waitForURL(/\/ui\/search/), admin.click('a[lang="zh-CN"]')]);
      }
      await Promise.all([admin.waitForURL(/\/ui\/admin\/audit/), admin.click('a[href="/ui/admin/audit"]')]);
      const rows = admin.locator('#audit tbody tr');
      const audited = async (action: string, target: string, reason?: string) => {
        const row = rows.filter({ hasText: action }).filter({ hasText: target });
        expect(await row.count(), action).toBeGreaterThan(0);
        const text = (await row.first().textContent()) ?? '';
        expect(text, action).toContain('agent1');
        if (reason) expect(text, action).toContain(reason);
      };
      await audited('communication.resend', statementId, walk.resendReason);
      await audited('communication.reprint', statementId, walk.reprintReason);
      await audited('customer.preferences', customer.id, walk.optOutReason);
      await audited('customer.note', customer.id, 'resolved');
      await audited('communication.letter', letterId, walk.letterReason);
      // The newest rows (the page lists every read too): the first screen.
      await admin.screenshot({ path: path.join(SAMPLES, `call-center-walk-8-audit-${tag}.png`) });
      await admin.context().close();
      await agent.context().close();
    },
    60_000,
  );

  it("the next print file lists each re-print with the reprint flag and its original's id", async () => {
    // The re-prints are queued in the on-demand run of the day: its next print file.
    const audit = await listAudit(temp.store.db, { limit: 500 });
    const reprinted = audit.filter((a) => a.action === 'communication.reprint');
    expect(reprinted).toHaveLength(WALKS.length);
    const runIds = [...new Set(reprinted.map((a) => (a.details as { runId: string }).runId))];
    const rows: string[][] = [];
    let column = (_name: string) => -1;
    for (const runId of runIds) {
      const outcome = await buildPrintStreams(
        { db: temp.store.db, blobs, logger: createLogger('silent') },
        { runId, options: printStreamOptions({}), outDir: path.join(temp.dir, 'print', runId) },
      );
      const [header, ...lines] = fs.readFileSync(outcome.manifests.csv, 'utf8').trim().split('\r\n');
      column = (name: string) => header!.split(',').indexOf(name);
      rows.push(...lines.map((l) => l.split(',')));
    }
    for (const walk of WALKS) {
      const statementId = statements.get(walk.customer.id)!;
      const original = (await getCommunication(temp.store.db, statementId))!;
      const reprints = rows.filter(
        (c) => c[column('reprint')] === '1' && c[column('reprint_of')] === statementId,
      );
      expect(reprints, walk.lang).toHaveLength(1);
      expect(reprints[0]![column('document_sha256')]).toBe(original.artifactSha256);
    }
  });

  it('the next marketing run (cross-sell-promotion, bank catalog) suppresses both customers: do not contact', async () => {
    const batch = testBatchDeps(temp.store, temp.dir, { chunkSize: 10, concurrency: 1 });
    let rows: CommunicationRecord[];
    try {
      const version = await publishTemplatePackage(
        temp.store.db,
        path.join(ROOT, 'templates', 'cross-sell-promotion'),
      );
      const outcome = await executeRun(batch.deps, {
        communicationType: 'cross-sell-promotion',
        templateVersionId: version.id,
        asOf: AS_OF,
        source: 'store:all',
      });
      rows = await listCommunicationsForRun(temp.store.db, outcome.runId);
    } finally {
      await batch.close();
    }
    for (const walk of WALKS) {
      const row = rows.find((r) => r.customerId === walk.customer.id);
      expect(row, walk.customer.id).toMatchObject({
        status: 'suppressed',
        reason: expect.stringMatching(/^do-not-contact: /),
      });
    }
  }, 60_000);
});
