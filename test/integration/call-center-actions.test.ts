import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import { agentReasons } from '../../src/api/lookup/decision-reasons.ts';
import { createFsBlobStore } from '../../src/archive/fs-blob-store.ts';
import { loadCustomerHistory, loadModel, loadPublishedCatalog } from '../../src/rules/context-loader.ts';
import { decide } from '../../src/rules/decide.ts';
import { publishCatalogDir } from '../../src/rules/publish.ts';
import { listAudit } from '../../src/store/audit.ts';
import { getCustomer, upsertCustomers } from '../../src/store/customers.ts';
import { listEvents } from '../../src/store/events.ts';
import { CANARY, PASSWORD, seedDocuments, seedUsers } from '../support/api.ts';
import { loadStatementFeeds } from '../support/statement-feeds.ts';
import { openTempStore, ROOT, type TempStore } from '../support/stores.ts';

const AS_OF = '2026-10-31';

/**
 * Issue 19, customer-level actions: an agent changes how a customer may be reached (consent per
 * channel, paperless, do not contact) and writes call notes — each an event on the timeline with an
 * audit row, retried posts recorded once; do-not-contact suppresses the next marketing decision; and
 * a later import of an older customer file does not undo the customer's "no".
 */
describe('call-center actions on a customer', () => {
  let temp: TempStore;
  let app: FastifyInstance;
  let tokens: Awaited<ReturnType<typeof seedUsers>>;
  const auth = (role: 'agent' | 'marketer' | 'admin') => ({ authorization: `Bearer ${tokens[role]}` });

  beforeAll(async () => {
    temp = await openTempStore('call-center-actions');
    const blobs = createFsBlobStore(path.join(temp.dir, 'archive'));
    tokens = await seedUsers(temp.store.db);
    // Published before the test customers (who lack the bank's traits) are stored.
    await publishCatalogDir(temp.store.db, path.join(ROOT, 'catalogs', 'bank'), AS_OF);
    const seeded = await seedDocuments(temp.store.db, blobs);
    await loadStatementFeeds(temp.store.db, seeded.customers, AS_OF);
    app = buildApp({ db: temp.store.db, blobs, datasourcesDir: path.join(ROOT, 'datasources') });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await temp?.close();
  });

  it('changes consent and paperless with the reason, once per client id, on the timeline and in the audit log', async () => {
    const before = (await getCustomer(temp.store.db, 'C0002'))!;
    const payload = {
      id: 'pref-0000-0001',
      consent: { email: { marketing: false }, sms: { marketing: true } },
      eDelivery: !before.eDelivery,
      reason: `wants paper off, card ${CANARY.pan} mentioned`,
    };
    const url = '/api/customers/C0002/preferences';
    const first = await app.inject({ method: 'POST', url, headers: auth('agent'), payload });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ recorded: true, after: { eDelivery: !before.eDelivery } });
    const after = (await getCustomer(temp.store.db, 'C0002'))!;
    expect(after.consent.email.marketing).toBe(false);
    expect(after.consent.sms.marketing).toBe(true);
    expect(after.consent.print).toEqual(before.consent.print);
    expect(after.eDelivery).toBe(!before.eDelivery);

    const again = await app.inject({ method: 'POST', url, headers: auth('agent'), payload });
    expect(again.json()).toMatchObject({ recorded: false });
    const events = (await listEvents(temp.store.db, { customerId: 'C0002' })).filter(
      (e) => e.type === 'consent-changed',
    );
    expect(events).toHaveLength(1);
    expect(events[0]!.payload).toMatchObject({ actor: 'token:agent1' });
    expect(String(events[0]!.payload.reason)).not.toContain(CANARY.pan);
    const audit = await listAudit(temp.store.db, { limit: 500 });
    expect(audit.filter((a) => a.action === 'customer.preferences' && a.targetId === 'C0002')).toHaveLength(
      1,
    );
    // The audit row says why, as the event does (card numbers masked).
    const row = audit.find((a) => a.action === 'customer.preferences' && a.targetId === 'C0002')!;
    expect(row.details.reason).toBe(events[0]!.payload.reason);
    expect(JSON.stringify(row.details)).not.toContain(CANARY.pan);

    const timeline = (
      await app.inject({ url: '/api/customers/C0002/communications', headers: auth('agent') })
    ).json();
    expect(timeline.events.map((e: { type: string }) => e.type)).toContain('consent-changed');
  });

  it('refuses a change without a reason, an unknown customer, and roles other than agents and admins', async () => {
    const url = '/api/customers/C0002/preferences';
    const noReason = await app.inject({
      method: 'POST',
      url,
      headers: auth('agent'),
      payload: { id: 'pref-0000-0002', eDelivery: true, reason: '  ' },
    });
    expect(noReason.statusCode).toBe(400);
    const unknown = await app.inject({
      method: 'POST',
      url: '/api/customers/NOPE/preferences',
      headers: auth('agent'),
      payload: { id: 'pref-0000-0003', eDelivery: true, reason: 'asked' },
    });
    expect(unknown.statusCode).toBe(404);
    const marketer = await app.inject({
      method: 'POST',
      url,
      headers: auth('marketer'),
      payload: { id: 'pref-0000-0004', eDelivery: true, reason: 'asked' },
    });
    expect(marketer.statusCode).toBe(403);
  });

  it('records do-not-contact: marketing consent off everywhere and the next marketing decision suppressed', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/customers/C0003/preferences',
      headers: auth('agent'),
      payload: { id: 'pref-0000-0005', doNotContact: true, reason: 'asked not to be called again' },
    });
    expect(res.statusCode, res.body).toBe(200);
    const customer = (await getCustomer(temp.store.db, 'C0003'))!;
    expect(Object.values(customer.consent).every((c) => !c.marketing)).toBe(true);
    const catalog = await loadPublishedCatalog(temp.store.db, 'bank');
    const now = new Date().toISOString();
    const decision = decide(customer, {
      asOf: AS_OF,
      now,
      runId: 'run-after-dnc',
      communicationType: 'cross-sell-promotion',
      catalog,
      model: await loadModel(temp.store.db),
      history: await loadCustomerHistory(temp.store.db, 'C0003', catalog, now),
    });
    expect(decision.suppressed?.rule).toBe('do-not-contact');
  });

  it("says why an offer was not made in sentences from the offer's own rule, in English and Chinese", async () => {
    const customer = (await getCustomer(temp.store.db, 'C0002'))!;
    const catalog = await loadPublishedCatalog(temp.store.db, 'bank');
    const now = new Date().toISOString();
    const model = await loadModel(temp.store.db);
    const history = await loadCustomerHistory(temp.store.db, 'C0002', catalog, now);
    const traits = { ...customer.traits, age: 30, balance: 10, job: 'student', hasHousingLoan: false };
    const yes = { service: true, marketing: true };
    // The statement's offer slots weigh offers whatever the marketing consent; a run id whose seed
    // puts the customer outside the 10 % holdout.
    const decideIn = (runId: string) =>
      decide(
        { ...customer, traits, consent: { print: yes, email: yes, sms: yes } },
        { asOf: AS_OF, now, runId, communicationType: 'monthly-statement', catalog, model, history },
      );
    let decision = decideIn('run-reasons-0');
    for (let i = 1; decision.holdout || decision.suppressed; i += 1) decision = decideIn(`run-reasons-${i}`);
    const eligibility = decision.rejected.filter((r) => r.rule === 'eligibility');
    expect(eligibility.length).toBeGreaterThan(0);
    const en = await agentReasons(temp.store.db, decision, 'en-GB');
    const zh = await agentReasons(temp.store.db, decision, 'zh-CN');
    const enNotOffered = en.filter((l) => l.includes('Not offered: '));
    expect(enNotOffered).toHaveLength(decision.rejected.length);
    for (const line of [...en, ...zh]) {
      expect(line).not.toContain('is false:');
      expect(line).not.toContain('{"');
    }
    expect(zh.filter((l) => l.includes('未提供此优惠：'))).toHaveLength(decision.rejected.length);
    // Traits are named by the catalog's labels in the agent's language, not by field names.
    const zhEligibility = zh.filter((l) => l.includes('未提供此优惠：')).join('\n');
    expect(zhEligibility).toMatch(/年龄|平均年余额（欧元）|职业|有住房贷款/);
    for (const name of ['balance', 'age ', 'job ', 'housing loan', 'value tier', 'hasHousingLoan']) {
      expect(zhEligibility).not.toContain(name);
    }
  });

  it('writes call notes with an outcome, card numbers masked, once per client id', async () => {
    const url = '/api/customers/C0001/notes';
    const payload = { id: 'note-0000-0001', text: `called about card ${CANARY.pan}`, outcome: 'resolved' };
    const first = await app.inject({ method: 'POST', url, headers: auth('agent'), payload });
    expect(first.statusCode, first.body).toBe(201);
    const again = await app.inject({ method: 'POST', url, headers: auth('agent'), payload });
    expect(again.statusCode).toBe(200);
    const notes = (await listEvents(temp.store.db, { customerId: 'C0001' })).filter(
      (e) => e.type === 'call-note',
    );
    expect(notes).toHaveLength(1);
    expect(notes[0]!.payload).toMatchObject({ outcome: 'resolved', agent: 'token:agent1' });
    expect(String(notes[0]!.payload.note)).not.toContain(CANARY.pan);
  });

  it('the customer page has both forms; posting them with the session and CSRF lands on the timeline', async () => {
    const login = await app.inject({
      method: 'POST',
      url: '/login',
      payload: { name: 'agent1', password: PASSWORD },
    });
    const cookie = `missive_session=${login.cookies.find((c) => c.name === 'missive_session')!.value}`;
    const me = (await app.inject({ url: '/api/me', headers: { cookie } })).json();
    const page = await app.inject({ url: '/ui/customers/C0002', headers: { cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('id="preferences"');
    expect(page.body).toContain('id="call-note"');
    const form = (fields: Record<string, string>) => ({
      method: 'POST' as const,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: me.csrfToken, ...fields }).toString(),
    });
    const noted = await app.inject({
      url: '/ui/customers/C0002/notes',
      ...form({ id: 'note-ui-000001', text: 'asked about the statement date', outcome: 'information' }),
    });
    expect(noted.statusCode).toBe(303);
    const changed = await app.inject({
      url: '/ui/customers/C0002/preferences',
      ...form({
        id: 'pref-ui-000001',
        marketing_print: 'on',
        eDelivery: 'on',
        reason: 'prefers e-mail statements',
      }),
    });
    expect(changed.statusCode, changed.body).toBe(303);
    const customer = (await getCustomer(temp.store.db, 'C0002'))!;
    expect(customer.eDelivery).toBe(true);
    expect(customer.consent.email.marketing).toBe(false);
    expect(customer.consent.print.marketing).toBe(true);
    const after = await app.inject({ url: '/ui/customers/C0002', headers: { cookie } });
    expect(after.body).toContain('Call note: Information given');
    expect(after.body).toContain('prefers e-mail statements');
    const forged = await app.inject({
      url: '/ui/customers/C0002/notes',
      ...form({ id: 'note-ui-000002', text: 'x' }),
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'id=note-ui-000002&text=x',
    });
    expect(forged.statusCode).toBe(403);
  });

  it('shows what the customer holds from the latest loaded feeds, beside the timeline', async () => {
    const res = await app.inject({ url: '/api/customers/C0001/holdings', headers: auth('agent') });
    expect(res.statusCode, res.body).toBe(200);
    const [accounts] = res.json().holdings;
    expect(accounts).toMatchObject({ datasource: 'monthly-statement', feed: 'accounts', asOf: AS_OF });
    expect(accounts.columns).not.toContain('customerId');
    expect(accounts.rows).toHaveLength(1);
    expect(accounts.rows[0]).toHaveProperty('number');
    expect(accounts.rows[0]).toHaveProperty('openingBalance');
    const login = await app.inject({
      method: 'POST',
      url: '/login',
      payload: { name: 'agent1', password: PASSWORD },
    });
    const cookie = `missive_session=${login.cookies.find((c) => c.name === 'missive_session')!.value}`;
    const page = await app.inject({ url: '/ui/customers/C0001', headers: { cookie } });
    expect(page.body).toContain('id="holdings"');
    expect(page.body).toContain(String(accounts.rows[0].number));
    expect(
      (await app.inject({ url: '/api/customers/C0001/holdings', headers: auth('marketer') })).statusCode,
    ).toBe(403);
  });

  it("an import of an older customer file keeps the customer's newer consent; a newer file wins", async () => {
    const stored = (await getCustomer(temp.store.db, 'C0002'))!;
    const fromFile = {
      ...stored,
      name: `${stored.name} Jr`,
      eDelivery: false,
      consent: { ...stored.consent, email: { service: true, marketing: true } },
    };
    const older = new Date(Date.now() - 86_400_000).toISOString();
    const counts = await upsertCustomers(temp.store.db, [fromFile], { consentChangesAfter: older });
    expect(counts.updated).toBe(1);
    const kept = (await getCustomer(temp.store.db, 'C0002'))!;
    expect(kept.name).toBe(fromFile.name); // the rest of the record is the file's
    expect(kept.eDelivery).toBe(true);
    expect(kept.consent.email.marketing).toBe(false);
    // The same file again changes nothing; a file written after the change wins.
    expect((await upsertCustomers(temp.store.db, [fromFile], { consentChangesAfter: older })).unchanged).toBe(
      1,
    );
    const newer = new Date(Date.now() + 60_000).toISOString();
    await upsertCustomers(temp.store.db, [{ ...fromFile, name: `${stored.name} Sr` }], {
      consentChangesAfter: newer,
    });
    const replaced = (await getCustomer(temp.store.db, 'C0002'))!;
    expect(replaced.eDelivery).toBe(false);
    expect(replaced.consent.email.marketing).toBe(true);
  });
});
