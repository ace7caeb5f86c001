import os from 'node:os';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import { stringsFor } from '../../src/api/ui/i18n/index.ts';
import { createFsBlobStore } from '../../src/archive/fs-blob-store.ts';
import { listAudit } from '../../src/store/audit.ts';
import { recordRunFailure } from '../../src/store/run-failures.ts';
import { createRunIfAbsent, getRun, transitionRunStatus } from '../../src/store/runs.ts';
import { seedDocuments, seedUsers } from '../support/api.ts';
import { launchChromium, signedInPage } from '../support/browser.ts';
import { openTempStore, ROOT, type TempStore } from '../support/stores.ts';

/**
 * Issue 18 items 4 and 6 in Debian's Chromium against a real server: the run page's pause, resume,
 * cancel and retry-failed buttons work for an admin (audited) and are absent for an agent, whose
 * forged post is refused; the live progress figure, the failure list's filters, the throughput chart
 * with axes and a legend per channel; `/ui/runs` with its header row, template versions and times
 * in the viewer's zone (Asia/Shanghai for a zh-CN viewer by default, the user's own choice once set);
 * no page shows a server path.
 */
describe('runs in the UI, in Chromium', () => {
  let temp: TempStore;
  let app: FastifyInstance;
  let browser: Browser;
  let base: string;
  let completedRun: string;
  const LIVE_RUN = 'run_live_statement';
  const seen: string[] = [];

  beforeAll(async () => {
    temp = await openTempStore('runs-ui');
    const blobs = createFsBlobStore(`${temp.dir}/archive`);
    completedRun = (await seedDocuments(temp.store.db, blobs)).runId;
    for (const [customerId, stage, code] of [
      ['C0002', 'render', 'MSV_DATA_MISSING'],
      ['C0003', 'archive', 'MSV_ARCHIVE_WRITE'],
    ] as const)
      await recordRunFailure(temp.store.db, {
        runId: completedRun,
        customerId,
        stage,
        code,
        reason: `${code} for ${customerId}`,
      });
    await createRunIfAbsent(temp.store.db, {
      id: LIVE_RUN,
      communicationType: 'monthly-statement',
      templateVersionId: 'monthly-statement@live',
      asOf: '2026-11-30',
      source: 'store:all',
    });
    await transitionRunStatus(temp.store.db, LIVE_RUN, ['planning'], 'running');
    await temp.store.db.updateTable('runs').set({ customers_total: 3 }).where('id', '=', LIVE_RUN).execute();
    await seedUsers(temp.store.db);
    app = buildApp({ db: temp.store.db, blobs });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await temp?.close();
    // No page showed where the server keeps its files.
    for (const text of seen) {
      expect(text).not.toContain(ROOT);
      expect(text).not.toContain(temp.dir);
      expect(text).not.toContain(os.tmpdir());
    }
  });

  const signedIn = (user: string, landing: RegExp): Promise<Page> =>
    signedInPage(browser, base, user, { height: 900, landing });
  const keep = async (page: Page) => {
    seen.push(await page.content());
  };
  const status = async (page: Page) => (await page.textContent('#status'))?.trim();
  const buttons = async (page: Page) =>
    page.$$eval('#controls button', (els) => els.map((e) => e.getAttribute('data-action')));
  const press = async (page: Page, action: string) => {
    await Promise.all([
      page.waitForURL(new RegExp(`done=${action}`)),
      page.click(`button[data-action="${action}"]`),
    ]);
    await keep(page);
  };

  it('admin: pause, resume and cancel a running run; each move audited', async () => {
    const page = await signedIn('admin1', /\/ui\/search/);
    await page.goto(`${base}/ui/runs/${LIVE_RUN}`);
    await keep(page);
    expect(await status(page)).toBe('running');
    // Live: the page refreshes itself while the run goes, and shows how far it is.
    expect(await page.getAttribute('meta[http-equiv="refresh"]', 'content')).toBe('5');
    expect(await page.textContent('#progress-figure')).toBe('0 / 3');
    expect(await buttons(page)).toEqual(['pause', 'cancel']);

    await press(page, 'pause');
    expect(await status(page)).toBe('paused');
    expect(await page.textContent('#done')).toContain('pause');
    expect(await page.$('meta[http-equiv="refresh"]')).toBeNull();
    expect(await buttons(page)).toEqual(['resume', 'cancel']);

    await press(page, 'resume');
    expect(await status(page)).toBe('planning');
    expect((await getRun(temp.store.db, LIVE_RUN))?.generation).toBe(1);

    await press(page, 'cancel');
    expect(await status(page)).toBe('cancelled');
    expect(await page.$('#controls')).toBeNull();

    const audit = await listAudit(temp.store.db, { limit: 50 });
    const moves = audit.filter((e) => e.targetId === LIVE_RUN).map((e) => `${e.actor} ${e.action}`);
    expect(moves.sort()).toEqual([
      'user:admin1 run.cancel',
      'user:admin1 run.pause',
      'user:admin1 run.resume',
    ]);
    await page.context().close();
  });

  it('admin: the failure list filters by stage and code; retry-failed re-opens the run', async () => {
    const page = await signedIn('admin1', /\/ui\/search/);
    await page.goto(`${base}/ui/runs/${completedRun}`);
    await keep(page);
    const stages = () =>
      page.$$eval('#failure-list tbody tr', (rows) => rows.map((r) => r.getAttribute('data-stage')));
    expect((await stages()).sort()).toEqual(['archive', 'render']);
    await page.selectOption('select[name=stage]', 'render');
    await Promise.all([page.waitForURL(/stage=render/), page.click('.filters button')]);
    expect(await stages()).toEqual(['render']);
    await page.selectOption('select[name=stage]', '');
    await page.selectOption('select[name=code]', 'MSV_ARCHIVE_WRITE');
    await Promise.all([page.waitForURL(/code=MSV_ARCHIVE_WRITE/), page.click('.filters button')]);
    expect(await stages()).toEqual(['archive']);

    // The chart: a y axis in documents per minute, time in the viewer's zone, a legend per channel.
    const chart = await page.$eval('#throughput', (svg) => ({
      axes: [...svg.querySelectorAll('.axis-title')].map((t) => t.textContent),
      legend: [...svg.querySelectorAll('.legend text')].map((t) => t.textContent),
      ticks: svg.querySelectorAll('.y-axis text:not(.axis-title)').length,
      bars: svg.querySelectorAll('rect[data-channel]').length,
    }));
    expect(chart.axes).toEqual(['documents per minute', 'time (Europe/London)']);
    expect(chart.legend).toEqual(['email (1)', 'print (3)', 'sms (1)']);
    expect(chart.ticks).toBeGreaterThanOrEqual(2);
    expect(chart.bars).toBeGreaterThanOrEqual(3);

    expect(await buttons(page)).toEqual(['retry-failed']);
    await press(page, 'retry-failed');
    expect(await status(page)).toBe('planning');
    await page.context().close();
  });

  it('agent: the run page without buttons; a forged post is refused', async () => {
    const page = await signedIn('agent1', /\/ui\/search/);
    await page.goto(`${base}/ui/runs/${completedRun}`);
    await keep(page);
    expect(await page.textContent('#run-id')).toBe(completedRun);
    expect(await page.$('#controls')).toBeNull();
    expect(await page.$$('form[action*="/ui/runs/"][method=post]')).toEqual([]);
    const csrf = await page.getAttribute('form[action="/logout"] input[name=_csrf]', 'value');
    const forged = await page.evaluate(
      async ([url, token]) => {
        const res = await fetch(url!, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: `_csrf=${encodeURIComponent(token!)}`,
        });
        return res.status;
      },
      [`${base}/ui/runs/${completedRun}/pause`, csrf],
    );
    expect(forged).toBe(403);
    await page.context().close();
  });

  it('/ui/runs: a header row, template versions, times in the viewer’s zone (zh-CN: Asia/Shanghai; a user’s own choice)', async () => {
    const page = await signedIn('marketer1', /\/ui\/studio/);
    await page.goto(`${base}/ui/lang?to=zh-CN&next=/ui/runs`);
    await keep(page);
    const header = await page.$$eval('#runs thead th', (ths) => ths.map((th) => th.textContent));
    const zh = stringsFor('zh-CN');
    expect(header).toEqual([
      zh.runReport,
      zh.type,
      zh.runTemplateVersion,
      zh.asOf,
      zh.status,
      zh.customersIn,
      zh.runCreated,
      zh.runFinished,
    ]);
    const row = await page.$eval(`tr[data-run="${LIVE_RUN}"]`, (tr) =>
      [...tr.querySelectorAll('td')].map((td) => td.textContent),
    );
    expect(row[2]).toBe('monthly-statement@live');
    expect(row[6]).toMatch(/^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}（Asia\/Shanghai）$/);
    const created = (await getRun(temp.store.db, LIVE_RUN))!.createdAt;
    const shanghai = new Date(Date.parse(created) + 8 * 3600_000).toISOString();
    expect(row[6]).toContain(`${shanghai.slice(11, 16)}（`);

    // The user's own zone, chosen once, wins over the language's default.
    await page.goto(`${base}/ui/settings`);
    await page.selectOption('#time-zone', 'America/New_York');
    await Promise.all([page.waitForURL(/saved=1/), page.click('form.card button[type=submit]')]);
    await keep(page);
    expect(await page.textContent('#saved')).toContain('America/New_York');
    await page.goto(`${base}/ui/runs`);
    const again = await page.$eval(`tr[data-run="${LIVE_RUN}"] td:nth-child(7)`, (td) => td.textContent);
    expect(again).toMatch(/（America\/New_York）$/);
    expect(await page.textContent('header .zone')).toContain('America/New_York');

    // An error page names no server path (the page itself is checked with every other in afterAll).
    await page.goto(`${base}/ui/runs/run_that_is_not_there`);
    await keep(page);
    expect(await page.textContent('main')).toContain('MSV_RUN_NOT_FOUND');
    await page.context().close();
  });
});
