import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import type { Customer } from '../../src/core/types.ts';
import type { Store } from '../../src/store/db.ts';
import { type PublishedTemplate, publishTemplatePackage } from '../../src/templates/publish.ts';
import { bearer, seedUsers } from '../support/api.ts';
import { loadStatementFeeds } from '../support/statement-feeds.ts';
import { importBankCustomers, openTempStore, type TempStore } from '../support/stores.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
const NOW = new Date('2026-11-23T10:00:00.000Z');

/** POST /api/preview against a SQLite store with the shipped statement and reminder published. */
describe('POST /api/preview', () => {
  let store: Store;
  let temp: TempStore | undefined;
  let app: FastifyInstance;
  let reminder: PublishedTemplate;
  let token: string;
  const customers: Customer[] = [];

  beforeAll(async () => {
    temp = await openTempStore('api-preview');
    ({ store } = temp);
    customers.push(...(await importBankCustomers(store)));
    await loadStatementFeeds(store.db, customers, '2026-10-31');
    await publishTemplatePackage(store.db, path.join(root, 'templates', 'monthly-statement'));
    reminder = await publishTemplatePackage(store.db, path.join(root, 'templates', 'payment-reminder'));
    token = (await seedUsers(store.db)).marketer;
    app = buildApp({ db: store.db, now: () => NOW });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await temp?.close();
  });

  const post = (payload: object) =>
    app.inject({ method: 'POST', url: '/api/preview', payload, headers: bearer(token) });

  it('print: the PDF bytes for a stored customer, with sha256 and page count headers', async () => {
    const customer = customers[0]!;
    const res = await post({
      template: 'monthly-statement',
      channel: 'print',
      customerId: customer.id,
      asOf: '2026-10-31',
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const bytes = res.rawPayload;
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(res.headers['x-missive-sha256']).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(Number(res.headers['x-missive-pages'])).toBeGreaterThanOrEqual(1);
    // Deterministic: the same request gives the same bytes.
    const again = await post({
      template: 'monthly-statement',
      channel: 'print',
      customerId: customer.id,
      asOf: '2026-10-31',
    });
    expect(again.headers['x-missive-sha256']).toBe(res.headers['x-missive-sha256']);
  }, 60_000);

  it('email: subject, HTML, text and sha256 as JSON, by version id and with given data', async () => {
    const data = JSON.parse(
      fs.readFileSync(path.join(root, 'templates', 'payment-reminder', 'sample-data.json'), 'utf8'),
    );
    data.customer.name = 'Smith & Sons';
    const res = await post({
      template: reminder.id,
      channel: 'email',
      data,
      locale: 'en-GB',
      asOf: '2026-11-01',
    });
    expect(res.statusCode).toBe(200);
    const json = res.json();
    expect(json).toMatchObject({ warnings: [], sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(typeof json.subject).toBe('string');
    expect(json.subject.length).toBeGreaterThan(0);
    expect(json.html).toContain('Smith &amp; Sons');
    expect(json.text).toContain('Smith & Sons');
  });

  it('sms: text, encoding and segments as JSON (zh-CN is UCS-2)', async () => {
    const res = await post({
      template: 'payment-reminder',
      channel: 'sms',
      locale: 'zh-CN',
      asOf: '2026-11-01',
    });
    expect(res.statusCode).toBe(200);
    const json = res.json();
    expect(json.encoding).toBe('UCS-2');
    expect(json.segments).toBeGreaterThanOrEqual(1);
    expect(json.text.length).toBeGreaterThan(0);
    expect(json.sha256).toBe(createHash('sha256').update(json.text, 'utf8').digest('hex'));
    expect(json.warnings).toEqual([]);
    const en = (await post({ template: 'payment-reminder', channel: 'sms', locale: 'en-GB' })).json();
    expect(en.encoding).toBe('GSM-7');
  });

  it('an unknown template or customer is a 404 with its code', async () => {
    const res = await post({ template: 'no-such-template', channel: 'sms' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('MSV_TEMPLATE_NOT_FOUND');
    const version = await post({ template: 'payment-reminder@000000000000', channel: 'sms' });
    expect(version.statusCode).toBe(404);
    const customer = await post({ template: 'monthly-statement', channel: 'print', customerId: 'nobody' });
    expect(customer.statusCode).toBe(404);
    expect(customer.json().error).toMatchObject({
      code: 'MSV_STORE_NOT_FOUND',
      details: { field: 'customerId' },
    });
  });

  it('a bad body is a 400 naming the field', async () => {
    const channel = await post({ template: 'payment-reminder', channel: 'fax' });
    expect(channel.statusCode).toBe(400);
    expect(channel.json().error).toMatchObject({
      code: 'MSV_API_BAD_REQUEST',
      details: { field: 'channel' },
    });
    const asOf = await post({ template: 'payment-reminder', channel: 'sms', asOf: '2026-02-30' });
    expect(asOf.statusCode).toBe(400);
    expect(asOf.json().error.details.field).toBe('asOf');
    const missing = await post({ channel: 'sms' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.details.field).toBe('template');
    const extra = await post({ template: 'payment-reminder', channel: 'sms', colour: 'red' });
    expect(extra.statusCode).toBe(400);
    const both = await post({ template: 'payment-reminder', channel: 'sms', customerId: 'x', data: {} });
    expect(both.json().error.details.field).toBe('data');
  });

  it('a channel the template lacks is refused with its code', async () => {
    const res = await post({ template: 'payment-reminder', channel: 'print' });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('MSV_TEMPLATE_INVALID');
  });
});
