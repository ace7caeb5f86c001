import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import type { BlobStore } from '../../src/archive/blob-store.ts';
import { createFsBlobStore } from '../../src/archive/fs-blob-store.ts';
import { verifyCommunication } from '../../src/archive/replay.ts';
import { buildPrintStreams } from '../../src/channels/print-stream/build-print-streams.ts';
import { printStreamOptions } from '../../src/channels/print-stream/options.ts';
import { type SmtpSink, startSmtpSink } from '../../src/channels/sinks/smtp-sink.ts';
import { createSmtpChannel } from '../../src/channels/smtp.ts';
import { createLogger } from '../../src/core/logger.ts';
import type { Customer } from '../../src/core/types.ts';
import { createOnDemandService, type OnDemandService } from '../../src/on-demand/on-demand-service.ts';
import { listAudit } from '../../src/store/audit.ts';
import { listAttachments } from '../../src/store/communication-attachments.ts';
import { getCommunication } from '../../src/store/communications.ts';
import { upsertCustomers } from '../../src/store/customers.ts';
import { getRun } from '../../src/store/runs.ts';
import { publishTemplatePackage } from '../../src/templates/publish.ts';
import { bearer, PASSWORD, seedUsers } from '../support/api.ts';
import { channelCustomer } from '../support/channels.ts';
import { loadStatementFeeds } from '../support/statement-feeds.ts';
import { openTempStore, ROOT, type TempStore } from '../support/stores.ts';

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

const pdfText = (pdf: Uint8Array) =>
  execFileSync('pdftotext', ['-layout', '-', '-'], { input: pdf }).toString('utf8');

/**
 * Issue 19 item 3: an agent writes an ad-hoc letter from a published letter template
 * (templates/general-letter), previews its PDF and sends it by e-mail (the SMTP sink receives the PDF
 * with the sha256 the archive keeps for it) or by post (the next print file's manifest lists it,
 * without the reprint flag). Each letter is an on-demand run, verifiable, on the customer's timeline
 * and in the audit log with the agent and the reason; what the agent typed is printed as written.
 */
describe('agent letters: an ad-hoc letter previewed, sent by e-mail and by post', () => {
  let temp: TempStore;
  let blobs: BlobStore;
  let sink: SmtpSink;
  let service: OnDemandService;
  let app: FastifyInstance;
  let tokens: Awaited<ReturnType<typeof seedUsers>>;
  const customers: Customer[] = [];
  let statementRunId: string;
  let systemLetterId: string;

  const sections = {
    subject: 'Your replacement card {{customer.name}}',
    body: 'Thank you for calling us today.\n\nWe have cancelled the card and a new one is on its way <b>now</b>.',
    closing: 'apology',
  };

  beforeAll(async () => {
    temp = await openTempStore('agent-letters');
    blobs = createFsBlobStore(path.join(temp.dir, 'archive'));
    sink = await startSmtpSink();
    customers.push(channelCustomer(1), channelCustomer(2, { locale: 'zh-CN', name: '罗海燕' }));
    await upsertCustomers(temp.store.db, customers);
    await loadStatementFeeds(temp.store.db, customers, '2026-10-31');
    await publishTemplatePackage(temp.store.db, path.join(ROOT, 'templates', 'general-letter'));
    await publishTemplatePackage(temp.store.db, path.join(ROOT, 'templates', 'monthly-statement'));
    tokens = await seedUsers(temp.store.db);
    const email = createSmtpChannel({
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
    app = buildApp({ db: temp.store.db, blobs, onDemand: service, logger: createLogger('silent') });
    await app.ready();
    // A statement on paper waiting for its print file: the "next print stream" a letter joins.
    const statement = await service.communicate('test', {
      type: 'monthly-statement',
      customerId: customers[0]!.id,
      channel: 'print',
      idempotencyKey: 'statement-0001',
    });
    statementRunId = statement.communication.runId;
  }, 90_000);
  afterAll(async () => {
    await app?.close();
    await sink?.close();
    await temp?.close();
  });

  const post = (url: string, payload: object, token = tokens.agent) =>
    app.inject({ method: 'POST', url, payload, headers: bearer(token) });

  it('lists the letter templates with their editable sections (agents, not marketers)', async () => {
    const res = await app.inject({ url: '/api/letter-templates', headers: bearer(tokens.agent) });
    expect(res.statusCode).toBe(200);
    const [letter] = res.json().templates;
    expect(letter.name).toBe('general-letter');
    expect(letter.sections.map((s: { id: string }) => s.id)).toEqual([
      'subject',
      'body',
      'closing',
      'postscript',
    ]);
    const marketer = await app.inject({ url: '/api/letter-templates', headers: bearer(tokens.marketer) });
    expect(marketer.statusCode).toBe(403);
    const openapi = (await app.inject({ url: '/docs/json' })).json();
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining([
        '/api/customers/{customerId}/letters',
        '/api/customers/{customerId}/letters/preview',
      ]),
    );
  });

  it('previews the PDF with the real renderer, keeps nothing, prints the agent text as written', async () => {
    const customer = customers[1]!;
    const before = await listAudit(temp.store.db, { limit: 1000 });
    const res = await post(`/api/customers/${customer.id}/letters/preview`, {
      template: 'general-letter',
      sections,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const pdf = res.rawPayload;
    expect(sha256(pdf)).toBe(res.headers['x-missive-sha256']);
    const text = pdfText(pdf);
    expect(text).toContain('Your replacement card {{customer.name}}');
    expect(text).toContain('<b>now</b>');
    expect(text).toContain('尊敬的罗海燕：');
    expect(text).toContain('深表歉意'); // the template's own zh-CN wording of the chosen closing
    const runs = await temp.store.db.selectFrom('runs').select('id').execute();
    expect(runs).toHaveLength(1); // only the statement's: a preview makes no run
    const after = await listAudit(temp.store.db, { limit: 1000 });
    expect(after.length).toBe(before.length + 1);
    expect(after.some((a) => a.action === 'customer.letter.preview' && a.targetId === customer.id)).toBe(
      true,
    );
  });

  it('refuses bad sections with the field and why, an unknown template and a template that is no letter', async () => {
    const url = `/api/customers/${customers[0]!.id}/letters/preview`;
    const tooLong = await post(url, {
      template: 'general-letter',
      sections: { ...sections, subject: 'x'.repeat(121), closing: 'maybe', extra: 'y' },
    });
    expect(tooLong.statusCode).toBe(400);
    const message = tooLong.json().error.message as string;
    expect(message).toContain('sections.subject: at most 120 characters');
    expect(message).toContain('sections.closing: one of: questions, apology, confirmation');
    expect(message).toContain('no section extra');
    const notLetter = await post(url, { template: 'monthly-statement', sections });
    expect(notLetter.statusCode).toBe(400);
    expect(notLetter.json().error.message).toContain('not a published letter template');
    const noCustomer = await post('/api/customers/nobody/letters/preview', {
      template: 'general-letter',
      sections,
    });
    expect(noCustomer.statusCode).toBe(404);
  });

  it('sends a letter by e-mail: the sink gets the PDF with the sha256 the archive keeps; verified, audited, on the timeline', async () => {
    const customer = customers[0]!;
    const payload = {
      id: 'letter-email-0001',
      template: 'general-letter',
      sections,
      channel: 'email',
      reason: 'customer asked for it in writing',
    };
    expect((await post(`/api/customers/${customer.id}/letters`, payload, tokens.marketer)).statusCode).toBe(
      403,
    );
    const res = await post(`/api/customers/${customer.id}/letters`, payload);
    expect(res.statusCode, res.body).toBe(201);
    const letter = res.json().communication;
    expect(letter).toMatchObject({ channel: 'email', status: 'archived', template: 'general-letter' });
    const run = (await getRun(temp.store.db, letter.runId))!;
    expect(run.source).toBe('on-demand');
    await service.idle();
    const mail = await until(() => sink.messages.find((m) => m.envelope.to.includes(customer.email!)));
    expect(mail.parsed!.subject).toBe(sections.subject);
    const pdf = mail.parsed!.attachments.find((a) => a.contentType === 'application/pdf')!;
    const [attached] = await listAttachments(temp.store.db, letter.id);
    expect(sha256(pdf.content)).toBe(attached!.sha256);
    expect(sha256(await blobs.get(attached!.sha256))).toBe(attached!.sha256);
    expect(pdfText(pdf.content)).toContain('We have cancelled the card');
    expect((await getCommunication(temp.store.db, letter.id))!.status).toBe('sent');
    expect((await verifyCommunication({ db: temp.store.db, blobs }, letter.id)).ok).toBe(true);
    // A retried post makes no second letter.
    const again = await post(`/api/customers/${customer.id}/letters`, payload);
    expect(again.statusCode).toBe(200);
    expect(again.json().communication.id).toBe(letter.id);
    // On the customer's timeline with the agent and reason; in the audit log.
    const timeline = await app.inject({
      url: `/api/customers/${customer.id}/communications`,
      headers: bearer(tokens.agent),
    });
    const body = JSON.stringify(timeline.json());
    expect(body).toContain(letter.id);
    expect(body).toContain('agent-letter');
    expect(body).toContain('customer asked for it in writing');
    const audit = await listAudit(temp.store.db, { limit: 1000 });
    const row = audit.find((a) => a.action === 'communication.letter' && a.targetId === letter.id)!;
    expect(row.actor).toBe('token:agent1');
    expect(row.details).toMatchObject({ channel: 'email', template: 'general-letter' });
  });

  it("the on-demand API takes a letter's sections too (the organisation's systems)", async () => {
    const customer = customers[0]!;
    const request = { type: 'general-letter', customerId: customer.id, channel: 'print' };
    const missing = await post(
      '/api/communications',
      { ...request, idempotencyKey: 'system-letter-0001' },
      tokens.admin,
    );
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.message).toContain('sections.subject');
    const made = await post(
      '/api/communications',
      { ...request, sections, idempotencyKey: 'system-letter-0002' },
      tokens.admin,
    );
    expect(made.statusCode, made.body).toBe(201);
    expect(made.json().communication).toMatchObject({
      channel: 'print',
      status: 'archived',
      type: 'general-letter',
    });
    systemLetterId = made.json().communication.id;
    const onStatement = await post(
      '/api/communications',
      { type: 'monthly-statement', customerId: customer.id, sections, idempotencyKey: 'system-letter-0003' },
      tokens.admin,
    );
    expect(onStatement.statusCode).toBe(400);
    expect(onStatement.json().error.message).toContain('has no editable sections');
  });

  it('sends a letter by post through the form: the next print file lists it; the viewer verifies it', async () => {
    const customer = customers[1]!;
    const login = await app.inject({
      method: 'POST',
      url: '/login',
      payload: { name: 'agent1', password: PASSWORD },
    });
    const cookie = `missive_session=${login.cookies.find((c) => c.name === 'missive_session')!.value}`;
    const me = (await app.inject({ url: '/api/me', headers: { cookie } })).json();
    const customerPage = await app.inject({ url: `/ui/customers/${customer.id}`, headers: { cookie } });
    expect(customerPage.body).toContain(`/ui/customers/${customer.id}/letters/new`);
    const formPage = await app.inject({
      url: `/ui/customers/${customer.id}/letters/new`,
      headers: { cookie },
    });
    expect(formPage.statusCode).toBe(200);
    expect(formPage.body).toContain('name="section_body"');
    expect(formPage.body).toContain('<option value="apology">');
    const form = (url: string, fields: Record<string, string>) =>
      app.inject({
        method: 'POST',
        url,
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: me.csrfToken, ...fields }).toString(),
      });
    const fields = {
      id: 'ui-letter-post-0001',
      template: 'general-letter',
      section_subject: sections.subject,
      section_body: sections.body,
      section_closing: 'confirmation',
      section_postscript: '',
      channel: 'print',
      reason: '客户要求书面确认',
    };
    const preview = await form(`/ui/customers/${customer.id}/letters/preview`, fields);
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.headers['content-type']).toBe('application/pdf');
    const sent = await form(`/ui/customers/${customer.id}/letters`, fields);
    expect(sent.statusCode, sent.body).toBe(303);
    const letterId = String(sent.headers.location).split('/').pop()!;
    const letter = (await getCommunication(temp.store.db, letterId))!;
    expect(letter).toMatchObject({ channel: 'print', status: 'archived', copyOf: null });
    // The preview was the letter: the same renderer and data, so the same bytes.
    expect(letter.artifactSha256).toBe(preview.headers['x-missive-sha256']);
    const viewer = await app.inject({ url: String(sent.headers.location), headers: { cookie } });
    expect(viewer.body).toContain('id="verified"');
    // The next print file (the statement run's) carries the letter, not flagged as a reprint, and
    // the letter the organisation's systems asked for on paper through the API.
    const outDir = path.join(temp.dir, 'print');
    const outcome = await buildPrintStreams(
      { db: temp.store.db, blobs, logger: createLogger('silent') },
      { runId: statementRunId, options: printStreamOptions({}), outDir },
    );
    expect(outcome.totals.documents).toBe(3);
    const csv = await fs.readFile(outcome.manifests.csv, 'utf8');
    const [header, ...rows] = csv.trim().split('\r\n');
    const columns = header!.split(',');
    const row = rows
      .map((r) => r.split(','))
      .find((cells) => cells[columns.indexOf('communication_id')] === letterId);
    expect(row, csv).toBeDefined();
    expect(row![columns.indexOf('reprint')]).toBe('0');
    expect(row![columns.indexOf('document_sha256')]).toBe(letter.artifactSha256);
    expect((await getCommunication(temp.store.db, letterId))!.status).toBe('in_print_file');
    expect(csv).toContain(systemLetterId);
    expect((await getCommunication(temp.store.db, systemLetterId))!.status).toBe('in_print_file');
    // Once in a print file it is not handed to another one.
    const later = await buildPrintStreams(
      { db: temp.store.db, blobs, logger: createLogger('silent') },
      { runId: letter.runId, options: printStreamOptions({}), outDir: path.join(temp.dir, 'print-2') },
    );
    expect(later.totals.documents).toBe(0);
    const systemLetter = (await getCommunication(temp.store.db, systemLetterId))!;
    const ownRun = await buildPrintStreams(
      { db: temp.store.db, blobs, logger: createLogger('silent') },
      { runId: systemLetter.runId, options: printStreamOptions({}), outDir: path.join(temp.dir, 'print-3') },
    );
    expect(ownRun.totals.documents).toBe(0);
  });
});
