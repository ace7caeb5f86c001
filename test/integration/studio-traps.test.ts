import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import { publishTemplatePackage } from '../../src/templates/publish.ts';
import { bearer, seedUsers } from '../support/api.ts';
import { openTempStore, ROOT, type TempStore } from '../support/stores.ts';

/**
 * Issue 21 item 7, the studio's traps, through its routes: the version picker chooses nothing by
 * itself, an unchanged draft is refused ("no changes"), the submitter is told who may approve instead
 * of being shown a button that refuses, and no message carries a server path.
 */
describe('studio traps', () => {
  let temp: TempStore;
  let app: FastifyInstance;
  let tokens: Awaited<ReturnType<typeof seedUsers>>;

  beforeAll(async () => {
    temp = await openTempStore('studio-traps');
    tokens = await seedUsers(temp.store.db);
    await publishTemplatePackage(temp.store.db, `${ROOT}/templates/payment-reminder`);
    await publishTemplatePackage(temp.store.db, `${ROOT}/templates/monthly-statement`);
    app = buildApp({ db: temp.store.db, now: () => new Date('2026-11-23T10:00:00.000Z') });
  });

  afterAll(async () => {
    await app?.close();
    await temp?.close();
  });

  const call = (role: keyof typeof tokens, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
    app.inject({ method, url, headers: bearer(tokens[role]), ...(payload ? { payload } : {}) });

  it('the "from a published version" list preselects no template; a draft without one is refused by name', async () => {
    const home = await call('marketer', 'GET', '/ui/studio');
    const select = /<select name="from" required>([\s\S]*?)<\/select>/.exec(home.body)?.[1] ?? '';
    expect(select).toMatch(/^<option value="" selected disabled>/);
    expect(select.match(/ selected/g)).toHaveLength(1);
    expect(select).toContain('<optgroup label="monthly-statement">');
    expect(select).toContain('<optgroup label="payment-reminder">');
    const none = await call('marketer', 'POST', '/ui/studio/drafts', {});
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain('from');
  });

  it('an unchanged draft cannot be submitted ("no changes"); once edited it can', async () => {
    const draft = (await call('marketer', 'POST', '/api/studio/drafts', { from: 'payment-reminder' })).json();
    const api = await call('marketer', 'POST', `/api/studio/drafts/${draft.id}/submit`);
    expect(api.statusCode).toBe(409);
    expect(api.json().error).toMatchObject({ code: 'MSV_STUDIO_NO_CHANGES' });
    const form = await call('marketer', 'POST', `/ui/studio/drafts/${draft.id}/submit`, {});
    expect(form.statusCode).toBe(409);
    expect(form.body).toMatch(
      /role="alert">no changes: draft drf_\w+ has the same files as payment-reminder@/,
    );
    const sms: string = draft.files['sms.hbs'];
    await call('marketer', 'PUT', `/api/studio/drafts/${draft.id}/files`, {
      files: { 'sms.hbs': sms.replace('{{', 'Reminder: {{') },
    });
    expect((await call('marketer', 'POST', `/api/studio/drafts/${draft.id}/submit`)).statusCode).toBe(200);
  });

  it('the submitter sees who may approve, not an approve button; another approver sees the button', async () => {
    const draft = (await call('admin', 'POST', '/api/studio/drafts', { from: 'payment-reminder' })).json();
    const sms: string = draft.files['sms.hbs'];
    await call('admin', 'PUT', `/api/studio/drafts/${draft.id}/files`, { files: { 'sms.hbs': `${sms} ` } });
    expect((await call('admin', 'POST', `/api/studio/drafts/${draft.id}/submit`)).statusCode).toBe(200);
    const own = await call('admin', 'GET', `/ui/studio/drafts/${draft.id}`);
    expect(own.body).not.toContain('id="approve-button"');
    const may = /<span id="may-approve">([^<]*)<\/span>/.exec(own.body)?.[1] ?? '';
    expect(may).not.toContain('admin1');
    expect(own.body).toContain('id="reject-button"');
    // A second admin may approve: seed one and look again.
    expect((await call('admin', 'POST', '/api/studio/approvers', { user: 'marketer1' })).statusCode).toBe(
      204,
    );
    const again = await call('admin', 'GET', `/ui/studio/drafts/${draft.id}`);
    expect(/<span id="may-approve">([^<]*)<\/span>/.exec(again.body)?.[1]).toContain('marketer1');
    const other = await call('marketer', 'GET', `/ui/studio/drafts/${draft.id}`);
    expect(other.body).toContain('id="approve-button"');
  });

  it('no message carries a server path: a refused submit on the page, an unknown package over the API', async () => {
    const draft = (
      await call('marketer', 'POST', '/api/studio/drafts', { from: 'monthly-statement' })
    ).json();
    const manifest = JSON.parse(draft.files['manifest.json']);
    manifest.dataSchema.required.push('loyaltyTier');
    manifest.dataSchema.properties.loyaltyTier = { type: 'string' };
    const sample = { ...JSON.parse(draft.files['sample-data.json']), loyaltyTier: 'gold' };
    await call('marketer', 'PUT', `/api/studio/drafts/${draft.id}/files`, {
      files: {
        'manifest.json': JSON.stringify(manifest, null, 2),
        'sample-data.json': JSON.stringify(sample),
      },
    });
    const refused = await call('marketer', 'POST', `/ui/studio/drafts/${draft.id}/submit`, {});
    expect(refused.statusCode).toBe(422);
    const alert = /role="alert">([^<]*)</.exec(refused.body)?.[1] ?? '';
    expect(alert).toContain('loyaltyTier');
    expect(alert).not.toContain(ROOT);
    const unknown = await call('marketer', 'POST', '/api/studio/drafts', { package: 'no-such-template' });
    expect(unknown.statusCode).toBeGreaterThanOrEqual(400);
    expect(unknown.body).not.toContain(ROOT);
  });
});
