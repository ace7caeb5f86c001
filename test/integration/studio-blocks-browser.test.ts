import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPublishedTemplate } from '../../src/templates/load-published.ts';
import { seriousViolations } from '../support/browser.ts';
import {
  canvasImagesLoaded,
  newDraftFrom,
  openStudioBrowser,
  publishedPdfText,
  type StudioBrowser,
  submitAndApprove,
} from '../support/studio-browser.ts';

/**
 * Issue 21 item 1 in Debian's Chromium, canvas and block form only (no code view): a marketer drags the
 * spending chart above the transactions table, hides the closing paragraph unless totals.interest is
 * set (the rule builder), sets 10 mm after the greeting, undoes that with Ctrl+Z and redoes it with
 * Ctrl+Shift+Z, and submits; an admin approves; the published PDF has the chart before the table and
 * no closing paragraph (the sample's interest is 0), and its print.yaml the new spacing.
 */
describe('studio canvas in Chromium: order, spacing, visibility, undo/redo', () => {
  let s: StudioBrowser;

  beforeAll(async () => {
    s = await openStudioBrowser('studio-blocks-ui', { height: 2600 });
  }, 120_000);

  afterAll(async () => {
    await s?.close();
  });

  const shots = process.env.MISSIVE_UI_SCREENSHOTS;

  it('marketer reorders by drag, sets spacing and a rule, undoes and redoes; the published PDF shows it', async () => {
    const errors: string[] = [];
    const page = await s.signedIn('marketer1');
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    const draftUrl = await newDraftFrom(page, s.base, s.firstVersion);
    await Promise.all([page.waitForURL(/\/canvas/), page.click('#canvas-link')]);
    await expect.poll(() => canvasImagesLoaded(page)).toBe(true);
    // Header and footer are on the map too, and the chart (moved to page 2 whole) has no box on page 1.
    expect(await page.locator('.band-box[data-path="footer"]').count()).toBe(2);
    expect(await page.locator('.canvas-page[data-page="1"] .block-box[data-path="body[5]"]').count()).toBe(0);
    expect(await page.locator('#undo-button').isDisabled()).toBe(true);

    // Drag the chart (body[5], page 2) onto the upper half of the transactions table (body[4], page 1).
    const chart = await page.locator('.block-box[data-path="body[5]"]').first().boundingBox();
    const table = await page.locator('.block-box[data-path="body[4]"]').first().boundingBox();
    if (!chart || !table) throw new Error('no boxes for the chart and the table');
    await page.mouse.move(chart.x + chart.width / 2, chart.y + chart.height / 2);
    await page.mouse.down();
    await page.mouse.move(table.x + table.width / 2, table.y + 20, { steps: 12 });
    expect(await page.locator('.block-box.drop-before').getAttribute('data-path')).toBe('body[4]');
    await Promise.all([page.waitForURL(/done=moved/), page.mouse.up()]);
    expect(await page.locator('.block-box.chosen').first().getAttribute('data-path')).toBe('body[4]');
    expect(await page.textContent('#block-form h2')).toContain('chart');

    // The closing paragraph (now body[6]): shown only when totals.interest is set.
    await Promise.all([
      page.waitForURL(/block=body%5B6%5D/),
      page.locator('.block-box[data-path="body[6]"]').click(),
    ]);
    expect(await page.textContent('#rule-readable')).toContain('Always shown');
    await page.selectOption('select[name="rule.field"]', 'totals.interest');
    await page.selectOption('select[name="rule.op"]', 'set');
    await Promise.all([page.waitForURL(/done=block-saved/), page.click('#save-block')]);
    expect(await page.textContent('#rule-readable')).toContain('totals.interest is set');

    // 10 mm after the greeting (body[2]).
    await Promise.all([
      page.waitForURL(/block=body%5B2%5D/),
      page.locator('.block-box[data-path="body[2]"]').click(),
    ]);
    expect(await page.inputValue('input[name=spaceAfter]')).toBe('2');
    await page.fill('input[name=spaceAfter]', '10');
    await Promise.all([page.waitForURL(/done=block-saved/), page.click('#save-block')]);
    expect(await page.inputValue('input[name=spaceAfter]')).toBe('10');

    // Ctrl+Z undoes the spacing; Ctrl+Shift+Z redoes it.
    await Promise.all([page.waitForURL(/done=undone/), page.keyboard.press('Control+z')]);
    expect(await page.inputValue('input[name=spaceAfter]')).toBe('2');
    expect(await page.locator('#redo-button').isDisabled()).toBe(false);
    await Promise.all([page.waitForURL(/done=redone/), page.keyboard.press('Control+Shift+z')]);
    expect(await page.inputValue('input[name=spaceAfter]')).toBe('10');
    expect(await page.locator('#redo-button').isDisabled()).toBe(true);

    await expect.poll(() => canvasImagesLoaded(page)).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    if (shots) {
      await Promise.all([
        page.waitForURL(/block=body%5B6%5D/),
        page.locator('#hidden-blocks a[data-path="body[6]"]').click(),
      ]);
      await page.setViewportSize({ width: 1366, height: 1300 });
      await page.evaluate('document.querySelector("#history-bar").scrollIntoView()');
      await expect.poll(() => canvasImagesLoaded(page)).toBe(true);
      await page.screenshot({ path: `${shots}/studio-blocks.png`, fullPage: false });
    }
    expect(errors).toEqual([]);

    const admin = await s.signedIn('admin1');
    const published = await submitAndApprove(page, admin, draftUrl);
    const text = await publishedPdfText(s.temp, published, 'en-GB', { layout: true });
    expect(text.indexOf('Your spending over the last 12 months')).toBeGreaterThan(0);
    expect(text.indexOf('Your spending over the last 12 months')).toBeLessThan(
      text.indexOf('Carried forward'),
    );
    expect(text).not.toContain('Your closing balance on');
    expect(text).toContain('Customer Service');
    const files = (await loadPublishedTemplate(s.temp.store.db, published)).files;
    expect(files['print.yaml']).toContain(`- { type: text, text: "{{t 'greeting'}}", spaceAfter: 10mm }`);
    expect(files['print.yaml']).toContain(
      `- { type: text, text: "{{t 'closing'}}", spaceAfter: 3mm, when: totals.interest }`,
    );
  }, 180_000);
});
