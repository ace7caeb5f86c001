import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import { addUser, issueApiToken } from '../../src/api/lookup/users.ts';
import type { BlobStore } from '../../src/archive/blob-store.ts';
import { createFsBlobStore } from '../../src/archive/fs-blob-store.ts';
import { verifyCommunication } from '../../src/archive/replay.ts';
import { type SmtpSink, startSmtpSink } from '../../src/channels/sinks/smtp-sink.ts';
import { createSmtpChannel } from '../../src/channels/smtp.ts';
import { createLogger } from '../../src/core/logger.ts';
import type { Customer } from '../../src/core/types.ts';
import { derivePortalLinkKey, verifyPortalLink } from '../../src/feedback/portal-link.ts';
import { createOnDemandService, type OnDemandService } from '../../src/on-demand/on-demand-service.ts';
import { verifySignature } from '../../src/on-demand/webhook-signature.ts';
import { upsertCustomers } from '../../src/store/customers.ts';
import { getRun } from '../../src/store/runs.ts';
import { publishTemplatePackage } from '../../src/templates/publish.ts';
import { bearer, seedUsers } from '../support/api.ts';
import { channelCustomer } from '../support/channels.ts';
import { loadStatementFeeds } from '../support/statement-feeds.ts';
import { openTempStore, ROOT, type TempStore } from '../support/stores.ts';

const REMINDER = {
  account: { number: '02-26-64 93331377', currency: 'GBP' },
  amountDue: 1234.5,
  dueDate: '2026-11-30',
  payUrl: 'https://pay.missive.example/r/7f3a9c',
};

/** A receiver of status webhooks on 127.0.0.1: answers 500 to the first `failFirst` posts of each event. */
async function startReceiver(failFirst: number) {
  const received: { headers: http.IncomingHttpHeaders; body: string; answered: number }[] = [];
  const seen = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const event = String(req.headers['missive-event-id']);
      seen.set(event, (seen.get(event) ?? 0) + 1);
      const answered = seen.get(event)! <= failFirst ? 500 : 200;
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), answered });
      res.writeHead(answered).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/missive`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function until<T>(what: () => Promise<T | undefined> | T | undefined, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await what();
    if (value) return value;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

const TRACKING_KEY = Buffer.from('tracking-key-of-the-on-demand-test-0123456789');

describe('on-demand API: POST /api/communications and signed status webhooks', () => {
  let temp: TempStore;
  let blobs: BlobStore;
  let sink: SmtpSink;
  let service: OnDemandService;
  let app: FastifyInstance;
  let tokens: Record<'agent' | 'marketer' | 'admin' | 'system', string>;
  const customers: Customer[] = [];

  beforeAll(async () => {
    temp = await openTempStore('on-demand');
    blobs = createFsBlobStore(path.join(temp.dir, 'archive'));
    sink = await startSmtpSink();
    customers.push(...Array.from({ length: 4 }, (_, i) => channelCustomer(i + 1)));
    await upsertCustomers(temp.store.db, customers);
    await loadStatementFeeds(temp.store.db, customers, '2026-10-31');
    await publishTemplatePackage(temp.store.db, path.join(ROOT, 'templates', 'payment-reminder'));
    await publishTemplatePackage(temp.store.db, path.join(ROOT, 'templates', 'monthly-statement'));
    const seeded = await seedUsers(temp.store.db);
    await addUser(temp.store.db, { name: 'payments-system', role: 'system' });
    tokens = { ...seeded, system: await issueApiToken(temp.store.db, 'payments-system', 'test') };
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
      webhooks: { intervalMs: 50, baseDelayMs: 100, settleMs: 0, timeoutMs: 2_000 },
      maxSendDelayMs: 100,
      renderLimits: { timeoutMs: 20_000, maxHeapMb: 512 },
      tracking: { baseUrl: 'https://missive.test', ttlDays: 30, key: () => TRACKING_KEY },
    });
    app = buildApp({ db: temp.store.db, blobs, onDemand: service });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await sink?.close();
    await temp?.close();
  });

  const post = (payload: object, token = tokens.system) =>
    app.inject({ method: 'POST', url: '/api/communications', payload, headers: bearer(token) });
  const reminder = (customer: Customer, key: string) => ({
    type: 'payment-reminder',
    customerId: customer.id,
    channel: 'email',
    data: REMINDER,
    idempotencyKey: key,
  });

  it('roles: a system token or an admin may call it; agents, marketers and no token may not; a system user reaches nothing else', async () => {
    const body = reminder(customers[3]!, 'role-check-0001');
    expect((await post(body, tokens.agent)).statusCode).toBe(403);
    expect((await post(body, tokens.marketer)).statusCode).toBe(403);
    const anonymous = await app.inject({ method: 'POST', url: '/api/communications', payload: body });
    expect(anonymous.statusCode).toBe(401);
    expect((await post(body, tokens.system)).statusCode).toBe(201);
    expect((await post({ ...body, idempotencyKey: 'role-check-0002' }, tokens.admin)).statusCode).toBe(201);
    for (const url of [
      '/api/customers?q=a',
      '/api/runs',
      '/api/webhook-endpoints',
      '/api/webhook-deliveries',
    ]) {
      const res = await app.inject({ method: 'GET', url, headers: bearer(tokens.system) });
      expect(res.statusCode, url).toBe(403);
    }
    // A system user has no password: it cannot be given one.
    await expect(
      addUser(temp.store.db, { name: 'billing-system', role: 'system', password: 'x'.repeat(20) }),
    ).rejects.toThrow(/API tokens only/);
    await service.idle();
  });

  it('the same idempotency key returns the same communication and sends once; another body with the key is refused', async () => {
    const customer = customers[0]!;
    const first = await post(reminder(customer, 'pay-failed-evt-1001'));
    expect(first.statusCode).toBe(201);
    const made = first.json().communication;
    expect(made).toMatchObject({ customerId: customer.id, type: 'payment-reminder', channel: 'email' });
    expect(['archived', 'sending', 'sent']).toContain(made.status);
    expect(made.sha256).toMatch(/^[0-9a-f]{64}$/);
    await service.idle();
    const again = await post(reminder(customer, 'pay-failed-evt-1001'));
    expect(again.statusCode).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().communication).toMatchObject({ id: made.id, status: 'sent', sha256: made.sha256 });
    const byKey = await app.inject({
      method: 'GET',
      url: '/api/communications/by-key/pay-failed-evt-1001',
      headers: bearer(tokens.system),
    });
    expect(byKey.json().communication.id).toBe(made.id);
    const other = await post({
      ...reminder(customer, 'pay-failed-evt-1001'),
      data: { ...REMINDER, amountDue: 1 },
    });
    expect(other.statusCode).toBe(400);
    expect(other.json().error.details.field).toBe('idempotencyKey');
    const mails = sink.messages.filter((m) => m.envelope.to.includes(customer.email!));
    expect(mails).toHaveLength(1);
    // The bytes sent are the archived bytes' message, and `missive verify` proves the document.
    const proof = await verifyCommunication({ db: temp.store.db, blobs }, made.id);
    expect(proof.ok).toBe(true);
    // A run of its own, kind on-demand, closed once the e-mail was sent; on the call-center timeline.
    const run = await getRun(temp.store.db, made.runId);
    expect(run).toMatchObject({ source: 'on-demand', status: 'completed', customersTotal: 1 });
    expect(run?.options.kind).toBe('on-demand');
    const timeline = await app.inject({
      method: 'GET',
      url: `/api/customers/${customer.id}/communications`,
      headers: bearer(tokens.agent),
    });
    expect(JSON.stringify(timeline.json())).toContain(made.id);
  });

  it('identical requests racing make one communication and one e-mail', async () => {
    const customer = customers[1]!;
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => post(reminder(customer, 'card-blocked-evt-2002'))),
    );
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 200, 200, 200, 200, 201]);
    expect(new Set(answers.map((a) => a.json().communication.id)).size).toBe(1);
    await service.idle();
    expect(sink.messages.filter((m) => m.envelope.to.includes(customer.email!))).toHaveLength(1);
  });

  it('two letters to one customer on one day are two communications; a bad request keeps nothing and frees its key', async () => {
    const customer = customers[2]!;
    const a = await post(reminder(customer, 'evt-3003-a'));
    const b = await post(reminder(customer, 'evt-3003-b'));
    expect(a.statusCode).toBe(201);
    expect(b.statusCode).toBe(201);
    expect(a.json().communication.id).not.toBe(b.json().communication.id);
    const bad = await post({ ...reminder(customer, 'evt-3003-c'), data: { ...REMINDER, dueDate: 'soon' } });
    expect(bad.statusCode).toBe(422);
    const unknown = await post({ ...reminder(customer, 'evt-3003-c'), type: 'payment-reminderr' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.message).toMatch(/Did you mean payment-reminder/);
    const noSms = await post({ ...reminder(customer, 'evt-3003-c'), channel: 'print' });
    expect(noSms.statusCode).toBe(400);
    expect((await post(reminder(customer, 'evt-3003-c'))).statusCode).toBe(201);
    await service.idle();
  });

  it('without data: the statement from its loaded feeds, on paper, a run closed at once', async () => {
    const customer = { ...customers[3]!, eDelivery: false };
    await upsertCustomers(temp.store.db, [customer]);
    const res = await post({
      type: 'monthly-statement',
      customerId: customer.id,
      idempotencyKey: 'stmt-copy-4004',
    });
    expect(res.statusCode).toBe(201);
    const made = res.json().communication;
    expect(made).toMatchObject({ channel: 'print', status: 'archived', asOf: '2026-10-31' });
    expect(made.pages).toBeGreaterThanOrEqual(1);
    expect((await verifyCommunication({ db: temp.store.db, blobs }, made.id)).ok).toBe(true);
    expect((await getRun(temp.store.db, made.runId))?.status).toBe('completed');
  }, 30_000);

  it('a statement e-mail made on demand carries the signed link to its one document in the portal', async () => {
    const customer = customers[2]!;
    const res = await post({
      type: 'monthly-statement',
      customerId: customer.id,
      channel: 'email',
      idempotencyKey: 'stmt-email-4003',
    });
    expect(res.statusCode, res.body).toBe(201);
    const made = res.json().communication;
    await service.idle();
    // The statement e-mail (its PDF attached), not an earlier reminder to the same address.
    const mail = await until(() =>
      sink.messages.find(
        (m) =>
          m.envelope.to.includes(customer.email!) &&
          (m.parsed?.attachments ?? []).some((a) => a.contentType === 'application/pdf'),
      ),
    );
    const url = /https:\/\/missive\.test\/portal\/open\/[A-Za-z0-9_.-]+/.exec(String(mail.parsed!.html))?.[0];
    expect(url, 'the e-mail has no portal link').toBeDefined();
    const claims = verifyPortalLink(derivePortalLinkKey(TRACKING_KEY), url!.split('/').pop()!, Date.now());
    expect(claims).toMatchObject({ communicationId: made.id, customerId: customer.id });
    // The link is in the sealed inputs: replay proves the e-mail with it.
    expect((await verifyCommunication({ db: temp.store.db, blobs }, made.id)).ok).toBe(true);
  }, 30_000);

  it('status webhooks: registered by an admin, signed over the raw body, retried with backoff (500, 500, 200), logged', async () => {
    const receiver = await startReceiver(2);
    try {
      const registered = await app.inject({
        method: 'POST',
        url: '/api/webhook-endpoints',
        payload: { url: receiver.url, description: 'core banking' },
        headers: bearer(tokens.admin),
      });
      expect(registered.statusCode).toBe(201);
      const { endpoint, secret } = registered.json();
      expect(secret).toMatch(/^whsec_/);
      const listed = await app.inject({
        method: 'GET',
        url: '/api/webhook-endpoints',
        headers: bearer(tokens.admin),
      });
      expect(JSON.stringify(listed.json())).not.toContain(secret);

      const customer = customers[0]!;
      const made = (await post(reminder(customer, 'webhook-evt-5005'))).json().communication;
      await service.idle();
      const ok = await until(() => {
        const good = receiver.received.filter((r) => r.answered === 200);
        const types = good.map((r) => JSON.parse(r.body).type);
        return types.includes('communication.archived') && types.includes('communication.sent')
          ? good
          : undefined;
      });
      for (const r of receiver.received) {
        const header = r.headers['missive-signature'] as string;
        expect(verifySignature(secret, header, r.body)).toMatchObject({ ok: true });
        expect(verifySignature('whsec_wrong', header, r.body).ok).toBe(false);
        const event = JSON.parse(r.body);
        expect(event.data).toMatchObject({ communicationId: made.id, idempotencyKey: 'webhook-evt-5005' });
        expect(r.headers['missive-event-id']).toBe(event.id);
      }
      // The first event was tried three times with the same id and body; each event delivered once.
      const archived = receiver.received.filter((r) => JSON.parse(r.body).type === 'communication.archived');
      expect(archived.map((r) => r.answered)).toEqual([500, 500, 200]);
      expect(new Set(archived.map((r) => r.body)).size).toBe(1);
      const sent = receiver.received.filter((r) => JSON.parse(r.body).type === 'communication.sent');
      expect(sent.map((r) => r.answered)).toEqual([500, 500, 200]);
      expect(ok).toHaveLength(2);

      const log = await app.inject({
        method: 'GET',
        url: `/api/webhook-deliveries?communicationId=${made.id}`,
        headers: bearer(tokens.admin),
      });
      const deliveries = log.json().deliveries as {
        endpointId: string;
        eventType: string;
        status: string;
        attempts: { statusCode: number; at: string }[];
      }[];
      const first = deliveries.find((d) => d.eventType === 'communication.archived')!;
      expect(first.status).toBe('delivered');
      expect(first.attempts.map((a) => a.statusCode)).toEqual([500, 500, 200]);
      // Exponential backoff: the second wait is about twice the first (100 ms, then 200 ms).
      const [t1, t2, t3] = first.attempts.map((a) => Date.parse(a.at));
      expect(t2! - t1!).toBeGreaterThanOrEqual(100);
      expect(t3! - t2!).toBeGreaterThanOrEqual(200);
      expect(deliveries.every((d) => d.endpointId === endpoint.id)).toBe(true);

      // A mailbox that refuses (550): failed and bounced, each told once.
      const refusing = customers[1]!;
      sink.reject(refusing.email!, 550);
      const bounced = (await post(reminder(refusing, 'webhook-evt-5006'))).json().communication;
      await service.idle();
      const told = await until(() => {
        const types = receiver.received
          .filter((r) => r.answered === 200 && JSON.parse(r.body).data.communicationId === bounced.id)
          .map((r) => JSON.parse(r.body).type as string);
        return types.includes('communication.failed') && types.includes('communication.bounced')
          ? types
          : undefined;
      });
      expect(told.sort()).toEqual([
        'communication.archived',
        'communication.bounced',
        'communication.failed',
      ]);
    } finally {
      await receiver.close();
    }
  }, 30_000);
});
