import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import { executeRun } from '../../src/batch/execute-run.ts';
import { publishCatalogDir } from '../../src/rules/publish.ts';
import { listAudit } from '../../src/store/audit.ts';
import { listCommunicationsForRun } from '../../src/store/communications.ts';
import { getLatestTemplateVersion } from '../../src/store/templates.ts';
import { publishTemplatePackage } from '../../src/templates/publish.ts';
import { seedUsers } from '../support/api.ts';
import { launchChromium, signedInPage } from '../support/browser.ts';
import { loadStatementFeeds } from '../support/statement-feeds.ts';
import {
  importBankCustomers,
  openTempStore,
  ROOT,
  type TempStore,
  testBatchDeps,
} from '../support/stores.ts';

/**
 * The marketer's acceptance path in Debian's Chromium against a real server on 127.0.0.1: edit the
 * statement's offer text, watch the preview, see and fix a misspelt variable, submit; the submitter
 * is refused approval; an admin approves; the next run (latest version) prints the new text.
 */
describe('studio in Chromium', () => {
  let temp: TempStore;
  let batch: ReturnType<typeof testBatchDeps>;
  let app: FastifyInstance;
  let browser: Browser;
  let base: string;
  let firstVersion: string;

  beforeAll(async () => {
    temp = await openTempStore('studio-ui');
    const customers = await importBankCustomers(
      temp.store,
      path.join(ROOT, 'test', 'fixtures', 'customers-bank-20.csv'),
    );
    await loadStatementFeeds(temp.store.db, customers, '2026-10-31');
    await publishCatalogDir(temp.store.db, path.join(ROOT, 'catalogs', 'bank'), '2026-10-31');
    firstVersion = (await publishTemplatePackage(temp.store.db, `${ROOT}/templates/monthly-statement`)).id;
    await seedUsers(temp.store.db);
    batch = testBatchDeps(temp.store, temp.dir, { chunkSize: 10, concurrency: 1 });
    app = buildApp({ db: temp.store.db, blobs: batch.deps.blobs });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await batch?.close();
    await temp?.close();
  });

  const signedIn = (user: string): Promise<Page> =>
    signedInPage(browser, base, user, { height: 900, landing: /\/ui\// });

  /** Waits for the preview the editor starts after `action` (saves are debounced, then it re-renders). */
  async function nextPreview(page: Page, action: () => Promise<void>): Promise<void> {
    const before = Number((await page.getAttribute('#studio-draft', 'data-preview-generation')) ?? 0);
    await action();
    await expect
      .poll(async () => Number((await page.getAttribute('#studio-draft', 'data-preview-generation')) ?? 0), {
        timeout: 15_000,
      })
      .toBeGreaterThan(before);
  }

  it('marketer edits, sees lint and preview, submits; cannot self-approve; admin publishes; the next run uses it', async () => {
    // An admin gives marketer1 the approver right: what stops marketer1 below is four eyes, not the role.
    const grant = await signedIn('admin1');
    await grant.goto(`${base}/ui/studio`);
    await grant.selectOption('#approvers select[name=user]', 'marketer1');
    await Promise.all([grant.waitForURL(/\/ui\/studio#approvers$/), grant.click('#approvers button')]);
    expect(await grant.textContent('#approvers p')).toBe('marketer1');

    const errors: string[] = [];
    const page = await signedIn('marketer1');
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    expect(new URL(page.url()).pathname).toBe('/ui/studio');
    expect(await page.textContent('#templates')).toContain(firstVersion);

    await page.selectOption('select[name=from]', firstVersion);
    await Promise.all([
      page.waitForURL(/\/ui\/studio\/drafts\/drf_/),
      page.click('form:has(select[name=from]) button'),
    ]);
    await page.waitForSelector('#pages img');
    expect(await page.textContent('#print-pages')).toBe('2');

    await page.click('.file-tab[data-file="locales/en-GB.json"]');
    const strings = page.locator('textarea[data-file="locales/en-GB.json"]');
    const original = await strings.inputValue();
    await nextPreview(page, () =>
      strings.fill(original.replace('"Chosen for you"', '"Picked for you, {{customer.nme}}"')),
    );
    expect(await page.textContent('#issues li.error')).toContain('nme');
    expect(await page.locator('#print-preview').isVisible()).toBe(false);

    await nextPreview(page, () => strings.fill(original.replace('"Chosen for you"', '"Picked for you"')));
    expect(await page.locator('#issues li.error').count()).toBe(0);
    // (The project's TypeScript has no DOM types: the image is typed by what is read.)
    await expect
      .poll(() =>
        page
          .locator('#pages img')
          .evaluateAll((imgs) =>
            (imgs as unknown as { complete: boolean; naturalWidth: number }[]).every(
              (i) => i.complete && i.naturalWidth > 0,
            ),
          ),
      )
      .toBe(true);
    expect(await page.locator('#pages img').count()).toBe(2);
    if (process.env.MISSIVE_UI_SCREENSHOTS)
      await page.screenshot({
        path: `${process.env.MISSIVE_UI_SCREENSHOTS}/studio-editor.png`,
        fullPage: true,
      });

    await Promise.all([page.waitForURL(/\/ui\/studio\/drafts\/drf_/), page.click('#submit-button')]);
    expect(await page.textContent('#draft-status')).toBe('submitted');
    const draftUrl = page.url();

    // Four eyes: the submitter is not offered an approval that could only be refused, but told who may.
    expect(await page.locator('#approve-button').count()).toBe(0);
    expect(await page.textContent('#may-approve')).toContain('admin1');
    expect(await page.textContent('#may-approve')).not.toContain('marketer1');

    // The diff against the base: the three page images stay inside their card (issue 21: the pixel
    // difference overflowed it).
    await page.goto(
      `${base}/ui/studio/diff?a=${encodeURIComponent(firstVersion)}&b=${encodeURIComponent(`draft:${draftUrl.split('/').at(-1)}`)}`,
    );
    await expect
      .poll(() =>
        page
          .locator('#diff-pixels')
          .evaluate((i) => (i as unknown as { complete: boolean; naturalWidth: number }).naturalWidth),
      )
      .toBeGreaterThan(0);
    const card = (await page.locator('.visual-diff').boundingBox())!;
    for (const id of ['#diff-a', '#diff-b', '#diff-pixels']) {
      const box = (await page.locator(id).boundingBox())!;
      expect(box.x + box.width, id).toBeLessThanOrEqual(card.x + card.width + 0.5);
    }
    if (process.env.MISSIVE_UI_SCREENSHOTS)
      await page.screenshot({
        path: `${process.env.MISSIVE_UI_SCREENSHOTS}/studio-diff.png`,
        fullPage: true,
      });

    const admin = await signedIn('admin1');
    await admin.goto(draftUrl);
    await Promise.all([admin.waitForURL(draftUrl), admin.click('#approve-button')]);
    expect(await admin.textContent('#draft-status')).toBe('published');
    const published = (await admin.textContent('#published-version'))!;
    expect(published).not.toBe(firstVersion);
    expect(errors).toEqual([]);

    const draftId = draftUrl.split('/').at(-1)!;
    const actions = (await listAudit(temp.store.db, { targetId: draftId })).map((e) => e.action).reverse();
    expect(actions).toEqual([
      'studio.draft.create',
      ...actions.filter((a) => a === 'studio.draft.edit'),
      'studio.draft.submit',
      'studio.draft.approve',
    ]);

    // The next run takes the latest version (as `missive run` does without --template-version).
    const latest = (await getLatestTemplateVersion(temp.store.db, 'monthly-statement'))!;
    expect(latest.id).toBe(published);
    const outcome = await executeRun(batch.deps, {
      communicationType: 'monthly-statement',
      templateVersionId: latest.id,
      asOf: '2026-10-31',
      source: 'store:all',
    });
    const rows = (await listCommunicationsForRun(temp.store.db, outcome.runId)).filter(
      (r) => r.artifactSha256,
    );
    expect(rows.every((r) => r.templateVersionId === published)).toBe(true);
    let printed = 0;
    for (const row of rows.filter((r) => r.channel === 'print')) {
      const file = path.join(temp.dir, `${row.artifactSha256}.pdf`);
      fs.writeFileSync(file, await batch.deps.blobs.get(row.artifactSha256!));
      if (execFileSync('pdftotext', [file, '-']).toString().includes('Picked for you')) printed += 1;
    }
    expect(printed).toBeGreaterThan(0);
  }, 60_000);

  it('offer editor: a misspelt trait is an issue, the fixed rule shows who qualifies', async () => {
    const page = await signedIn('marketer1');
    await Promise.all([page.waitForURL(/\/ui\/studio\/offers$/), page.click('#offers-link')]);
    const first = page.locator('#offers tbody a').first();
    await Promise.all([page.waitForURL(/\/ui\/studio\/offers\/[a-z]/), first.click()]);
    await page.waitForSelector('#offer-issues li');
    const json = page.locator('#offer-json');
    const offer = JSON.parse(await json.inputValue()) as Record<string, unknown>;
    await json.fill(JSON.stringify({ ...offer, eligibility: { '>=': [{ var: 'balanse' }, 0] } }, null, 2));
    await page.waitForSelector('#offer-issues li.error');
    expect(await page.textContent('#offer-issues')).toContain('balanse');
    await json.fill(
      JSON.stringify({ ...offer, eligibility: { '>=': [{ var: 'balance' }, -1000000] } }, null, 2),
    );
    await page.waitForSelector('#offer-issues li.ok');
    expect(await page.textContent('#qualifies-count')).toMatch(/^\d+ \/ 20$/);

    // The builder: one condition, written into the JSON as json-logic, checked like a typed rule.
    expect(await page.locator('.builder-row').count()).toBe(1);
    await page.click('#builder-add');
    const row = page.locator('.builder-row').last();
    await row.locator('[name=variable]').selectOption('age');
    await row.locator('[name=op]').selectOption('>=');
    await row.locator('[name=value]').fill('60');
    await page.click('#builder-apply');
    const rule = (JSON.parse(await json.inputValue()) as { eligibility: { and: unknown[] } }).eligibility;
    expect(rule.and.at(-1)).toEqual({ '>=': [{ var: 'age' }, 60] });
    await expect.poll(async () => page.textContent('#qualifies-count')).toMatch(/^\d+ \/ 20$/);
  }, 30_000);
});
