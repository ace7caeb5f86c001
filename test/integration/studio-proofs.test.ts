import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import { type SmtpSink, startSmtpSink } from '../../src/channels/sinks/smtp-sink.ts';
import { startTwilioSink, type TwilioSink } from '../../src/channels/sinks/twilio-sink.ts';
import { createSmtpChannel } from '../../src/channels/smtp.ts';
import { createTwilioChannel } from '../../src/channels/twilio.ts';
import { listAudit } from '../../src/store/audit.ts';
import { publishTemplatePackage } from '../../src/templates/publish.ts';
import { bearer, seedUsers } from '../support/api.ts';
import { loadStatementFeeds } from '../support/statement-feeds.ts';
import { importBankCustomers, openTempStore, ROOT, type TempStore } from '../support/stores.ts';

/**
 * Issue 21 item 6 through the routes: 150 dpi page proofs, the proof PDF download, "send me a test"
 * to the real SMTP and Twilio-compatible sinks (the form's address, else the configured one), and
 * the proof set (sample data per locale, longest name, most table rows).
 */
describe('studio proofs', () => {
  let temp: TempStore;
  let app: FastifyInstance;
  let smtp: SmtpSink;
  let twilio: TwilioSink;
  let tokens: Awaited<ReturnType<typeof seedUsers>>;
  let statement: string;
  let reminder: string;

  beforeAll(async () => {
    temp = await openTempStore('studio-proofs');
    tokens = await seedUsers(temp.store.db);
    const customers = await importBankCustomers(
      temp.store,
      path.join(ROOT, 'test', 'fixtures', 'customers-bank-20.csv'),
    );
    await loadStatementFeeds(temp.store.db, customers, '2026-10-31');
    await publishTemplatePackage(temp.store.db, `${ROOT}/templates/monthly-statement`);
    await publishTemplatePackage(temp.store.db, `${ROOT}/templates/payment-reminder`);
    smtp = await startSmtpSink();
    twilio = await startTwilioSink();
    const channels = {
      email: createSmtpChannel({
        url: smtp.url,
        from: 'Missive Bank <service@bank.test>',
        messageIdDomain: 'bank.test',
        publicUrl: 'https://missive.test',
        ratePerSecond: 1_000,
      }),
      sms: createTwilioChannel({
        accountSid: twilio.accountSid,
        authToken: twilio.authToken,
        from: '+15005550006',
        apiBase: twilio.url,
        publicUrl: 'https://missive.test',
      }),
    };
    app = buildApp({
      db: temp.store.db,
      now: () => new Date('2026-11-23T10:00:00.000Z'),
      studioTest: { channels, to: { email: 'proofs@bank.test' } },
    });
    const call = (url: string, payload: object) =>
      app.inject({ method: 'POST', url, payload, headers: bearer(tokens.marketer) });
    statement = (await call('/api/studio/drafts', { from: 'monthly-statement' })).json().id;
    reminder = (await call('/api/studio/drafts', { from: 'payment-reminder' })).json().id;
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await smtp?.close();
    await twilio?.close();
    await temp?.close();
  });

  const get = (url: string) => app.inject({ method: 'GET', url, headers: bearer(tokens.marketer) });
  const post = (url: string, payload: object) =>
    app.inject({ method: 'POST', url, payload, headers: bearer(tokens.marketer) });

  it('shows every page at 150 dpi, zoomable, and downloads the proof PDF', async () => {
    const page = await get(`/ui/studio/drafts/${statement}/proofs?locale=zh-CN`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<span id="proof-pages">2</span>');
    expect(page.body).toContain('data-zoom="200"');
    const png = await get(`/ui/studio/drafts/${statement}/proof/1?locale=zh-CN`);
    expect(png.headers['content-type']).toBe('image/png');
    // 150 dpi: an A4 page (210 mm) is 1240–1241 px wide (the PNG's IHDR width; pdftoppm rounds up).
    expect(Math.abs(png.rawPayload.readUInt32BE(16) - 1240)).toBeLessThanOrEqual(1);
    expect((await get(`/ui/studio/drafts/${statement}/proof/3`)).statusCode).toBe(404);
    expect((await get(`/ui/studio/drafts/${statement}/proofs?locale=english`)).statusCode).toBe(400);

    const pdf = await get(`/ui/studio/drafts/${statement}/proof.pdf?locale=en-GB`);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toMatch(
      /^attachment; filename="monthly-statement-drf_\w+-en-GB-proof\.pdf"$/,
    );
    const file = path.join(temp.dir, 'proof.pdf');
    fs.writeFileSync(file, pdf.rawPayload);
    expect(execFileSync('pdfinfo', [file]).toString()).toMatch(/Pages:\s+2/);
    expect(execFileSync('qpdf', ['--check', file]).toString()).toContain(
      'No syntax or stream encoding errors',
    );
  });

  it('sends a test to the configured address, to a typed one, and by SMS; refuses a bad address naming it', async () => {
    const before = smtp.messages.length;
    const sent = await post(`/ui/studio/drafts/${reminder}/test?locale=en-GB`, { channel: 'email', to: '' });
    expect(sent.statusCode).toBe(200);
    expect(sent.body).toContain('Test sent: email → proofs@bank.test');
    expect(smtp.messages.length).toBe(before + 1);
    expect(smtp.messages.at(-1)!.envelope.to).toEqual(['proofs@bank.test']);

    await post(`/ui/studio/drafts/${reminder}/test?locale=zh-CN`, { channel: 'email', to: 'me@bank.test' });
    expect(smtp.messages.at(-1)!.envelope.to).toEqual(['me@bank.test']);

    const sms = await post(`/ui/studio/drafts/${reminder}/test?locale=en-GB`, {
      channel: 'sms',
      to: '+447700900123',
    });
    expect(sms.statusCode).toBe(200);
    expect(twilio.messages.at(-1)).toMatchObject({ to: '+447700900123' });
    expect(twilio.messages.at(-1)!.body).toContain('Jane');

    const noPhone = await post(`/ui/studio/drafts/${reminder}/test`, { channel: 'sms', to: '' });
    expect(noPhone.statusCode).toBe(400);
    expect(noPhone.body).toMatch(/role="alert" id="proof-message">to: give a/);
    const bad = await post(`/ui/studio/drafts/${reminder}/test`, { channel: 'email', to: 'not-an-address' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('to: not an e-mail address');
    // A print-only draft offers no test form; asking anyway names the channel.
    const printOnly = await post(`/ui/studio/drafts/${statement}/test`, { channel: 'fax', to: '' });
    expect(printOnly.statusCode).toBe(400);
    const actions = (await listAudit(temp.store.db, { targetId: reminder })).map((e) => e.action);
    expect(actions.filter((a) => a === 'studio.draft.test')).toHaveLength(3);
  });

  it('makes a proof set: sample data in each locale, the longest name, the most rows (audited)', async () => {
    const res = await get(`/ui/studio/drafts/${statement}/proof-set`);
    expect(res.statusCode).toBe(200);
    const cases = [...res.body.matchAll(/data-case="([\w-]+)" data-locale="([\w-]+)"/g)].map(
      (m) => `${m[1]}/${m[2]}`,
    );
    expect(cases).toEqual(expect.arrayContaining(['sample/en-GB', 'sample/zh-CN']));
    expect(cases.some((c) => c.startsWith('longest-name/'))).toBe(true);
    expect(cases.some((c) => c.startsWith('most-rows/'))).toBe(true);
    expect(res.body).not.toContain('class="error"');
    const audit = await listAudit(temp.store.db, { targetType: 'customer' });
    expect(
      audit.some(
        (e) => e.action === 'studio.preview' && String(e.details.what ?? '').startsWith('proof-set-'),
      ),
    ).toBe(true);
  }, 60_000);
});
