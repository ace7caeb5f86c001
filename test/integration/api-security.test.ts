import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import type { BlobStore } from '../../src/archive/blob-store.ts';
import { createFsBlobStore } from '../../src/archive/fs-blob-store.ts';
import { listAudit } from '../../src/store/audit.ts';
import { listEvents } from '../../src/store/events.ts';
import type { Role } from '../../src/store/users.ts';
import {
  bearer,
  CANARY,
  capturedLogger,
  PASSWORD,
  type SeededDocuments,
  seedDocuments,
  seedUsers,
} from '../support/api.ts';
import { openTempStore, type TempStore } from '../support/stores.ts';

/** RELIABILITY S6/S7 and issue 7's security acceptance, through inject() against a real SQLite store. */
describe('API security', () => {
  let temp: TempStore;
  let app: FastifyInstance;
  let blobs: BlobStore;
  let tokens: Record<Role, string>;
  let seeded: SeededDocuments;
  const logs = capturedLogger();
  const routes: { method: string; url: string }[] = [];

  beforeAll(async () => {
    temp = await openTempStore('api-security');
    blobs = createFsBlobStore(path.join(temp.dir, 'archive'));
    tokens = await seedUsers(temp.store.db);
    seeded = await seedDocuments(temp.store.db, blobs);
    app = buildApp({ db: temp.store.db, blobs, logger: logs.logger, security: { loginRateLimit: 5 } });
    app.addHook('onRoute', (r) => {
      for (const method of [r.method].flat()) routes.push({ method, url: r.url });
    });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await temp?.close();
  });

  const doc = (customerId: string, communicationId: string) =>
    `/api/customers/${customerId}/communications/${communicationId}/document`;
  const print = (customerId: string) => seeded.ids[customerId]!.print!;

  /** A concrete URL for a route pattern: real ids in every parameter. */
  function concrete(url: string): string {
    return url
      .replace(':customerId', 'C0001')
      .replace(':communicationId', print('C0001'))
      .replace(':runId', seeded.runId)
      .replace(':name', 'agent1')
      .replace('*', 'x');
  }

  it('no route leaks data without a session or token', async () => {
    // Self-verifying public routes: signatures (webhooks), MACs (/t/, /o/), delivery keys (/unsubscribe/).
    const publicPrefixes = ['/webhooks/', '/t/', '/o/', '/unsubscribe/', '/docs', '/assets/fonts/'];
    const publicRoutes = new Set(['/healthz', '/readyz', '/login', '/assets/app.css', '/ui/lang']);
    expect(routes.length).toBeGreaterThan(20);
    for (const route of routes) {
      if (route.method === 'OPTIONS') continue;
      const url = concrete(route.url);
      const res = await app.inject({
        method: route.method as 'GET',
        url: url === '/api/customers' ? '/api/customers?q=C0001' : url,
        payload: route.method === 'POST' ? { id: 'x'.repeat(10), outcome: 'other' } : undefined,
      });
      const body = res.body;
      for (const secret of [CANARY.name, CANARY.email, CANARY.phone, 'C0002', '%PDF', seeded.runId]) {
        expect(body, `${route.method} ${route.url} leaks ${secret}`).not.toContain(secret);
      }
      const isPublic = publicRoutes.has(route.url) || publicPrefixes.some((p) => route.url.startsWith(p));
      if (isPublic) continue;
      expect([401, 303], `${route.method} ${route.url} answered ${res.statusCode}`).toContain(res.statusCode);
      if (res.statusCode === 303) expect(res.headers.location).toMatch(/^\/login\?next=/);
      else if (route.method !== 'HEAD') expect(res.json().error.code).toBe('MSV_AUTH_REQUIRED');
    }
  });

  it('a bad or forged token is no token', async () => {
    for (const authorization of [
      'Bearer msv_forged',
      'Bearer ',
      'Basic YWdlbnQxOnB3',
      `Bearer ${tokens.agent}x`,
    ]) {
      const res = await app.inject({ url: '/api/customers?q=C0001', headers: { authorization } });
      expect(res.statusCode).toBe(401);
    }
  });

  it("a token for one role cannot use another's routes", async () => {
    const cases: { url: string; method?: 'GET' | 'POST'; allowed: Role[] }[] = [
      { url: '/api/customers?q=C0001', allowed: ['agent', 'admin'] },
      { url: '/api/customers/C0001/communications', allowed: ['agent', 'admin'] },
      { url: doc('C0001', print('C0001')), allowed: ['agent', 'admin'] },
      { url: '/api/runs', allowed: ['marketer', 'admin'] },
      { url: `/api/runs/${seeded.runId}`, allowed: ['marketer', 'admin'] },
      { url: '/api/decide', method: 'POST', allowed: ['marketer', 'admin'] },
      { url: '/api/audit', allowed: ['admin'] },
      { url: '/api/users', allowed: ['admin'] },
      { url: '/ui/admin/audit', allowed: ['admin'] },
      { url: '/ui/search', allowed: ['agent', 'admin'] },
      { url: '/metrics', allowed: ['agent', 'marketer', 'admin'] },
    ];
    for (const c of cases) {
      for (const role of ['agent', 'marketer', 'admin'] as Role[]) {
        const res = await app.inject({
          method: c.method ?? 'GET',
          url: c.url,
          headers: bearer(tokens[role]),
          payload: c.method === 'POST' ? {} : undefined,
        });
        if (c.allowed.includes(role)) expect(res.statusCode, `${role} ${c.url}`).not.toBe(403);
        else {
          expect(res.statusCode, `${role} ${c.url}`).toBe(403);
          if (c.url.startsWith('/api')) expect(res.json().error.code).toBe('MSV_AUTH_FORBIDDEN');
        }
      }
    }
  });

  it('SQL-injection-shaped search strings return no extra data', async () => {
    const attacks = [
      "' OR '1'='1",
      "' OR 1=1 --",
      '%',
      '_',
      '%%',
      "C0001' OR id LIKE '%",
      "'; DROP TABLE customers; --",
      "' UNION SELECT id, name, email, phone FROM customers --",
      '1 OR 1=1',
      '\\',
    ];
    for (const q of attacks) {
      for (const kind of ['any', 'name', 'id', 'account', 'phone', 'email']) {
        const res = await app.inject({
          url: `/api/customers?q=${encodeURIComponent(q)}&kind=${kind}`,
          headers: bearer(tokens.agent),
        });
        expect(res.statusCode, q).toBe(200);
        expect(res.json().customers, `${kind} ${q}`).toEqual([]);
      }
    }
    const still = await app.inject({ url: '/api/customers?q=C0002', headers: bearer(tokens.agent) });
    expect(still.json().customers.map((c: { id: string }) => c.id)).toEqual(['C0002']);
  });

  it('search finds by id, name prefix, phone as typed, e-mail and account; lists are masked', async () => {
    const find = async (q: string) =>
      (
        await app.inject({ url: `/api/customers?q=${encodeURIComponent(q)}`, headers: bearer(tokens.agent) })
      ).json().customers as { id: string; phone: string; email: string; name: string }[];
    for (const q of [
      'C0001',
      'canary zeb',
      '13912345678',
      '+86 139 1234 5678',
      CANARY.email.toUpperCase(),
      CANARY.account,
      '6222 0212 3456 7890',
    ]) {
      expect(
        (await find(q)).map((c) => c.id),
        q,
      ).toEqual(['C0001']);
    }
    const [hit] = await find('C0001');
    expect(hit!.phone).toBe('139****5678');
    expect(hit!.email).toBe('c***@example.org');
    const view = await app.inject({ url: '/api/customers/C0001', headers: bearer(tokens.agent) });
    const text = view.body;
    expect(text).not.toContain(CANARY.account);
    expect(text).not.toContain(CANARY.pan);
    expect(text).toContain('**** 7890');
    expect(text).toContain('411111******1111');
    expect(text).not.toMatch(/(?<!\d)\d{13,19}(?!\d)/);
  });

  it("another customer's document is refused with 403 and audited; every view is audited", async () => {
    const before = await listAudit(temp.store.db, { limit: 1000 });
    const own = await app.inject({ url: doc('C0001', print('C0001')), headers: bearer(tokens.agent) });
    expect(own.statusCode).toBe(200);
    expect(own.headers['content-type']).toBe('application/pdf');
    expect(own.headers['x-missive-sha256']).toBe(createHash('sha256').update(own.rawPayload).digest('hex'));
    const other = await app.inject({ url: doc('C0001', print('C0002')), headers: bearer(tokens.agent) });
    expect(other.statusCode).toBe(403);
    expect(other.json().error.code).toBe('MSV_AUTH_FORBIDDEN');
    expect(other.body).not.toContain('%PDF');
    const meta = await app.inject({
      url: `/api/customers/C0001/communications/${print('C0002')}`,
      headers: bearer(tokens.agent),
    });
    expect(meta.statusCode).toBe(403);
    const unknown = await app.inject({ url: doc('C0001', 'com_nope'), headers: bearer(tokens.agent) });
    expect(unknown.statusCode).toBe(404);
    const after = await listAudit(temp.store.db, { limit: 1000 });
    const fresh = after.filter((a) => !before.some((b) => b.id === a.id));
    expect(fresh.map((a) => [a.action, a.targetId, a.details.outcome]).sort()).toEqual(
      [
        ['communication.view', print('C0002'), 'denied'],
        ['document.view', 'com_nope', 'not-found'],
        ['document.view', print('C0001'), 'allowed'],
        ['document.view', print('C0002'), 'denied'],
      ].sort(),
    );
    for (const a of fresh) {
      expect(a.actor).toBe('token:agent1');
      expect(a.details.ip).toBe('127.0.0.1');
      expect(a.at).toMatch(/^\d{4}-/);
    }
  });

  it('the communication: metadata, decision and reasons, history; email and SMS bytes', async () => {
    const id = seeded.ids.C0001!.email!;
    const res = await app.inject({
      url: `/api/customers/C0001/communications/${print('C0001')}`,
      headers: bearer(tokens.agent),
    });
    expect(res.statusCode).toBe(200);
    const json = res.json();
    expect(json.communication).toMatchObject({
      id: print('C0001'),
      channel: 'print',
      type: 'monthly-statement',
      asOf: '2026-10-31',
    });
    expect(json.decision.offers[0].offerId).toBe('term-deposit');
    expect(json.decision.explanation.join('\n')).toContain('term-deposit');
    expect(json.history.map((h: { status: string }) => h.status)).toEqual(['archived']);
    const email = await app.inject({ url: doc('C0001', id), headers: bearer(tokens.agent) });
    expect(email.headers['content-type']).toBe('application/vnd.missive.email');
    const sms = await app.inject({
      url: doc('C0001', seeded.ids.C0001!.sms!),
      headers: bearer(tokens.agent),
    });
    expect(sms.body).toBe('Your statement is ready.');
  });

  it('an email is shown with remote images and tracking pixels removed, under a CSP that loads nothing', async () => {
    const id = seeded.ids.C0001!.email!;
    const res = await app.inject({
      url: `/ui/customers/C0001/communications/${id}/email`,
      headers: bearer(tokens.agent),
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<p>Hello</p>');
    expect(res.body).not.toContain('tracker.example.com');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    const viewer = await app.inject({
      url: `/ui/customers/C0001/communications/${id}`,
      headers: bearer(tokens.agent),
    });
    expect(viewer.body).toMatch(/<iframe[^>]*id="document"[^>]*sandbox=""/);
    const sms = await app.inject({
      url: `/ui/customers/C0001/communications/${seeded.ids.C0001!.sms!}`,
      headers: bearer(tokens.agent),
    });
    expect(sms.body).toContain('Your statement is ready.');
    expect(sms.body).not.toMatch(/(?<![\da-f])\d{13,19}(?![\da-f])/);
  });

  it('dispositions: CSRF-protected with a session, deduplicated on the client id, on the timeline', async () => {
    const login = await app.inject({
      method: 'POST',
      url: '/login',
      payload: { name: 'agent1', password: PASSWORD },
    });
    expect(login.statusCode).toBe(200);
    const cookie = login.cookies.find((c) => c.name === 'missive_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Strict');
    expect(cookie.secure).toBeFalsy();
    const headers = { cookie: `missive_session=${cookie.value}` };
    const me = (await app.inject({ url: '/api/me', headers })).json();
    expect(me).toMatchObject({ user: 'agent1', role: 'agent', via: 'session' });
    const url = `/api/customers/C0001/communications/${print('C0001')}/dispositions`;
    const payload = { id: 'client-0001', outcome: 'dispute', note: `card ${CANARY.pan} line 3 is wrong` };
    const noToken = await app.inject({ method: 'POST', url, headers, payload });
    expect(noToken.statusCode).toBe(403);
    expect(noToken.json().error.code).toBe('MSV_AUTH_CSRF');
    const withToken = { ...headers, 'x-csrf-token': me.csrfToken };
    const first = await app.inject({ method: 'POST', url, headers: withToken, payload });
    expect(first.statusCode).toBe(201);
    const again = await app.inject({ method: 'POST', url, headers: withToken, payload });
    expect(again.statusCode).toBe(200);
    expect(again.json().recorded).toBe(false);
    const events = await listEvents(temp.store.db, { communicationId: print('C0001') });
    expect(events).toHaveLength(1);
    expect(events[0]!.payload).toMatchObject({ outcome: 'dispute', agent: 'user:agent1' });
    expect(String(events[0]!.payload.note)).not.toContain(CANARY.pan);
    const timeline = (
      await app.inject({ url: '/api/customers/C0001/communications', headers: bearer(tokens.agent) })
    ).json();
    expect(timeline.events.map((e: { type: string }) => e.type)).toEqual(['disposition']);
    expect(timeline.communications).toHaveLength(3);
    const bad = await app.inject({
      method: 'POST',
      url,
      headers: bearer(tokens.agent),
      payload: { id: 'client-0002', outcome: 'maybe' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'MSV_API_BAD_REQUEST', details: { field: 'outcome' } });
    // Token callers need no CSRF token (no ambient credential to ride on).
    const viaToken = await app.inject({
      method: 'POST',
      url,
      headers: bearer(tokens.agent),
      payload: { id: 'client-0003', outcome: 'interested' },
    });
    expect(viaToken.statusCode).toBe(201);
  });

  it('a tampered blob is refused (409), never served; the attempt is audited', async () => {
    const id = seeded.ids.C0003!.print!;
    const sha = (
      await app.inject({ url: `/api/customers/C0003/communications/${id}`, headers: bearer(tokens.agent) })
    ).json().communication.artifactSha256 as string;
    const file = blobs.locate(sha);
    fs.chmodSync(file, 0o644);
    const bytes = fs.readFileSync(file);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 3) ^ 0x01, bytes.length - 3);
    fs.writeFileSync(file, bytes);
    fs.chmodSync(file, 0o444);
    const res = await app.inject({ url: doc('C0003', id), headers: bearer(tokens.agent) });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('MSV_ARCHIVE_TAMPERED');
    expect(res.body).not.toContain('%PDF');
    const [entry] = await listAudit(temp.store.db, { targetId: id, limit: 1 });
    expect(entry!.details.outcome).toBe('tampered');
  });

  it('reading the audit log is audited; admin user routes work', async () => {
    const res = await app.inject({ url: '/api/audit?limit=5', headers: bearer(tokens.admin) });
    expect(res.statusCode).toBe(200);
    const [latest] = await listAudit(temp.store.db, { limit: 1 });
    expect(latest).toMatchObject({ action: 'audit.read', actor: 'token:admin1' });
    const add = await app.inject({
      method: 'POST',
      url: '/api/users',
      headers: bearer(tokens.admin),
      payload: { name: 'screenpop', role: 'agent' },
    });
    expect(add.statusCode).toBe(201);
    const token = (
      await app.inject({ method: 'POST', url: '/api/users/screenpop/tokens', headers: bearer(tokens.admin) })
    ).json().token;
    expect((await app.inject({ url: '/api/customers?q=C0002', headers: bearer(token) })).statusCode).toBe(
      200,
    );
    const dup = await app.inject({
      method: 'POST',
      url: '/api/users',
      headers: bearer(tokens.admin),
      payload: { name: 'screenpop', role: 'agent' },
    });
    expect(dup.statusCode).toBe(409);
  });

  it('validation errors name the field; health, readiness, metrics and the OpenAPI description answer', async () => {
    const bad = await app.inject({ url: '/api/customers?q=x&limit=1000', headers: bearer(tokens.agent) });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'MSV_API_BAD_REQUEST', details: { field: 'limit' } });
    const missing = await app.inject({ url: '/api/customers', headers: bearer(tokens.agent) });
    expect(missing.json().error.details.field).toBe('q');
    expect((await app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await app.inject({ url: '/readyz' })).json()).toEqual({ status: 'ready' });
    const metrics = await app.inject({ url: '/metrics', headers: bearer(tokens.marketer) });
    expect(metrics.body).toContain('missive_http_request_duration_seconds_bucket');
    const openapi = (await app.inject({ url: '/docs/json' })).json();
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining([
        '/api/customers',
        '/api/customers/{customerId}/communications/{communicationId}/document',
      ]),
    );
    expect(Object.keys(openapi.paths).some((p) => p.startsWith('/ui/'))).toBe(false);
    const headers = (await app.inject({ url: '/healthz' })).headers;
    expect(headers['content-security-policy']).toContain("default-src 'self'");
    expect(headers['x-content-type-options']).toBe('nosniff');
  });

  it('sign-in: wrong passwords refused, then rate-limited; Secure cookies when configured', async () => {
    const attempt = () =>
      app.inject({ method: 'POST', url: '/login', payload: { name: 'agent1', password: 'wrong password!' } });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i += 1) statuses.push((await attempt()).statusCode);
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(statuses.at(-1)).toBe(429);
    const limited = await attempt();
    expect(limited.json().error.code).toBe('MSV_API_RATE_LIMITED');
    const secure = buildApp({ db: temp.store.db, blobs, security: { cookieSecure: 'on' } });
    const login = await secure.inject({
      method: 'POST',
      url: '/login',
      payload: { name: 'agent1', password: PASSWORD },
    });
    expect(login.cookies.find((c) => c.name === 'missive_session')!.secure).toBe(true);
    await secure.close();
  });

  it('logs carry ids, never the canary personal data (RELIABILITY S6)', async () => {
    for (const q of [
      CANARY.name,
      CANARY.phone,
      CANARY.email,
      CANARY.account,
      `${CANARY.name}\r\nforged: line`,
    ]) {
      await app.inject({ url: `/api/customers?q=${encodeURIComponent(q)}`, headers: bearer(tokens.agent) });
    }
    await app.inject({
      url: `/api/customers/${encodeURIComponent(CANARY.email)}`,
      headers: bearer(tokens.agent),
    });
    const text = logs.text();
    expect(text.length).toBeGreaterThan(1000);
    for (const secret of [...Object.values(CANARY), '13912345678', 'Zebedee', 'forged: line']) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('"route":"/api/customers"');
  });
});
