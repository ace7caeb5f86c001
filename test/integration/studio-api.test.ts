import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import type { Customer } from '../../src/core/types.ts';
import { synthesizeIdentity } from '../../src/customers/synthetic-identity.ts';
import { publishCatalogDir } from '../../src/rules/publish.ts';
import { upsertCustomers } from '../../src/store/customers.ts';
import { publishTemplatePackage } from '../../src/templates/publish.ts';
import { bearer, seedUsers } from '../support/api.ts';
import { loadStatementFeeds } from '../support/statement-feeds.ts';
import { importBankCustomers, openTempStore, ROOT, type TempStore } from '../support/stores.ts';

/** The studio's HTTP side: drafts, live preview (lint, PDF page images, e-mail frame, SMS), four eyes. */
describe('studio API', () => {
  let temp: TempStore;
  let app: FastifyInstance;
  let tokens: Awaited<ReturnType<typeof seedUsers>>;
  let statementDraft: string;

  beforeAll(async () => {
    temp = await openTempStore('studio-api');
    tokens = await seedUsers(temp.store.db);
    const customer: Customer = {
      ...synthesizeIdentity('S0001', { locale: 'zh-CN' }),
      traits: { balance: 12 },
    };
    await upsertCustomers(temp.store.db, [customer]);
    // A customer's preview renders as of the end of last month (the clock below: October 2026).
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

  it('lists templates with the version id a run pins', async () => {
    const res = await call('marketer', 'GET', '/api/studio/templates');
    expect(res.statusCode).toBe(200);
    const statement = res.json().templates.find((t: { name: string }) => t.name === 'monthly-statement');
    expect(statement.versions[0].id).toMatch(/^monthly-statement@[0-9a-f]{12}$/);
    expect((await call('agent', 'GET', '/api/studio/templates')).statusCode).toBe(403);
  });

  it('previews a draft as it is edited: a misspelt variable is a lint issue, the fix renders two pages', async () => {
    const created = await call('marketer', 'POST', '/api/studio/drafts', { from: 'monthly-statement' });
    expect(created.statusCode).toBe(201);
    statementDraft = created.json().id;
    const yaml: string = created.json().files['print.yaml'];
    const put = await call('marketer', 'PUT', `/api/studio/drafts/${statementDraft}/files`, {
      files: { 'print.yaml': yaml.replace('{{offers.[0].headline}}', '{{offers.[0].hedline}}') },
    });
    expect(put.statusCode).toBe(200);
    const broken = (
      await call('marketer', 'POST', `/api/studio/drafts/${statementDraft}/preview`, {})
    ).json();
    expect(broken.issues[0]).toMatchObject({ severity: 'error', code: 'MSV_TEMPLATE_VARIABLE_MISSING' });
    expect(broken.issues[0].message).toContain('hedline');
    await call('marketer', 'PUT', `/api/studio/drafts/${statementDraft}/files`, {
      files: { 'print.yaml': yaml },
    });
    const fixed = (await call('marketer', 'POST', `/api/studio/drafts/${statementDraft}/preview`, {})).json();
    expect(fixed.issues).toEqual([]);
    expect(fixed.print.pages).toBe(2);

    const png = await call('marketer', 'GET', `/ui/studio/drafts/${statementDraft}/page/2?locale=zh-CN`);
    expect(png.statusCode).toBe(200);
    expect(png.headers['content-type']).toBe('image/png');
    expect(png.rawPayload.subarray(1, 4).toString()).toBe('PNG');
    const forCustomer = (
      await call('marketer', 'POST', `/api/studio/drafts/${statementDraft}/preview`, { customerId: 'S0001' })
    ).json();
    expect(forCustomer).toMatchObject({ locale: 'zh-CN', issues: [] });
    const audit = (await call('admin', 'GET', '/api/audit?targetId=S0001')).json();
    expect(JSON.stringify(audit)).toContain('studio.preview');
    const unknown = await call('marketer', 'POST', `/api/studio/drafts/${statementDraft}/preview`, {
      customerId: 'NOPE',
    });
    expect(unknown.statusCode).toBe(404);
    const sample = created.json().files['sample-data.json'] as string;
    await call('marketer', 'PUT', `/api/studio/drafts/${statementDraft}/files`, {
      files: { 'sample-data.json': '{ "customer": ' },
    });
    const brokenSample = (
      await call('marketer', 'POST', `/api/studio/drafts/${statementDraft}/preview`, {})
    ).json();
    expect(brokenSample.issues[0].message).toMatch(/^sample-data.json: /);
    await call('marketer', 'PUT', `/api/studio/drafts/${statementDraft}/files`, {
      files: { 'sample-data.json': sample },
    });
  });

  it('previews e-mail (sandboxed frame, strict CSP) and SMS with its segment count', async () => {
    await publishTemplatePackage(temp.store.db, `${ROOT}/templates/payment-reminder`);
    const id = (await call('marketer', 'POST', '/api/studio/drafts', { package: 'payment-reminder' })).json()
      .id;
    const preview = (
      await call('marketer', 'POST', `/api/studio/drafts/${id}/preview`, { locale: 'en-GB' })
    ).json();
    expect(preview.issues.filter((i: { severity: string }) => i.severity === 'error')).toEqual([]);
    expect(preview.sms.segments).toBeGreaterThanOrEqual(1);
    expect(preview.email.subject.length).toBeGreaterThan(0);
    const frame = await call('marketer', 'GET', `/ui/studio/drafts/${id}/email?locale=en-GB`);
    expect(frame.statusCode).toBe(200);
    expect(frame.headers['content-security-policy']).toContain("default-src 'none'");
  });

  it('four eyes over HTTP: the submitter gets 403, another approver publishes', async () => {
    // The draft was edited back to its base: nothing to publish (issue 21: it used to publish the old hash).
    const unchanged = await call('admin', 'POST', `/api/studio/drafts/${statementDraft}/submit`);
    expect(unchanged.statusCode).toBe(409);
    expect(unchanged.json().error).toMatchObject({ code: 'MSV_STUDIO_NO_CHANGES' });
    expect(unchanged.json().error.message).toContain('no changes');
    const files = (await call('admin', 'GET', `/api/studio/drafts/${statementDraft}`)).json().files;
    const en: string = files['locales/en-GB.json'];
    await call('admin', 'PUT', `/api/studio/drafts/${statementDraft}/files`, {
      files: { 'locales/en-GB.json': en.replace('"Chosen for you"', '"Picked for you"') },
    });
    const submit = await call('admin', 'POST', `/api/studio/drafts/${statementDraft}/submit`);
    expect(submit.statusCode).toBe(200);
    const self = await call('admin', 'POST', `/api/studio/drafts/${statementDraft}/approve`);
    expect(self.statusCode).toBe(403);
    expect(self.json().error.code).toBe('MSV_STUDIO_SELF_APPROVAL');
    expect((await call('marketer', 'POST', `/api/studio/drafts/${statementDraft}/approve`)).statusCode).toBe(
      403,
    );
    expect((await call('admin', 'POST', '/api/studio/approvers', { user: 'marketer1' })).statusCode).toBe(
      204,
    );
    const approved = await call('marketer', 'POST', `/api/studio/drafts/${statementDraft}/approve`);
    expect(approved.statusCode).toBe(200);
    expect(approved.json().published).toMatchObject({ name: 'monthly-statement', created: true });
    const audit = (await call('admin', 'GET', `/api/audit?targetId=${statementDraft}`)).json();
    expect(JSON.stringify(audit)).toContain('studio.draft.approve.refused');
  });

  it('serves the studio pages to marketers', async () => {
    const home = await call('marketer', 'GET', '/ui/studio');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('monthly-statement@');
    const editor = await call('marketer', 'GET', `/ui/studio/drafts/${statementDraft}`);
    expect(editor.body).toContain('<script src="/assets/studio.js"></script>');
    expect((await call('marketer', 'GET', '/assets/studio.js')).statusCode).toBe(200);
    expect(home.body).not.toContain('id="approvers"');
    const admin = await call('admin', 'GET', '/ui/studio');
    expect(admin.body).toContain('id="approvers"');
    expect(admin.body).toContain('marketer1');
    expect((await app.inject({ method: 'GET', url: '/assets/studio.js' })).statusCode).toBe(303);
  });
});

describe('studio diff', () => {
  let temp: TempStore;
  let app: FastifyInstance;
  let token: string;

  beforeAll(async () => {
    temp = await openTempStore('studio-diff');
    token = (await seedUsers(temp.store.db)).marketer;
    await publishTemplatePackage(temp.store.db, `${ROOT}/templates/monthly-statement`);
    app = buildApp({ db: temp.store.db });
  });

  afterAll(async () => {
    await app?.close();
    await temp?.close();
  });

  it('shows a draft against its base: the changed line and the pixels that moved on page 1', async () => {
    const get = (url: string) => app.inject({ method: 'GET', url, headers: bearer(token) });
    const draft = (
      await app.inject({
        method: 'POST',
        url: '/api/studio/drafts',
        headers: bearer(token),
        payload: { from: 'monthly-statement' },
      })
    ).json();
    const strings: string = draft.files['locales/en-GB.json'];
    await app.inject({
      method: 'PUT',
      url: `/api/studio/drafts/${draft.id}/files`,
      headers: bearer(token),
      payload: {
        files: {
          'locales/en-GB.json': strings.replace('"Current Account Statement"', '"Your current account"'),
        },
      },
    });
    const a = encodeURIComponent(draft.baseVersionId);
    const b = encodeURIComponent(`draft:${draft.id}`);
    const page = await get(`/ui/studio/diff?a=${a}&b=${b}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('data-file="locales/en-GB.json"');
    expect(page.body).not.toContain('data-file="print.yaml"');
    expect(page.body).toMatch(/<pre class="add">\+ .*Your current account/);
    const pixels = await get(`/ui/studio/diff/pixels?a=${a}&b=${b}&locale=en-GB`);
    expect(pixels.statusCode).toBe(200);
    expect(pixels.headers['content-type']).toBe('image/png');
    expect(Number(pixels.headers['x-missive-changed-pixels'])).toBeGreaterThan(100);
    const same = await get(`/ui/studio/diff/pixels?a=${a}&b=${a}`);
    expect(same.headers['x-missive-changed-pixels']).toBe('0');
  });
});

describe('studio offers', () => {
  let temp: TempStore;
  let app: FastifyInstance;
  let tokens: Awaited<ReturnType<typeof seedUsers>>;

  beforeAll(async () => {
    temp = await openTempStore('studio-offers');
    tokens = await seedUsers(temp.store.db);
    await importBankCustomers(temp.store, `${ROOT}/test/fixtures/customers-bank-20.csv`);
    await publishCatalogDir(temp.store.db, `${ROOT}/catalogs/bank`, '2026-10-31');
    app = buildApp({ db: temp.store.db, now: () => new Date('2026-11-02T09:00:00Z') });
  });

  afterAll(async () => {
    await app?.close();
    await temp?.close();
  });

  const call = (role: keyof typeof tokens, method: 'GET' | 'POST', url: string, payload?: object) =>
    app.inject({ method, url, headers: bearer(tokens[role]), ...(payload ? { payload } : {}) });

  it('checks an edited offer: schema and rule issues, then who qualifies in the store; an approver publishes', async () => {
    const { offers, catalogVersion } = (await call('marketer', 'GET', '/api/studio/offers')).json();
    const offer = offers[0];
    const everyone = { ...offer, eligibility: { '==': [1, 1] }, validFrom: undefined, validTo: undefined };
    delete everyone.heldWhen;
    const all = (await call('marketer', 'POST', '/api/studio/offers/check', { offer: everyone })).json();
    expect(all.issues).toEqual([]);
    expect(all.qualifies).toMatchObject({ count: 20, scanned: 20, total: 20 });
    expect(all.qualifies.sample).toHaveLength(10);

    const unknownVar = (
      await call('marketer', 'POST', '/api/studio/offers/check', {
        offer: { ...offer, eligibility: { '>': [{ var: 'balanse' }, 0] } },
      })
    ).json();
    expect(unknownVar.issues[0]).toMatchObject({ code: 'MSV_RULES_UNKNOWN_VARIABLE' });
    expect(unknownVar.qualifies).toBeUndefined();
    const badShape = (
      await call('marketer', 'POST', '/api/studio/offers/check', {
        offer: { ...offer, validTo: '31/12/2026' },
      })
    ).json();
    expect(badShape.issues[0]).toMatchObject({ code: 'MSV_RULES_CATALOG_INVALID', path: 'validTo' });

    const edited = { ...offer, name: { ...offer.name, 'en-GB': 'A better name' } };
    expect((await call('marketer', 'POST', '/api/studio/offers/publish', { offer: edited })).statusCode).toBe(
      403,
    );
    const published = await call('admin', 'POST', '/api/studio/offers/publish', { offer: edited });
    expect(published.statusCode).toBe(200);
    expect(published.json().catalogVersion.id).not.toBe(catalogVersion);
    const after = (await call('marketer', 'GET', '/api/studio/offers')).json();
    expect(after.offers[0].name['en-GB']).toBe('A better name');
    const page = await call('marketer', 'GET', `/ui/studio/offers/${offer.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('A better name');
  });
});
