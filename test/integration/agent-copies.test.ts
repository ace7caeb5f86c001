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
import { decodeEmail } from '../../src/render/email.ts';
import { listAudit } from '../../src/store/audit.ts';
import { listAttachments } from '../../src/store/communication-attachments.ts';
import { getRecipient } from '../../src/store/communication-recipients.ts';
import { getCommunication } from '../../src/store/communications.ts';
import { deleteCustomerPersonalData } from '../../src/store/customer-erasure.ts';
import { upsertCustomers } from '../../src/store/customers.ts';
import { listEvents } from '../../src/store/events.ts';
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

/**
 * Issue 19 item 1: an agent resends and re-prints the exact archived document. The statement PDF is
 * made from loaded feeds (on-demand, on paper), resent by e-mail — the SMTP sink receives a PDF
 * attachment with the archive's sha256 — and re-printed: its run's print file lists it with the
 * reprint flag. An e-mail is resent to another address as the same archived message. Each action is
 * on the timeline and in the audit log; agents may do it, marketers may not.
 */
describe('agent copies: resend and re-print the exact archived bytes', () => {
  let temp: TempStore;
  let blobs: BlobStore;
  let sink: SmtpSink;
  let service: OnDemandService;
  let app: FastifyInstance;
  let tokens: Awaited<ReturnType<typeof seedUsers>> & { system?: string };
  const customers: Customer[] = [];
  let statementId: string;
  let reminderId: string;

  beforeAll(async () => {
    temp = await openTempStore('agent-copies');
    blobs = createFsBlobStore(path.join(temp.dir, 'archive'));
    sink = await startSmtpSink();
    customers.push(channelCustomer(1), channelCustomer(2, { eDelivery: false }));
    await upsertCustomers(temp.store.db, customers);
    await loadStatementFeeds(temp.store.db, customers, '2026-10-31');
    await publishTemplatePackage(temp.store.db, path.join(ROOT, 'templates', 'payment-reminder'));
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
    // The documents the customer holds: a statement on paper (from the loaded feeds), a reminder e-mail.
    const statement = await service.communicate('test', {
      type: 'monthly-statement',
      customerId: customers[1]!.id,
      channel: 'print',
      idempotencyKey: 'statement-0001',
    });
    statementId = statement.communication.id;
    expect(statement.communication.status).toBe('archived');
    const reminder = await service.communicate('test', {
      type: 'payment-reminder',
      customerId: customers[0]!.id,
      channel: 'email',
      data: {
        account: { number: '02-26-64 93331377', currency: 'GBP' },
        amountDue: 1234.5,
        dueDate: '2026-11-30',
        payUrl: 'https://pay.missive.example/r/7f3a9c',
      },
      idempotencyKey: 'reminder-0001',
    });
    reminderId = reminder.communication.id;
    await service.idle();
    expect((await getCommunication(temp.store.db, reminderId))!.status).toBe('sent');
    sink.clear();
  }, 90_000);
  afterAll(async () => {
    await app?.close();
    await sink?.close();
    await temp?.close();
  });

  const post = (customerId: string, id: string, action: string, payload: object, token = tokens.agent) =>
    app.inject({
      method: 'POST',
      url: `/api/customers/${customerId}/communications/${id}/${action}`,
      payload,
      headers: bearer(token),
    });

  it('resends a printed statement by e-mail: the sink gets the PDF with the sha256 of the archive', async () => {
    const customer = customers[1]!;
    const original = (await getCommunication(temp.store.db, statementId))!;
    const payload = { id: 'resend-statement-0001', reason: 'customer lost the letter' };
    expect((await post(customer.id, statementId, 'resend', payload, tokens.marketer)).statusCode).toBe(403);
    const res = await post(customer.id, statementId, 'resend', payload);
    expect(res.statusCode, res.body).toBe(201);
    const copy = res.json().communication;
    expect(copy).toMatchObject({ channel: 'email', copyOf: statementId, copyKind: 'resend' });
    await service.idle();
    const mail = await until(() => sink.messages.find((m) => m.envelope.to.includes(customer.email!)));
    const pdf = mail.parsed!.attachments.find((a) => a.contentType === 'application/pdf')!;
    expect(sha256(pdf.content)).toBe(original.artifactSha256);
    expect(pdf.filename).toBe('monthly-statement-2026-10-31.pdf');
    expect((await getCommunication(temp.store.db, copy.id))!.status).toBe('sent');
    // The ledger records what was attached.
    expect(await listAttachments(temp.store.db, copy.id)).toEqual([
      expect.objectContaining({ sha256: original.artifactSha256, mediaType: 'application/pdf' }),
    ]);
    const detail = await app.inject({
      url: `/api/customers/${customer.id}/communications/${copy.id}`,
      headers: bearer(tokens.agent),
    });
    expect(detail.json().communication.attachments[0].sha256).toBe(original.artifactSha256);
    // A retried post makes no second copy.
    const again = await post(customer.id, statementId, 'resend', payload);
    expect(again.statusCode).toBe(200);
    expect(again.json().communication.id).toBe(copy.id);
  });

  it('resends an e-mail to another address as the same archived message; erasure removes the address', async () => {
    const customer = customers[0]!;
    const original = (await getCommunication(temp.store.db, reminderId))!;
    const archived = decodeEmail(await blobs.get(original.artifactSha256!));
    const differ = await post(customer.id, reminderId, 'resend', {
      id: 'resend-reminder-0000',
      reason: 'sent to old address',
      to: 'new@example.test',
      toConfirm: 'nwe@example.test',
    });
    expect(differ.statusCode).toBe(400);
    const res = await post(customer.id, reminderId, 'resend', {
      id: 'resend-reminder-0001',
      reason: 'sent to old address',
      to: 'new@example.test',
      toConfirm: 'NEW@example.test',
    });
    expect(res.statusCode, res.body).toBe(201);
    const copy = res.json().communication;
    expect(copy.artifactSha256).toBe(original.artifactSha256);
    await service.idle();
    const mail = await until(() => sink.messages.find((m) => m.envelope.to.includes('new@example.test')));
    expect(mail.parsed!.subject).toBe(archived.subject);
    expect(sha256(Buffer.from(mail.parsed!.text ?? ''))).toBe(sha256(Buffer.from(archived.text)));
    // The same HTML, but for the images nodemailer moves from data: URIs to inline cid: parts.
    const images = (html: string) => html.replace(/src="(data|cid):[^"]*"/g, 'src="img"');
    expect(images(String(mail.parsed!.html))).toBe(images(archived.html));
    // The copy replays like the original: same inputs, same bytes.
    expect((await verifyCommunication({ db: temp.store.db, blobs }, copy.id)).ok).toBe(true);
    // The other address is nowhere but in its own table, which erasure empties.
    const events = await listEvents(temp.store.db, { communicationId: reminderId });
    const event = events.find((e) => e.type === 'agent-resend')!;
    expect(event.payload).toMatchObject({ agent: 'token:agent1', reason: 'sent to old address' });
    expect(JSON.stringify(events)).not.toContain('new@example.test');
    const audit = await listAudit(temp.store.db, { limit: 500 });
    expect(
      audit.filter((a) => a.action === 'communication.resend' && a.targetId === reminderId),
    ).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain('new@example.test');
    expect(await getRecipient(temp.store.db, copy.id)).toBe('new@example.test');
    await deleteCustomerPersonalData(temp.store.db, 'nobody-else');
    expect(await getRecipient(temp.store.db, copy.id)).toBe('new@example.test');
    await deleteCustomerPersonalData(temp.store.db, customer.id);
    expect(await getRecipient(temp.store.db, copy.id)).toBeUndefined();
  });

  it('re-prints the statement: the next print file of its run lists it with the reprint flag', async () => {
    const customer = customers[1]!;
    const original = (await getCommunication(temp.store.db, statementId))!;
    const res = await post(customer.id, statementId, 'reprint', {
      id: 'reprint-statement-0001',
      reason: 'letter damaged in the post',
    });
    expect(res.statusCode, res.body).toBe(201);
    const copy = res.json().communication;
    expect(copy).toMatchObject({ channel: 'print', status: 'archived', copyKind: 'reprint' });
    expect(copy.artifactSha256).toBe(original.artifactSha256);
    const outDir = path.join(temp.dir, 'print');
    const outcome = await buildPrintStreams(
      { db: temp.store.db, blobs, logger: createLogger('silent') },
      { runId: copy.runId, options: printStreamOptions({}), outDir },
    );
    // The re-print, and the original itself: an on-demand statement on paper waits for the next
    // print file like any letter (it was in none yet).
    expect(outcome.totals.documents).toBe(2);
    const csv = await fs.readFile(outcome.manifests.csv, 'utf8');
    const [header, ...rows] = csv.trim().split('\r\n');
    const column = (name: string) => header!.split(',').indexOf(name);
    const cells = rows.map((r) => r.split(',')).find((c) => c[column('communication_id')] === copy.id)!;
    const at = (name: string) => cells[column(name)];
    expect(at('reprint')).toBe('1');
    expect(at('reprint_of')).toBe(statementId);
    expect(at('document_sha256')).toBe(original.artifactSha256);
    const first = rows.map((r) => r.split(',')).find((c) => c[column('communication_id')] === statementId)!;
    expect(first[column('reprint')]).toBe('0');
    const json = JSON.parse(
      await fs.readFile(
        path.join(outDir, `${outcome.streams[0]!.file.replace(/\.pdf$/, '')}.manifest.json`),
        'utf8',
      ),
    );
    expect(JSON.stringify(json)).toContain('"reprint":true');
    // On the original's timeline (API) and in the audit log.
    const detail = await app.inject({
      url: `/api/customers/${customer.id}/communications/${statementId}`,
      headers: bearer(tokens.agent),
    });
    expect(detail.json().events.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining(['agent-resend', 'agent-reprint']),
    );
    const audit = await listAudit(temp.store.db, { limit: 500 });
    expect(audit.some((a) => a.action === 'communication.reprint' && a.targetId === statementId)).toBe(true);
    // An e-mail cannot be re-printed.
    const bad = await post(customers[0]!.id, reminderId, 'reprint', {
      id: 'reprint-bad-0001',
      reason: 'x y z',
    });
    expect(bad.statusCode).toBe(400);
  });

  it('the viewer has the resend and re-print forms; posted with the session and CSRF they make the copy', async () => {
    const customer = customers[1]!;
    const login = await app.inject({
      method: 'POST',
      url: '/login',
      payload: { name: 'agent1', password: PASSWORD },
    });
    const cookie = `missive_session=${login.cookies.find((c) => c.name === 'missive_session')!.value}`;
    const me = (await app.inject({ url: '/api/me', headers: { cookie } })).json();
    const url = `/ui/customers/${customer.id}/communications/${statementId}`;
    const page = await app.inject({ url, headers: { cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('id="resend"');
    expect(page.body).toContain('id="reprint"');
    const form = (fields: Record<string, string>, csrf = me.csrfToken) => ({
      method: 'POST' as const,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrf, ...fields }).toString(),
    });
    const fields = {
      id: 'ui-resend-000001',
      recipient: 'other',
      to: 'other@example.test',
      toConfirm: 'other@example.test',
      reason: 'wants it at work',
    };
    expect((await app.inject({ url: `${url}/resend`, ...form(fields, 'wrong') })).statusCode).toBe(403);
    const typo = await app.inject({
      url: `${url}/resend`,
      ...form({ ...fields, toConfirm: 'othr@example.test' }),
    });
    expect(typo.statusCode).toBe(400);
    const sent = await app.inject({ url: `${url}/resend`, ...form(fields) });
    expect(sent.statusCode, sent.body).toBe(303);
    expect(sent.headers.location).toBe(`${url}?copied=resend`);
    await service.idle();
    const mail = await until(() => sink.messages.find((m) => m.envelope.to.includes('other@example.test')));
    const original = (await getCommunication(temp.store.db, statementId))!;
    const pdf = mail.parsed!.attachments.find((a) => a.contentType === 'application/pdf')!;
    expect(sha256(pdf.content)).toBe(original.artifactSha256);
    const printed = await app.inject({
      url: `${url}/reprint`,
      ...form({ id: 'ui-reprint-00001', reason: 'never arrived' }),
    });
    expect(printed.statusCode).toBe(303);
    const after = await app.inject({ url: `${url}?copied=reprint`, headers: { cookie } });
    expect(after.body).toContain('id="copied"');
  });
});
