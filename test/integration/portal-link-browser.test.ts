import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { simpleParser } from 'mailparser';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SmtpSink, startSmtpSink } from '../../src/channels/sinks/smtp-sink.ts';
import { launchChromiumWithCjk, screenshotsDir, seriousViolations } from '../support/browser.ts';
import { ROOT } from '../support/stores.ts';

const run = promisify(execFile);
const SAMPLES = screenshotsDir();
const MISSIVE = path.join(ROOT, 'bin', 'missive.js');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** `missive serve` in a process of its own, resolved once it says where it listens. */
function serve(env: NodeJS.ProcessEnv, port: number): Promise<ChildProcess> {
  const child = spawn('node', [MISSIVE, 'serve', '--port', String(port)], { env, cwd: ROOT });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`missive serve did not start: ${out}`)), 60_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('missive serving on')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.stderr.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.once('exit', (code) => reject(new Error(`missive serve exited ${code}: ${out}`)));
  });
}

interface StatementMail {
  /** The e-mail's language (its html lang). */
  lang: string;
  html: string;
  link: string;
  pdfSha256: string;
}

/** The statement e-mails the demo's SMTP sink kept (.eml), each with its portal link and attached PDF. */
async function statementMails(dataDir: string): Promise<StatementMail[]> {
  const dir = path.join(dataDir, 'sinks', 'mail');
  const found: StatementMail[] = [];
  for (const name of fs.readdirSync(dir).filter((f) => f.endsWith('.eml'))) {
    const mail = await simpleParser(fs.readFileSync(path.join(dir, name)));
    const html = typeof mail.html === 'string' ? mail.html : '';
    const link = /href="([^"]*\/portal\/open\/[^"]+)"/.exec(html)?.[1];
    const pdf = mail.attachments.find((a) => a.contentType === 'application/pdf');
    if (link && pdf) {
      const lang = /<html[^>]* lang="([^"]+)"/.exec(html)?.[1] ?? '';
      found.push({ lang, html, link, pdfSha256: createHash('sha256').update(pdf.content).digest('hex') });
    }
  }
  return found;
}

/**
 * Issue 20 items 1–2 as a customer meets them: `missive demo` e-mails statements through its SMTP
 * sink; the link in such an e-mail, clicked in Debian's Chromium from the e-mail itself (another
 * site: the portal's SameSite=Strict cookie must still work), opens that statement in `missive
 * serve`'s portal without a code — the PDF the e-mail carried, byte for byte — and nothing else;
 * after signing out the same link opens nothing. axe on every page; screenshots in docs/samples.
 */
describe('a statement e-mail link opens the statement in the portal (Chromium)', () => {
  let dataDir: string;
  let sink: SmtpSink;
  let server: ChildProcess | undefined;
  let browser: Browser;
  let base: string;
  let mails: StatementMail[];

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-portal-link-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      MISSIVE_DATA_DIR: dataDir,
      MISSIVE_LOG_LEVEL: 'silent',
      MISSIVE_PUBLIC_URL: base,
    };
    delete env.REDIS_URL;
    delete env.DATABASE_URL;
    const demo = await run(
      'node',
      [
        MISSIVE,
        'demo',
        '--customers',
        path.join(ROOT, 'test', 'fixtures', 'customers-bank-20.csv'),
        '--mapping',
        path.join(ROOT, 'examples', 'bank-marketing', 'mapping.json'),
        '--as-of',
        '2026-10-31',
      ],
      { env, cwd: dataDir, maxBuffer: 16 * 1024 * 1024 },
    );
    // The demo says where the links lead.
    expect(demo.stdout).toContain(
      `statement e-mails link to that statement in the customer portal (${base}/portal/open/…)`,
    );
    mails = await statementMails(dataDir);
    // Sign-in codes need a channel: `missive serve` with an SMTP server, as after `missive sinks`.
    sink = await startSmtpSink();
    server = await serve({ ...env, MISSIVE_SMTP_URL: sink.url }, port);
    browser = await launchChromiumWithCjk(dataDir);
    fs.mkdirSync(SAMPLES, { recursive: true });
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server!.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
    await sink?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /**
   * The e-mail as the customer reads it (a page of no site) and a click on "View this statement
   * online", which opens a new tab (the MJML button's target="_blank", as in webmail): that tab.
   */
  async function clickLinkInMail(mailPage: Page, mail: StatementMail): Promise<Page> {
    await mailPage.setContent(mail.html);
    const [tab] = await Promise.all([
      mailPage.context().waitForEvent('page'),
      mailPage.click(`a[href="${mail.link}"]`),
    ]);
    await tab.waitForLoadState('load');
    return tab;
  }

  it('375 px: the link opens that statement, verified, with the PDF the e-mail carried; nothing else; closed by sign-out', async () => {
    const mail = mails.find((m) => m.lang === 'en-GB')!;
    expect(mail).toBeDefined();
    expect(mail.link.startsWith(`${base}/portal/open/`)).toBe(true);
    const context = await browser.newContext({ viewport: { width: 375, height: 800 }, locale: 'en-GB' });
    const mailPage = await context.newPage();
    await mailPage.setContent(mail.html);
    await mailPage.screenshot({ path: path.join(SAMPLES, 'portal-link-email.png'), fullPage: true });

    const page = await clickLinkInMail(mailPage, mail);
    await page.waitForURL(/\/portal\/documents\/com_[\w-]+$/);
    const documentUrl = page.url();
    await page.locator('#verified').waitFor();
    expect(await page.locator('#link-scope').isVisible()).toBe(true);
    expect(await page.locator('#web-view').isVisible()).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(SAMPLES, 'portal-link-document.png'), fullPage: true });

    // The PDF one tap away is the one the e-mail carried, byte for byte, verified by the archive.
    const pdfHref = await page.locator('#open-pdf').getAttribute('href');
    const pdf = await page.request.get(new URL(pdfHref!, base).toString());
    expect(pdf.status()).toBe(200);
    const bytes = await pdf.body();
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(mail.pdfSha256);
    expect(pdf.headers()['x-missive-sha256']).toBe(mail.pdfSha256);

    // Anything else needs a code.
    for (const other of ['/portal/documents', '/portal/preferences', '/portal/offers']) {
      await page.goto(`${base}${other}`);
      expect(new URL(page.url()).pathname).toBe('/portal/sign-in');
    }
    // Back to the statement: the link session still reads it.
    await page.goto(documentUrl);
    await page.locator('#verified').waitFor();

    // Signing out closes the link: the same click now says so.
    await page.click('form.sign-out button');
    await page.waitForURL(/\/portal\/sign-in\?signedOut=1$/);
    const closed = await clickLinkInMail(mailPage, mail);
    await closed.locator('#link-invalid').waitFor();
    expect(await seriousViolations(closed)).toEqual([]);
    await closed.screenshot({ path: path.join(SAMPLES, 'portal-link-closed.png'), fullPage: true });
    await closed.goto(documentUrl);
    expect(new URL(closed.url()).pathname).toBe('/portal/sign-in');
    await context.close();
  }, 120_000);

  it('1280 px, in Chinese: another customer’s link opens their statement only', async () => {
    const mail = mails.find((m) => m.lang === 'zh-CN')!;
    expect(mail).toBeDefined();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    const page = await clickLinkInMail(await context.newPage(), mail);
    await page.locator('#verified').waitFor();
    expect(await page.locator('#link-scope').isVisible()).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(SAMPLES, 'portal-link-document-zh.png') });
    await page.goto(`${base}/portal/documents`);
    expect(new URL(page.url()).pathname).toBe('/portal/sign-in');
    await context.close();
  }, 120_000);
});
