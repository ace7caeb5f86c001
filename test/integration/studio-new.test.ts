import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import type { Customer } from '../../src/core/types.ts';
import { synthesizeIdentity } from '../../src/customers/synthetic-identity.ts';
import { lintTemplatePackage } from '../../src/render/heavy.ts';
import { upsertCustomers } from '../../src/store/customers.ts';
import { STARTERS, STARTERS_DIR } from '../../src/studio/starters.ts';
import { publishTemplatePackage } from '../../src/templates/publish.ts';
import { bearer, seedUsers } from '../support/api.ts';
import { loadStatementFeeds } from '../support/statement-feeds.ts';
import { openTempStore, ROOT, type TempStore } from '../support/stores.ts';

/**
 * Issue 21 item 4 through the routes: the starters' gallery, the new template's name and data
 * contract checked (each refusal names its field), and a template made from a starter going through
 * draft → submit → approve → published, then rendered like any other published template.
 */
describe('studio: new template from a starter', () => {
  let temp: TempStore;
  let app: FastifyInstance;
  let tokens: Awaited<ReturnType<typeof seedUsers>>;
  const customer: Customer = { ...synthesizeIdentity('N0001', { locale: 'en-GB' }), traits: {} };

  beforeAll(async () => {
    temp = await openTempStore('studio-new');
    tokens = await seedUsers(temp.store.db);
    await upsertCustomers(temp.store.db, [customer]);
    await loadStatementFeeds(temp.store.db, [customer], '2026-10-31');
    await publishTemplatePackage(temp.store.db, `${ROOT}/templates/monthly-statement`);
    app = buildApp({ db: temp.store.db, now: () => new Date('2026-11-23T10:00:00.000Z') });
  });

  afterAll(async () => {
    await app?.close();
    await temp?.close();
  });

  const call = (role: keyof typeof tokens, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
    app.inject({ method, url, headers: bearer(tokens[role]), ...(payload ? { payload } : {}) });

  it('every starter is a valid package in en-GB and zh-CN that renders its sample', async () => {
    for (const id of STARTERS) {
      const manifest = JSON.parse(fs.readFileSync(path.join(STARTERS_DIR, id, 'manifest.json'), 'utf8'));
      expect(manifest.locales).toEqual(['en-GB', 'zh-CN']);
      const report = await lintTemplatePackage(path.join(STARTERS_DIR, id));
      expect(
        report.issues.filter((i) => i.severity === 'error'),
        id,
      ).toEqual([]);
    }
  }, 60_000);

  it('the gallery shows six starters, print thumbnails and the data sources', async () => {
    const page = await call('marketer', 'GET', '/ui/studio/new');
    expect(page.statusCode).toBe(200);
    for (const id of STARTERS) expect(page.body).toContain(`data-starter="${id}"`);
    expect(page.body).toContain('<option value="monthly-statement"');
    const thumb = await call('marketer', 'GET', '/ui/studio/starters/letter/page.png');
    expect(thumb.headers['content-type']).toBe('image/png');
    expect((await call('marketer', 'GET', '/ui/studio/starters/nope/page.png')).statusCode).toBe(400);
    expect((await call('agent', 'GET', '/ui/studio/new')).statusCode).toBe(403);
  });

  it('refuses a bad name, a taken name, an unknown starter or data source, and a contract the starter does not fit', async () => {
    const post = (body: object) => call('marketer', 'POST', '/api/studio/drafts/starter', body);
    const cases: [object, string][] = [
      [{ starter: 'letter', name: 'Spring Letter', dataSource: '' }, 'name'],
      [{ starter: 'letter', name: 'monthly-statement', dataSource: '' }, 'name'],
      [{ starter: 'letter', name: 'letter', dataSource: '' }, 'name'],
      [{ starter: 'poster', name: 'spring-poster', dataSource: '' }, 'starter'],
      [{ starter: 'letter', name: 'spring-letter', dataSource: 'nope' }, 'dataSource'],
    ];
    for (const [body, field] of cases) {
      const res = await post(body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.details.field).toBe(field);
      expect(res.json().error.message.startsWith(`${field}:`)).toBe(true);
    }
    expect(
      (await post({ starter: 'letter', name: 'monthly-statement', dataSource: '' })).json().error.message,
    ).toContain('already exists');
    // A statement needs account and transactions: the customer record has neither (the fields are named).
    const contract = await post({ starter: 'statement', name: 'quarterly-statement', dataSource: '' });
    expect(contract.statusCode).toBe(422);
    expect(contract.json().error.code).toBe('MSV_DATA_CONTRACT');
    expect(contract.json().error.message).toContain('account');
    expect(contract.body).not.toContain(ROOT);
    // The form shows the refusal on the gallery with what was typed.
    const form = await call('marketer', 'POST', '/ui/studio/new', {
      starter: 'letter',
      name: 'Bad Name',
      dataSource: '',
    });
    expect(form.statusCode).toBe(400);
    expect(form.body).toMatch(/role="alert">name: /);
    expect(form.body).toContain('value="Bad Name"');
  });

  it('a letter from a starter goes through submit and four-eyes approval, and renders as a published template', async () => {
    const created = await call('marketer', 'POST', '/ui/studio/new', {
      starter: 'letter',
      name: 'welcome-letter',
      dataSource: '',
    });
    expect(created.statusCode).toBe(303);
    const id = created.headers.location!.split('/').at(-1)!;
    const draft = (await call('marketer', 'GET', `/api/studio/drafts/${id}`)).json();
    expect(draft).toMatchObject({ templateName: 'welcome-letter', baseVersionId: null, status: 'draft' });
    expect(JSON.parse(draft.files['manifest.json'])).toMatchObject({
      name: 'welcome-letter',
      channels: ['print'],
    });
    // A second draft for the same new name is refused while the first is open.
    const twice = await call('marketer', 'POST', '/api/studio/drafts/starter', {
      starter: 'letter',
      name: 'welcome-letter',
      dataSource: '',
    });
    expect(twice.json().error.message).toContain(id);

    expect((await call('marketer', 'POST', `/api/studio/drafts/${id}/submit`)).statusCode).toBe(200);
    expect((await call('marketer', 'POST', `/api/studio/drafts/${id}/approve`)).statusCode).toBe(403);
    const approved = await call('admin', 'POST', `/api/studio/drafts/${id}/approve`);
    expect(approved.statusCode).toBe(200);
    expect(approved.json().published).toMatchObject({ name: 'welcome-letter', version: 1, created: true });

    const pdf = await call('marketer', 'POST', '/api/preview', {
      template: 'welcome-letter',
      channel: 'print',
      customerId: customer.id,
    });
    expect(pdf.statusCode).toBe(200);
    const file = path.join(temp.dir, 'welcome-letter.pdf');
    fs.writeFileSync(file, pdf.rawPayload);
    const text = execFileSync('pdftotext', [file, '-']).toString();
    expect(text).toContain('We are writing to you about your account');
    expect(text).toContain(customer.name);
  }, 60_000);

  it('a statement from a starter reads the chosen data source (the manifest names it) for a stored customer', async () => {
    const created = await call('marketer', 'POST', '/api/studio/drafts/starter', {
      starter: 'statement',
      name: 'simple-statement',
      dataSource: 'monthly-statement',
    });
    expect(created.statusCode).toBe(201);
    const draft = created.json();
    expect(JSON.parse(draft.files['manifest.json']).dataSource).toBe('monthly-statement');
    const preview = (
      await call('marketer', 'POST', `/api/studio/drafts/${draft.id}/preview`, { customerId: customer.id })
    ).json();
    expect(preview.issues).toEqual([]);
    expect(preview.print.pages).toBeGreaterThanOrEqual(1);
    expect((await call('marketer', 'POST', `/api/studio/drafts/${draft.id}/submit`)).statusCode).toBe(200);
  }, 60_000);
});
