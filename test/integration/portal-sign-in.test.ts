import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BlobStore } from '../../src/archive/blob-store.ts';
import { eraseCustomer } from '../../src/archive/erasure.ts';
import { createFsBlobStore } from '../../src/archive/fs-blob-store.ts';
import { listAudit } from '../../src/store/audit.ts';
import { CANARY, PASSWORD, type SeededDocuments, seedDocuments, seedUsers } from '../support/api.ts';
import {
  emailCode,
  PortalClient,
  type PortalSinks,
  smsCode,
  startPortalApp,
  startPortalSinks,
  type TestClock,
  testClock,
} from '../support/portal.ts';
import { openTempStore, type TempStore } from '../support/stores.ts';

/**
 * Issue 20, sign-in without passwords, over a real fastify app on 127.0.0.1 with codes captured at
 * the real sinks (smtp-server, the Twilio-compatible server) through Missive's own channels.
 */
describe('portal sign-in', () => {
  let temp: TempStore;
  let blobs: BlobStore;
  let sinks: PortalSinks;
  let clock: TestClock;
  let app: FastifyInstance;
  let base: string;
  let seeded: SeededDocuments;
  const portalRoutes: { method: string; url: string; customer: boolean }[] = [];
  const smsTo = (phone: string) => sinks.twilio.messages.filter((m) => m.to === phone).length;

  beforeAll(async () => {
    temp = await openTempStore('portal-sign-in');
    blobs = createFsBlobStore(path.join(temp.dir, 'archive'));
    seeded = await seedDocuments(temp.store.db, blobs);
    await seedUsers(temp.store.db);
    sinks = await startPortalSinks();
    clock = testClock();
    ({ app, base } = await startPortalApp({
      db: temp.store.db,
      blobs,
      sinks,
      clock,
      onRoute: (r) => {
        if (!r.url.startsWith('/portal')) return;
        for (const method of [r.method].flat()) {
          portalRoutes.push({ method, url: r.url, customer: r.config?.portal === 'customer' });
        }
      },
    }));
  });
  afterAll(async () => {
    await app?.close();
    await sinks?.close();
    await temp?.close();
  });
  // Every test starts an hour later: the sliding windows of the limits and lockouts start empty.
  beforeEach(() => clock.advanceMinutes(60));

  async function signIn(client: PortalClient, customerId: string, phone: string): Promise<void> {
    const before = smsTo(phone);
    expect((await client.requestCode(customerId)).location).toBe('/portal/sign-in/code');
    const code = await smsCode(sinks, phone, before + 1);
    const answer = await client.enterCode(code);
    expect(answer.status).toBe(303);
    expect(answer.location).toBe('/portal/documents');
  }

  it('a code by SMS to the phone on file signs the customer in; the session cookie is HttpOnly, SameSite=Strict, /portal only', async () => {
    const client = new PortalClient(base);
    const before = smsTo(CANARY.phone);
    const start = await client.requestCode('C0001', 'sms');
    expect(start.status).toBe(303);
    const code = await smsCode(sinks, CANARY.phone, before + 1);
    expect(code).toMatch(/^\d{6}$/);
    const message = sinks.twilio.messages.at(-1)!;
    expect(message.body).toContain('expires in 10 minutes');
    const answer = await client.enterCode(code);
    expect(answer.status).toBe(303);
    const cookie = answer.setCookies.find((c) => c.startsWith('missive_portal='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Path=\/portal(;|$)/);
    expect(cookie).not.toMatch(/Secure/); // plain http on loopback; 'on' or https makes it Secure
    expect((await client.get('/portal')).location).toBe('/portal/documents');
    // The code is stored only as an HMAC.
    const rows = await temp.store.db.selectFrom('portal_challenges').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(code);
    const audit = await listAudit(temp.store.db, { limit: 50 });
    expect(audit.some((a) => a.action === 'portal.sign_in' && a.targetId === 'C0001')).toBe(true);
  });

  it('by e-mail, found by the e-mail or phone on file as typed; the code goes to the contact on file', async () => {
    const client = new PortalClient(base);
    const mails = () => sinks.smtp.messages.filter((m) => m.envelope.to.includes(CANARY.email)).length;
    const before = mails();
    await client.requestCode(`  ${CANARY.email.toUpperCase()} `, 'email');
    const code = await emailCode(sinks, CANARY.email, before + 1);
    const mail = sinks.smtp.messages.at(-1)!;
    expect(mail.parsed?.subject).toBe('Your sign-in code');
    expect((await client.enterCode(code)).location).toBe('/portal/documents');

    const byPhone = new PortalClient(base);
    const smsBefore = smsTo(CANARY.phone);
    const spaced = `${CANARY.phone.slice(0, 3)} ${CANARY.phone.slice(3, 7)} ${CANARY.phone.slice(7)}`;
    await byPhone.requestCode(spaced, 'sms');
    const smsCodeValue = await smsCode(sinks, CANARY.phone, smsBefore + 1);
    expect((await byPhone.enterCode(smsCodeValue)).location).toBe('/portal/documents');
  });

  it('never sends to an address typed in the form: an unknown address gets nothing, anywhere', async () => {
    const client = new PortalClient(base);
    const mails = sinks.smtp.messages.length;
    const texts = sinks.twilio.messages.length;
    await client.requestCode('attacker@evil.example', 'email');
    await client.requestCode('+15550001111', 'sms');
    await client.post('/portal/sign-in', {
      identifier: 'C0001',
      channel: 'email',
      email: 'attacker@evil.example',
    });
    await new Promise((r) => setTimeout(r, 300));
    const sent = sinks.smtp.messages.slice(mails);
    expect(sent.flatMap((m) => m.envelope.to)).toEqual([CANARY.email]);
    expect(sinks.twilio.messages.length).toBe(texts);
  });

  it('no enumeration: a customer and a stranger get the same answer to every step', async () => {
    const shape = (a: { status: number; location: string | null; body: string; setCookies: string[] }) => ({
      status: a.status,
      location: a.location,
      body: a.body.replace(/value="[^"]{43}"/g, ''),
      cookies: a.setCookies.map((c) =>
        c.replace(/=[^;]*/, '=<value>').replace(/Expires=[^;]*/i, 'Expires=<t>'),
      ),
    });
    const answers = [];
    for (const identifier of [
      'C0002',
      'C9999',
      seeded.customers[1]!.email!,
      'nobody@example.org',
      '+447700900999',
    ]) {
      const client = new PortalClient(base);
      await client.get('/portal/sign-in');
      const start = await client.requestCode(identifier);
      const wrong = await client.enterCode('000000');
      const page = await client.get('/portal/sign-in/code');
      answers.push({
        start: shape(start),
        wrong: shape(wrong),
        page: page.body.replace(/value="[^"]{43}"/g, ''),
      });
    }
    for (const a of answers.slice(1)) expect(a).toEqual(answers[0]);
    expect(answers[0]!.wrong.status).toBe(401);
    expect(answers[0]!.wrong.body).toContain('Attempts left: 4.');
  });

  it('a code signs in once; a used code is refused', async () => {
    const client = new PortalClient(base);
    const before = smsTo(CANARY.phone);
    await client.requestCode('C0001');
    const code = await smsCode(sinks, CANARY.phone, before + 1);
    expect((await client.enterCode(code)).status).toBe(303);
    expect(client.cookies.has('missive_portal_challenge')).toBe(false);
    // The challenge cookie is cleared on success; a replay with the old challenge is spent.
    const replay = await client.request('POST', '/portal/sign-in/code', {
      code,
      _csrf: await client.csrf('/portal/sign-in'),
    });
    expect(replay.status).toBe(401); // no challenge cookie any more
  });

  it('a replayed code with the original challenge is spent (410), and codes expire after 10 minutes', async () => {
    const client = new PortalClient(base);
    let before = smsTo(CANARY.phone);
    await client.requestCode('C0001');
    const challenge = client.cookies.get('missive_portal_challenge')!;
    const code = await smsCode(sinks, CANARY.phone, before + 1);
    expect((await client.enterCode(code)).status).toBe(303);
    const thief = new PortalClient(base);
    await thief.get('/portal/sign-in');
    thief.cookies.set('missive_portal_challenge', challenge);
    const replay = await thief.enterCode(code);
    expect(replay.status).toBe(410);
    expect(replay.body).toContain('can no longer be used');

    const late = new PortalClient(base);
    before = smsTo(CANARY.phone);
    await late.requestCode('C0001');
    const lateCode = await smsCode(sinks, CANARY.phone, before + 1);
    clock.advanceMinutes(10);
    const expired = await late.enterCode(lateCode);
    expect(expired.status).toBe(410);
    expect(late.cookies.has('missive_portal')).toBe(false);
  });

  it('brute force stops: 5 guesses per code, then the customer is locked after 10 wrong codes, even with the right one', async () => {
    const client = new PortalClient(base);
    let before = smsTo(CANARY.phone);
    await client.requestCode('C0001');
    const code = await smsCode(sinks, CANARY.phone, before + 1);
    const wrong = code === '111111' ? '222222' : '111111';
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await client.enterCode(wrong)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    expect((await client.enterCode(code)).status).toBe(410); // out of attempts, even the right code

    before = smsTo(CANARY.phone);
    await client.requestCode('C0001');
    const second = await smsCode(sinks, CANARY.phone, before + 1);
    for (let i = 0; i < 5; i += 1) await client.enterCode(second === '111111' ? '222222' : '111111');
    // 10 wrong codes: locked. A new request sends nothing; the right code of a fresh challenge is refused.
    before = smsTo(CANARY.phone);
    const third = await client.requestCode('C0001');
    expect(third.status).toBe(303);
    await new Promise((r) => setTimeout(r, 300));
    expect(smsTo(CANARY.phone)).toBe(before);
    const locked = await client.enterCode(code);
    expect(locked.status).toBe(429);
    expect(locked.body).toContain('sign-in is paused');
    // A stranger's identifier locks the same way (no difference to learn from).
    const stranger = new PortalClient(base);
    for (let round = 0; round < 2; round += 1) {
      await stranger.requestCode('C7777');
      for (let i = 0; i < 5; i += 1) await stranger.enterCode('123456');
    }
    await stranger.requestCode('C7777');
    expect((await stranger.enterCode('123456')).status).toBe(429);
    // The lock lifts after its 30 minutes.
    clock.advanceMinutes(31);
    await signIn(new PortalClient(base), 'C0001', CANARY.phone);
  });

  it('limits codes per customer and per address (3 in 15 minutes), answering the same', async () => {
    const customer = seeded.customers[2]!;
    const before = smsTo(customer.phone!);
    const answers = [];
    for (let i = 0; i < 5; i += 1)
      answers.push((await new PortalClient(base).requestCode(customer.id)).location);
    await new Promise((r) => setTimeout(r, 300));
    expect(new Set(answers)).toEqual(new Set(['/portal/sign-in/code']));
    expect(smsTo(customer.phone!)).toBe(before + 3);
    // By phone number: same address, same limit.
    await new PortalClient(base).requestCode(customer.phone!);
    await new Promise((r) => setTimeout(r, 200));
    expect(smsTo(customer.phone!)).toBe(before + 3);
    clock.advanceMinutes(16);
    await new PortalClient(base).requestCode(customer.id);
    await smsCode(sinks, customer.phone!, before + 4);
  });

  it('cookies are Secure when the server says so (behind https)', async () => {
    const secure = await startPortalApp({ db: temp.store.db, blobs, sinks, clock, cookieSecure: 'on' });
    try {
      const client = new PortalClient(secure.base);
      const page = await client.get('/portal/sign-in');
      expect(page.setCookies.find((c) => c.startsWith('missive_portal_flow='))).toMatch(/; Secure/);
      const before = smsTo(CANARY.phone);
      const start = await client.requestCode('C0001');
      expect(start.setCookies.find((c) => c.startsWith('missive_portal_challenge='))).toMatch(/; Secure/);
      const answer = await client.enterCode(await smsCode(sinks, CANARY.phone, before + 1));
      const cookie = answer.setCookies.find((c) => c.startsWith('missive_portal='))!;
      expect(cookie).toMatch(/; Secure/);
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Strict/);
    } finally {
      await secure.app.close();
    }
  });

  it('limits requests per IP address (429 past the limit)', async () => {
    const limited = await startPortalApp({
      db: temp.store.db,
      sinks,
      clock,
      limits: { startsPerIpPerMinute: 3, verifiesPerIpPerMinute: 3 },
    });
    try {
      const client = new PortalClient(limited.base);
      const statuses = [];
      for (let i = 0; i < 5; i += 1) statuses.push((await client.requestCode(`X${i}`)).status);
      expect(statuses).toEqual([303, 303, 303, 429, 429]);
      const verify = [];
      for (let i = 0; i < 5; i += 1) verify.push((await client.enterCode('123456')).status);
      expect(verify.slice(3)).toEqual([429, 429]);
    } finally {
      await limited.app.close();
    }
  });

  it('CSRF: every POST needs the token of this browser; another Origin is refused', async () => {
    const client = new PortalClient(base);
    await client.get('/portal/sign-in');
    expect((await client.request('POST', '/portal/sign-in', { identifier: 'C0001' })).status).toBe(403);
    expect(
      (await client.request('POST', '/portal/sign-in', { identifier: 'C0001', _csrf: 'x'.repeat(43) }))
        .status,
    ).toBe(403);
    const token = await client.csrf();
    const foreign = await client.request(
      'POST',
      '/portal/sign-in',
      { identifier: 'C0001', _csrf: token },
      { origin: 'https://evil.example' },
    );
    expect(foreign.status).toBe(403);
    await signIn(client, 'C0001', CANARY.phone);
    const signOutWithout = await client.request('POST', '/portal/sign-out', { _csrf: token });
    expect(signOutWithout.status).toBe(403); // the pre-sign-in token is not the session's
  });

  it('staff and customer sessions do not cross', async () => {
    const customer = new PortalClient(base);
    await signIn(customer, 'C0001', CANARY.phone);
    const portalCookie = customer.cookies.get('missive_portal')!;
    // A customer session is no staff session: API 401, UI to the staff sign-in.
    const api = await fetch(`${base}/api/customers?q=C0001`, {
      headers: { cookie: `missive_session=${portalCookie}` },
    });
    expect(api.status).toBe(401);
    const ui = await fetch(`${base}/ui/search`, {
      headers: { cookie: `missive_portal=${portalCookie}` },
      redirect: 'manual',
    });
    expect(ui.status).toBe(303);
    expect(ui.headers.get('location')).toMatch(/^\/login/);
    // A staff session is no customer session.
    const staff = await fetch(`${base}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'admin1', password: PASSWORD }),
    });
    const staffCookie = /missive_session=([^;]+)/.exec(staff.headers.getSetCookie().join(';'))![1]!;
    for (const cookie of [`missive_session=${staffCookie}`, `missive_portal=${staffCookie}`]) {
      const page = await fetch(`${base}/portal`, { headers: { cookie }, redirect: 'manual' });
      expect(page.status).toBe(303);
      expect(page.headers.get('location')).toBe('/portal/sign-in');
    }
  });

  it('sessions are short and end at sign-out', async () => {
    const client = new PortalClient(base);
    await signIn(client, 'C0001', CANARY.phone);
    const cookie = client.cookies.get('missive_portal')!;
    expect((await client.get('/portal')).location).toBe('/portal/documents');
    const token = await client.csrf('/portal/sign-in');
    const out = await client.request('POST', '/portal/sign-out', { _csrf: token });
    expect(out.location).toBe('/portal/sign-in?signedOut=1');
    const stale = new PortalClient(base);
    stale.cookies.set('missive_portal', cookie);
    expect((await stale.get('/portal')).location).toBe('/portal/sign-in');

    const timed = new PortalClient(base);
    await signIn(timed, 'C0001', CANARY.phone);
    clock.advanceMinutes(14);
    expect((await timed.get('/portal')).location).toBe('/portal/documents');
    clock.advanceMinutes(2);
    expect((await timed.get('/portal')).location).toBe('/portal/sign-in');
  });

  it('no portal route shows anything without a customer session', async () => {
    expect(portalRoutes.filter((r) => r.customer).length).toBeGreaterThanOrEqual(8);
    for (const route of portalRoutes) {
      if (route.method === 'HEAD' || !route.customer) continue;
      const url = route.url.replace(':id', seeded.ids.C0001!.print!);
      const client = new PortalClient(base);
      const token = await client.csrf();
      const res = await client.request(
        route.method,
        url,
        route.method === 'POST' ? { _csrf: token, change: 'x'.repeat(20) } : undefined,
      );
      expect([303, 401], `${route.method} ${url}`).toContain(res.status);
      if (res.status === 303) expect(res.location).toBe('/portal/sign-in');
      for (const secret of [CANARY.name, CANARY.email, CANARY.phone, '%PDF', 'C0001']) {
        expect(res.body, `${route.method} ${url} leaks ${secret}`).not.toContain(secret);
      }
    }
  });

  it('erasing a customer ends their sessions and removes their sign-in challenges', async () => {
    const customer = seeded.customers[2]!;
    const client = new PortalClient(base);
    await signIn(client, customer.id, customer.phone!);
    expect((await client.get('/portal')).location).toBe('/portal/documents');
    await eraseCustomer({ db: temp.store.db, blobs }, customer.id, { actor: 'admin:dpo', reason: 'request' });
    expect((await client.get('/portal')).location).toBe('/portal/sign-in');
    const left = await temp.store.db
      .selectFrom('portal_challenges')
      .select('id_sha256')
      .where('customer_id', '=', customer.id)
      .execute();
    expect(left).toEqual([]);
    const sessions = await temp.store.db
      .selectFrom('portal_sessions')
      .select('token_sha256')
      .where('customer_id', '=', customer.id)
      .execute();
    expect(sessions).toEqual([]);
  });
});
