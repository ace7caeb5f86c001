import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brandForType } from '../../src/archive/index.ts';
import { executeRun } from '../../src/batch/execute-run.ts';
import { type SmtpSink, startSmtpSink } from '../../src/channels/sinks/smtp-sink.ts';
import { startTwilioSink, type TwilioSink } from '../../src/channels/sinks/twilio-sink.ts';
import { createSmtpChannel } from '../../src/channels/smtp.ts';
import { createTwilioChannel } from '../../src/channels/twilio.ts';
import { renderForChannel } from '../../src/render/heavy.ts';
import { decodeEmail } from '../../src/render/index.ts';
import { publishCatalogDir } from '../../src/rules/publish.ts';
import { upsertCustomers } from '../../src/store/customers.ts';
import type { DocumentData } from '../../src/templates/index.ts';
import { loadPublishedTemplate } from '../../src/templates/load-published.ts';
import { publishTemplatePackage } from '../../src/templates/publish.ts';
import { seriousViolations } from '../support/browser.ts';
import { channelCustomer } from '../support/channels.ts';
import { daytimeZone } from '../support/daytime-zone.ts';
import { HUMAN, receivedEmail } from '../support/received-messages.ts';
import { ROOT, TEST_TRACKING_KEY } from '../support/stores.ts';
import {
  newDraftFrom,
  openStudioBrowser,
  type StudioBrowser,
  submitAndApprove,
} from '../support/studio-browser.ts';

const HEADLINE = { 'en-GB': 'A savings rate worth a look', 'zh-CN': '值得一看的储蓄利率' };
const LABEL = { 'en-GB': 'Open a saver today', 'zh-CN': '立即开立储蓄账户' };
const TARGET = 'https://bank.example/savers/open?from=email';
/** What an mj-divider renders to (a `<p>` with a top border): absent once the divider is removed. */
const DIVIDER_HTML = /border-top:\s*solid\s+\d+px/;

/** The cross-sell promotion as shipped, with a divider under its heading (the one the marketer removes). */
function packageWithDivider(dir: string): string {
  const target = path.join(dir, 'cross-sell-promotion');
  fs.cpSync(path.join(ROOT, 'templates', 'cross-sell-promotion'), target, { recursive: true });
  const file = path.join(target, 'email.mjml');
  const heading = /( *)(<mj-text[^\n]*\{\{t 'email.heading'\}\}<\/mj-text>\n)/;
  const mjml = fs.readFileSync(file, 'utf8');
  expect(mjml).toMatch(heading);
  fs.writeFileSync(
    file,
    mjml.replace(heading, '$1$2$1<mj-divider border-width="2px" border-color="{{@brand.colors.muted}}" />\n'),
  );
  return target;
}

/** Chooses the block in the outline that shows a string (its id is on the list item). */
async function choose(page: Page, key: string): Promise<void> {
  await Promise.all([page.waitForURL(/block=/), page.click(`#email-outline li[data-keys~="${key}"] a`)]);
}

async function post(page: Page, click: Promise<void>): Promise<void> {
  await Promise.all([page.waitForURL(/email-designer\?.*done=/), click]);
}

/** The text of a preview frame (its document, sandboxed and script-free, read over CDP). */
async function frameText(page: Page, id: string): Promise<string> {
  const handle = await page.locator(`#${id}`).elementHandle();
  const frame = await handle?.contentFrame();
  return (await frame?.textContent('body')) ?? '';
}

/**
 * Issue 21 item 5 in Debian's Chromium, designer forms only (no code view): a marketer opens the
 * cross-sell promotion's e-mail designer, changes the heading in both languages, removes the divider,
 * adds a button with a label in both languages and a link, sees both previews, and submits; an admin
 * approves; a campaign run of the published version sends through the real SMTP sink, and the e-mail
 * that arrives shows the new heading, the button behind a tracked link (followed: it leads to the
 * button's link) and no divider.
 */
describe('studio e-mail designer in Chromium', () => {
  let studio: StudioBrowser;
  let smtp: SmtpSink;
  let twilio: TwilioSink;
  let firstVersion: string;
  const shots = process.env.MISSIVE_UI_SCREENSHOTS;

  beforeAll(async () => {
    studio = await openStudioBrowser('studio-email-ui', {
      trackingKey: TEST_TRACKING_KEY,
      height: 1100,
      cjk: true,
    });
    smtp = await startSmtpSink();
    twilio = await startTwilioSink(); // the campaign may send by SMS too; these customers have e-mail
    const db = studio.temp.store.db;
    firstVersion = (await publishTemplatePackage(db, packageWithDivider(studio.temp.dir))).id;
    await publishCatalogDir(db, path.join(ROOT, 'catalogs', 'bank'), '2026-10-31');
    // Savers the bank's savings offers are for; one reads Chinese. Midday in their zone (quiet hours).
    const traits = {
      age: 40,
      balance: 2500,
      hasCreditDefault: false,
      subscribedTermDeposit: false,
      job: 'management',
    };
    const timeZone = daytimeZone();
    await upsertCustomers(
      db,
      [1, 2, 3].map((i) => channelCustomer(i, { traits, timeZone, ...(i === 3 ? { locale: 'zh-CN' } : {}) })),
    );
  }, 120_000);

  afterAll(async () => {
    await studio?.batch.deps.channels?.email?.close?.();
    await studio?.batch.deps.channels?.sms?.close?.();
    await smtp?.close();
    await twilio?.close();
    await studio?.close();
  });

  it('marketer edits heading, divider and button on the designer; the published e-mail sent by a run shows them', async () => {
    const { base } = studio;
    const errors: string[] = [];
    const page = await studio.signedIn('marketer1');
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    const draftUrl = await newDraftFrom(page, base, firstVersion);
    await Promise.all([page.waitForURL(/\/email-designer/), page.click('#email-designer-link')]);
    expect(await page.locator('#email-outline li[data-kind="section"]').count()).toBe(4);

    // The heading: its string in both languages side by side.
    await choose(page, 'email.heading');
    const heading = page.locator('form[id^="text-form-email-heading"]');
    await heading.locator('textarea[name="text.en-GB"]').fill(HEADLINE['en-GB']);
    await heading.locator('textarea[name="text.zh-CN"]').fill(HEADLINE['zh-CN']);
    await post(page, heading.locator('button[type=submit]').click());
    expect(await page.textContent('#email-message')).toBe('Saved');

    // The divider under it: removed.
    await Promise.all([page.waitForURL(/block=/), page.click('#email-outline li[data-kind="divider"] a')]);
    await post(page, page.click('#remove-block'));
    expect(await page.locator('#email-outline li[data-kind="divider"]').count()).toBe(0);

    // A button after the body text: label in both languages, a link.
    await choose(page, 'email.body');
    await page.click('#add-block summary');
    await page.fill('#add-button input[name=url]', TARGET);
    await page.fill('#add-button textarea[name="text.en-GB"]', LABEL['en-GB']);
    await page.fill('#add-button textarea[name="text.zh-CN"]', LABEL['zh-CN']);
    await post(page, page.click('#add-button-button'));
    expect(await page.getAttribute('#email-outline li.chosen', 'data-kind')).toBe('button');
    expect(await page.inputValue('#button-form input[name=url]')).toBe(TARGET);

    // Both previews show the change: mobile 375 px and desktop 600 px side by side.
    const mobile = await page.locator('#email-mobile').boundingBox();
    const desktop = await page.locator('#email-desktop').boundingBox();
    expect(Math.round(mobile?.width ?? 0)).toBe(375);
    expect(desktop?.width ?? 0).toBeGreaterThanOrEqual(600);
    expect(Math.abs((mobile?.y ?? 0) - (desktop?.y ?? 1))).toBeLessThan(2);
    await expect.poll(() => frameText(page, 'email-mobile')).toContain(HEADLINE['en-GB']);
    expect(await frameText(page, 'email-desktop')).toContain(LABEL['en-GB']);
    if (shots) await page.screenshot({ path: `${shots}/studio-email-designer.png`, fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);

    // A stored customer's data instead of the sample: the Chinese-reading saver, in zh-CN.
    await page.selectOption('select[name=locale]', 'zh-CN');
    await page.fill('input[name=customerId]', 'cust-00003');
    await Promise.all([
      page.waitForURL(/customerId=cust-00003/),
      page.click('form.search button[type=submit]'),
    ]);
    await expect.poll(() => frameText(page, 'email-mobile')).toContain(HEADLINE['zh-CN']);
    expect(await frameText(page, 'email-desktop')).toContain('Customer 00003');
    if (shots)
      await page.screenshot({ path: `${shots}/studio-email-designer-zh-customer.png`, fullPage: true });

    const admin = await studio.signedIn('admin1');
    const published = await submitAndApprove(page, admin, draftUrl);
    expect(published).not.toBe(firstVersion);
    expect(errors).toEqual([]);

    await sendAndCheck(published);
  }, 180_000);

  /** A campaign run of the published version through the SMTP sink; what arrived shows the edits. */
  async function sendAndCheck(published: string): Promise<void> {
    const { batch, base } = studio;
    batch.deps.tracking = { baseUrl: base, ttlDays: 30, key: () => TEST_TRACKING_KEY };
    batch.deps.channels = {
      email: createSmtpChannel({
        url: smtp.url,
        from: 'bank@bank.test',
        messageIdDomain: 'bank.test',
        publicUrl: base,
      }),
      sms: createTwilioChannel({
        accountSid: twilio.accountSid,
        authToken: twilio.authToken,
        from: '+15005550006',
        apiBase: twilio.url,
        publicUrl: base,
      }),
    };
    batch.deps.dispatchRates = { email: 100, sms: 100 };
    // The version the marketer started from had the divider: the check below means something.
    const before = await loadPublishedTemplate(studio.temp.store.db, firstVersion);
    const sample = JSON.parse(before.files['sample-data.json'] ?? '{}') as DocumentData;
    const brand = await brandForType(studio.temp.store.db, 'cross-sell-promotion');
    const old = await renderForChannel(before.template, 'email', sample, {
      asOf: '2026-10-31',
      locale: 'en-GB',
      brand,
    });
    expect(decodeEmail(old.artifact.bytes).html).toMatch(DIVIDER_HTML);
    await executeRun(batch.deps, {
      communicationType: 'cross-sell-promotion',
      templateVersionId: published,
      asOf: '2026-10-31',
      source: 'store:all',
    });
    // Three savers with e-mail: three e-mails, one of them in Chinese.
    expect(smtp.messages.length).toBe(3);
    expect(smtp.messages.map((m) => receivedEmail(m).lang).sort()).toEqual(['en-GB', 'en-GB', 'zh-CN']);
    for (const mail of smtp.messages) {
      const received = receivedEmail(mail);
      const zh = received.lang === 'zh-CN';
      const html = typeof mail.parsed?.html === 'string' ? mail.parsed.html : '';
      expect(received.text).toContain(zh ? HEADLINE['zh-CN'] : HEADLINE['en-GB']);
      expect(received.text).toContain(zh ? LABEL['zh-CN'] : LABEL['en-GB']);
      expect(html).not.toMatch(DIVIDER_HTML);
      expect(received.links.join(' ')).not.toContain(TARGET);
      // The button's link is a tracked one: following it leads to the link the marketer typed.
      const targets: string[] = [];
      for (const link of received.links.filter((l) => l.startsWith(`${base}/t/`))) {
        const res = await fetch(link, { redirect: 'manual', headers: { 'user-agent': HUMAN } });
        targets.push(res.headers.get('location') ?? '');
      }
      expect(targets).toContain(TARGET);
    }
  }
});
