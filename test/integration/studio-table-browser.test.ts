import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentData } from '../../src/templates/index.ts';
import { seriousViolations } from '../support/browser.ts';
import {
  canvasImagesLoaded,
  newDraftFrom,
  openStudioBrowser,
  publishedPdfText,
  type StudioBrowser,
  submitAndApprove,
} from '../support/studio-browser.ts';

/** body[4] of the monthly statement: the transactions table. */
const TABLE = 'body[4]';
const TABLE_IN_URL = /block=body%5B4%5D/;
const MONEY = /[£¥]\s?-?[\d,]+\.\d\d/;

/** Follows a form post back to the canvas. */
async function posting(page: Page, click: Promise<void>): Promise<void> {
  await Promise.all([page.waitForURL(/\/canvas\?/), click]);
}

/** The sample statement with its transactions four times over: the table runs over pages, with carry lines. */
function longStatement(sample: DocumentData): DocumentData {
  const rows = (sample as { transactions: DocumentData[] }).transactions;
  return { ...sample, transactions: [...rows, ...rows, ...rows, ...rows] };
}

/** A published statement's table header lines (one per page) and its whole text (pdftotext -layout). */
async function printed(studio: StudioBrowser, version: string, locale: string, description: string) {
  const text = await publishedPdfText(studio.temp, version, locale, { layout: true, data: longStatement });
  return { text, headers: text.split('\n').filter((l) => l.includes(description)) };
}

/**
 * Issue 21 item 1 "remove a table column", in Debian's Chromium, canvas and forms only (no code view):
 * a marketer opens the monthly statement's canvas, clicks the transactions table, removes the balance
 * column (the one its carried-forward lines are drawn in), sees where those lines went, and submits; an
 * admin approves; the published version's PDF (pdftotext) has no Balance header and its carried- and
 * brought-forward lines still carry an amount, in en-GB and in zh-CN. Item 2: variable chips and a
 * contract field inserted into the chosen locale's text.
 */
describe('studio canvas in Chromium: remove a table column', () => {
  let studio: StudioBrowser;
  const shots = process.env.MISSIVE_UI_SCREENSHOTS;

  beforeAll(async () => {
    studio = await openStudioBrowser('studio-table-ui');
  }, 120_000);

  afterAll(async () => {
    await studio?.close();
  });

  it('marketer removes the carry column; the carry lines move; the published PDF has no Balance in either locale', async () => {
    const { base, firstVersion } = studio;
    const errors: string[] = [];
    const page = await studio.signedIn('marketer1');
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    const draftUrl = await newDraftFrom(page, base, firstVersion);
    await Promise.all([page.waitForURL(/\/canvas/), page.click('#canvas-link')]);

    // The table on the page; its form lists the columns with their headers in both locales.
    await Promise.all([page.waitForURL(TABLE_IN_URL), page.click(`.block-box[data-path="${TABLE}"]`)]);
    const columns = () =>
      page.locator('#table-form fieldset').evaluateAll((f) => f.map((e) => e.getAttribute('data-column')));
    expect(await columns()).toEqual(['date', 'description', 'paidOut', 'paidIn', 'balance']);
    expect(await page.inputValue('input[name="header.balance.en-GB"]')).toBe('Balance');
    expect(await page.inputValue('input[name="header.balance.zh-CN"]')).toBe('余额');
    expect(await page.inputValue('input[name="width.balance"]')).toBe('30mm');
    expect(await page.textContent('fieldset[data-column="balance"] legend')).toContain('carried-forward');
    await expect.poll(() => canvasImagesLoaded(page)).toBe(true);
    if (shots) {
      await page.locator('#table-form').scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${shots}/studio-table-form.png`, fullPage: false });
    }
    expect(await seriousViolations(page)).toEqual([]);

    // Too wide: refused with the reason, nothing saved.
    await page.fill('input[name="width.description"]', '120mm');
    await posting(page, page.click('#save-columns'));
    expect(await page.textContent('#canvas-message')).toContain("wider than the page's text width");
    expect(await columns()).toEqual(['date', 'description', 'paidOut', 'paidIn', 'balance']);
    expect(await page.inputValue('input[name="width.description"]')).toBe('*');
    // The refusal is answered 400 with the canvas and its reason: the console's only error so far.
    expect(errors).toEqual([
      'Failed to load resource: the server responded with a status of 400 (Bad Request)',
    ]);
    errors.length = 0;

    await posting(page, page.click('fieldset[data-column="balance"] button[value="remove:balance"]'));
    expect(await columns()).toEqual(['date', 'description', 'paidOut', 'paidIn']);
    expect(await page.textContent('#canvas-message')).toBe('Column removed');
    const notice = (await page.textContent('#table-notice')) ?? '';
    expect(notice).toContain('“balance”');
    expect(notice).toContain('Paid in (paidIn)');
    expect(await page.textContent('fieldset[data-column="paidIn"] legend')).toContain('carried-forward');
    await expect.poll(() => canvasImagesLoaded(page)).toBe(true);
    if (shots) {
      await page.locator('#table-form').scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${shots}/studio-table-removed.png`, fullPage: false });
    }

    const admin = await studio.signedIn('admin1');
    const published = await submitAndApprove(page, admin, draftUrl);
    expect(published).not.toBe(firstVersion);
    expect(errors).toEqual([]);

    for (const [locale, description, balance, carried, brought] of [
      ['en-GB', 'Description', 'Balance', 'Carried forward', 'Brought forward'],
      ['zh-CN', '交易摘要', '余额', '转下页', '承上页'],
    ] as const) {
      // The table's header rows (one per page): Balance was the last header, and is gone.
      const before = await printed(studio, firstVersion, locale, description);
      const after = await printed(studio, published, locale, description);
      expect(before.headers.length, locale).toBeGreaterThan(1);
      for (const l of before.headers) expect(l.trimEnd().endsWith(balance), `${locale}: ${l}`).toBe(true);
      expect(after.headers.length, locale).toBe(before.headers.length);
      for (const l of after.headers) expect(l, `${locale}: ${l}`).not.toContain(balance);
      if (locale === 'en-GB') {
        // Where the amounts end (pdftotext -layout keeps columns; right-aligned columns end together):
        // the carry lines' amount ended under Balance and now ends under Paid in.
        const carryEnd = (text: string) =>
          text
            .split('\n')
            .find((l) => l.includes(carried))
            ?.trimEnd().length ?? -1;
        const headerEnd = (l: string, header: string) => l.indexOf(header) + header.length;
        const [beforeHeader = '', afterHeader = ''] = [before.headers[0], after.headers[0]];
        expect(Math.abs(carryEnd(before.text) - headerEnd(beforeHeader, 'Balance'))).toBeLessThanOrEqual(2);
        expect(Math.abs(carryEnd(after.text) - headerEnd(afterHeader, 'Paid in'))).toBeLessThanOrEqual(2);
      }
      // The carried-forward and brought-forward lines still carry the balance, now in another column.
      for (const line of [carried, brought]) {
        const lines = after.text.split('\n').filter((l) => l.includes(line));
        expect(lines.length, `${locale} ${line}`).toBeGreaterThan(0);
        for (const l of lines) expect(l, `${locale}: ${l}`).toMatch(MONEY);
      }
    }
  }, 120_000);

  it('shows variables as chips, inserts a contract field into the chosen locale, adds and moves a table column', async () => {
    const page = await studio.signedIn('marketer1');
    const draftUrl = await newDraftFrom(page, studio.base, studio.firstVersion);
    await page.goto(`${draftUrl}/canvas?block=body%5B2%5D`);
    const en = page.locator('.text-form textarea[name="text.en-GB"]');
    const zh = page.locator('.text-form textarea[name="text.zh-CN"]');
    const before = await zh.inputValue();
    // Focusing a text chooses its locale for the next insert.
    await en.focus();
    expect(await page.inputValue('#insert-locale')).toBe('en-GB');
    await zh.focus();
    await zh.press('Control+End');
    expect(await page.inputValue('#insert-locale')).toBe('zh-CN');
    await page.click('#contract-fields button[data-insert="{{customer.name}}"]');
    expect(await zh.inputValue()).toBe(`${before}{{customer.name}}`);
    // Chosen in the list, not by focus: the English text gets the next field at its cursor.
    await page.selectOption('#insert-locale', 'en-GB');
    const enBefore = await en.inputValue();
    await page.click('#contract-fields button[data-insert="{{account.currency}}"]');
    expect((await en.inputValue()).length).toBe(enBefore.length + '{{account.currency}}'.length);
    expect(await en.inputValue()).toContain('{{account.currency}}');
    const chips = await page
      .locator('.text-form textarea[name="text.zh-CN"] ~ .chips .chip')
      .allTextContents();
    expect(chips.filter((c) => c === 'customer.name').length).toBe(
      (`${before}{{customer.name}}`.match(/\{\{customer\.name\}\}/g) ?? []).length,
    );

    // A new column from the rows' contract fields, headers in both locales; then moved up one place.
    await page.goto(`${draftUrl}/canvas?block=body%5B4%5D`);
    await page.selectOption('#add-column-field', 'amount');
    await page.fill('#add-column input[name="header.new.en-GB"]', 'Amount');
    await page.fill('#add-column input[name="header.new.zh-CN"]', '金额');
    await page.fill('#add-column input[name="width.new"]', '22mm');
    await page.selectOption('#add-column select[name="align.new"]', 'right');
    await posting(page, page.click('#add-column-button'));
    expect(await page.textContent('#canvas-message')).toBe('Column added');
    const columns = () =>
      page.locator('#table-form fieldset').evaluateAll((f) => f.map((e) => e.getAttribute('data-column')));
    expect(await columns()).toEqual(['date', 'description', 'paidOut', 'paidIn', 'balance', 'amount']);
    expect(await page.inputValue('input[name="header.amount.zh-CN"]')).toBe('金额');
    await posting(page, page.click('button[value="up:amount"]'));
    expect(await columns()).toEqual(['date', 'description', 'paidOut', 'paidIn', 'amount', 'balance']);
  }, 60_000);
});
