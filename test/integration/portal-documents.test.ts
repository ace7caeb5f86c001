import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFsBlobStore } from '../../src/archive/fs-blob-store.ts';
import { archiveDocument } from '../../src/archive/ledger.ts';
import { makeArtifact } from '../../src/render/artifact.ts';
import { listAudit } from '../../src/store/audit.ts';
import { createRunIfAbsent } from '../../src/store/runs.ts';
import { bearer, CANARY, type SeededDocuments, seedDocuments, seedUsers } from '../support/api.ts';
import {
  PortalClient,
  type PortalSinks,
  signInBySms,
  startPortalApp,
  startPortalSinks,
  type TestClock,
  testClock,
} from '../support/portal.ts';
import { openTempStore, type TempStore } from '../support/stores.ts';

/**
 * Issue 20, "My documents": keyset pages newest first, verified bytes, the IDOR sweep, a tampered
 * document refused, every view an event on the call-center timeline.
 */
describe('portal documents', () => {
  let temp: TempStore;
  let blobs: ReturnType<typeof createFsBlobStore>;
  let sinks: PortalSinks;
  let clock: TestClock;
  let app: FastifyInstance;
  let base: string;
  let seeded: SeededDocuments;
  let tokens: Awaited<ReturnType<typeof seedUsers>>;
  const monthly: string[] = [];

  beforeAll(async () => {
    temp = await openTempStore('portal-documents');
    blobs = createFsBlobStore(path.join(temp.dir, 'archive'));
    seeded = await seedDocuments(temp.store.db, blobs);
    tokens = await seedUsers(temp.store.db);
    // The e-mail and SMS of C0001 went out; 24 more monthly statements on paper, oldest first.
    await temp.store.db
      .updateTable('communications')
      .set({ status: 'sent' })
      .where('id', 'in', [seeded.ids.C0001!.email!, seeded.ids.C0001!.sms!])
      .execute();
    for (let m = 0; m < 24; m += 1) {
      const asOf = new Date(Date.UTC(2024, m + 1, 0)).toISOString().slice(0, 10);
      const runId = `run_statement_${asOf}`;
      await createRunIfAbsent(temp.store.db, {
        id: runId,
        communicationType: 'monthly-statement',
        templateVersionId: 'monthly-statement@test',
        asOf,
        source: 'store:all',
        status: 'completed',
      });
      const { communicationId } = await archiveDocument(temp.store.db, blobs, {
        runId,
        customerId: 'C0001',
        channel: 'print',
        templateVersionId: 'monthly-statement@test',
        inputSha256: 'input',
        artifact: {
          ...makeArtifact(Buffer.from(`%PDF-1.7\n% ${asOf}\n%%EOF\n`), 'application/pdf'),
          pages: 2,
        },
      });
      // Ledger times one month apart, so "newest first" is the as-of order.
      await temp.store.db
        .updateTable('communications')
        .set({ created_at: `${asOf}T20:00:00.000Z` })
        .where('id', '=', communicationId)
        .execute();
      monthly.push(communicationId);
    }
    sinks = await startPortalSinks();
    clock = testClock();
    ({ app, base } = await startPortalApp({ db: temp.store.db, blobs, sinks, clock }));
  });
  afterAll(async () => {
    await app?.close();
    await sinks?.close();
    await temp?.close();
  });
  beforeEach(() => clock.advanceMinutes(60));

  const signedIn = async (customerId: string, phone: string) => {
    const client = new PortalClient(base);
    await signInBySms(client, sinks, customerId, phone);
    return client;
  };
  const ids = (body: string) => [...body.matchAll(/<li data-id="([^"]+)"/g)].map((m) => m[1]!);

  it('lists every document sent to the customer, newest first, 20 a page, with type and period', async () => {
    const client = await signedIn('C0001', CANARY.phone);
    const first = await client.get('/portal/documents');
    expect(first.status).toBe(200);
    const page1 = ids(first.body);
    expect(page1).toHaveLength(20);
    const next = /rel="next" href="([^"]+)"/.exec(first.body)![1]!.replace(/&amp;/g, '&');
    const second = await client.get(next);
    const page2 = ids(second.body);
    expect(second.body).not.toContain('rel="next"');
    const all = [...page1, ...page2];
    // 3 from the seeded run (print, e-mail, SMS: created now, so newest) + 24 monthly statements.
    expect(all).toHaveLength(27);
    expect(new Set(all).size).toBe(27);
    expect(all.slice(3)).toEqual([...monthly].reverse());
    expect(new Set(all.slice(0, 3))).toEqual(new Set(Object.values(seeded.ids.C0001!)));
    expect(first.body).toContain('Statement · December 2025');
    expect(first.body).toContain('text message');
    for (const other of [seeded.ids.C0002!.print!, seeded.ids.C0003!.print!])
      expect(all).not.toContain(other);
    // In Chinese too.
    const zh = await client.get('/portal/lang?to=zh-CN&next=/portal/documents');
    expect(zh.location).toBe('/portal/documents');
    const page = await client.get('/portal/documents');
    expect(page.body).toContain('<html lang="zh-CN">');
    expect(page.body).toContain('对账单 · 2025年12月');
    await client.get('/portal/lang?to=en-GB&next=/portal/documents');
  });

  it('serves the PDF with the archive sha256 verified; opening it is an event on the call-center timeline', async () => {
    const client = await signedIn('C0001', CANARY.phone);
    const id = monthly.at(-1)!;
    const page = await client.get(`/portal/documents/${id}`);
    expect(page.status).toBe(200);
    const row = await temp.store.db
      .selectFrom('communications')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(page.body).toContain(row.artifact_sha256!);
    expect(page.body).toContain('id="verified"');
    const res = await fetch(`${base}/portal/documents/${id}/file`, {
      headers: { cookie: client.cookieHeader() },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(row.artifact_sha256);
    expect(res.headers.get('x-missive-sha256')).toBe(row.artifact_sha256);
    const timeline = await app.inject({
      url: '/api/customers/C0001/communications',
      headers: bearer(tokens.agent),
    });
    const views = timeline.json().events.filter((e: { type: string }) => e.type === 'viewed');
    expect(views.length).toBeGreaterThanOrEqual(1);
    expect(views[0]).toMatchObject({ source: 'portal', communicationId: id });
    const audit = await listAudit(temp.store.db, { targetId: id, limit: 5 });
    expect(audit.map((a) => a.actor)).toContain('customer:C0001');
    // The e-mail in a sandboxed frame with nothing loading; the SMS as text.
    const email = await client.get(`/portal/documents/${seeded.ids.C0001!.email!}`);
    expect(email.body).toContain('sandbox=""');
    const frame = await fetch(`${base}/portal/documents/${seeded.ids.C0001!.email!}/email`, {
      headers: { cookie: client.cookieHeader() },
    });
    expect(frame.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await frame.text()).not.toContain('tracker.example.com');
    expect((await client.get(`/portal/documents/${seeded.ids.C0001!.sms!}`)).body).toContain(
      'Your statement is ready.',
    );
  });

  it('IDOR sweep: a customer reaches no other customer\u2019s document by any id, and cannot tell it exists', async () => {
    const client = await signedIn('C0002', seeded.customers[1]!.phone!);
    const every = (
      await temp.store.db.selectFrom('communications').select(['id', 'customer_id']).execute()
    ).map((r) => ({ id: r.id, own: r.customer_id === 'C0002' }));
    const made = [`comm_${randomBytes(12).toString('hex')}`, '..%2F..%2Fapi%2Faudit', 'C0001', "' OR 1=1 --"];
    const bodies = new Set<string>();
    for (const { id, own } of [...every, ...made.map((id) => ({ id, own: false }))]) {
      for (const suffix of ['', '/file', '/email']) {
        const res = await fetch(`${base}/portal/documents/${encodeURIComponent(id)}${suffix}`, {
          headers: { cookie: client.cookieHeader(), accept: 'application/json' },
          redirect: 'manual',
        });
        const body = await res.text();
        if (own) {
          expect(res.status, `${id}${suffix}`).not.toBe(404);
          continue;
        }
        expect(res.status, `${id}${suffix}`).toBe(404);
        expect(body).not.toContain('%PDF');
        expect(body).not.toContain('C0001');
        bodies.add(body);
      }
    }
    // One answer for "not yours" and "no such document".
    expect(bodies.size).toBe(1);
    const denied = await listAudit(temp.store.db, { targetId: seeded.ids.C0001!.print!, limit: 10 });
    expect(denied.some((a) => a.actor === 'customer:C0002' && a.details.outcome === 'denied')).toBe(true);
  });

  it('a tampered document is refused with a warning, never shown', async () => {
    const customer = seeded.customers[2]!;
    const id = seeded.ids.C0003!.print!;
    const row = await temp.store.db
      .selectFrom('communications')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    const file = blobs.locate(row.artifact_sha256!);
    fs.chmodSync(file, 0o644);
    const bytes = fs.readFileSync(file);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 3) ^ 0x01, bytes.length - 3);
    fs.writeFileSync(file, bytes);
    fs.chmodSync(file, 0o444);
    const client = await signedIn('C0003', customer.phone!);
    const page = await client.get(`/portal/documents/${id}`);
    expect(page.status).toBe(409);
    expect(page.body).toContain('id="tampered"');
    expect(page.body).not.toContain('id="document"');
    const res = await fetch(`${base}/portal/documents/${id}/file`, {
      headers: { cookie: client.cookieHeader(), accept: 'application/json' },
    });
    expect(res.status).toBe(409);
    const text = await res.text();
    expect(text).not.toContain('%PDF');
    expect(JSON.parse(text).error.code).toBe('MSV_ARCHIVE_TAMPERED');
    const [entry] = await listAudit(temp.store.db, { targetId: id, limit: 1 });
    expect(entry!.details.outcome).toBe('tampered');
  });

  it('signed out, every document route sends the browser to sign in and shows nothing', async () => {
    const anonymous = new PortalClient(base);
    for (const url of [
      '/portal/documents',
      `/portal/documents/${monthly[0]}`,
      `/portal/documents/${monthly[0]}/file`,
    ]) {
      const res = await anonymous.get(url);
      expect(res.status).toBe(303);
      expect(res.location).toBe('/portal/sign-in');
      expect(res.body).not.toContain('%PDF');
    }
  });
});
