import type { FastifyInstance, RouteOptions } from 'fastify';
import type { Kysely } from 'kysely';
import { buildApp } from '../../src/api/app.ts';
import type { BlobStore } from '../../src/archive/blob-store.ts';
import type { Channel } from '../../src/channels/channel.ts';
import { type SmtpSink, startSmtpSink } from '../../src/channels/sinks/smtp-sink.ts';
import { startTwilioSink, type TwilioSink } from '../../src/channels/sinks/twilio-sink.ts';
import { createSmtpChannel } from '../../src/channels/smtp.ts';
import { createTwilioChannel } from '../../src/channels/twilio.ts';
import type { ChannelKind } from '../../src/core/types.ts';
import { derivePortalLinkKey } from '../../src/feedback/portal-link.ts';
import { channelCodeSender, channelNoticeSender } from '../../src/portal/code-sender.ts';
import type { PortalLimits } from '../../src/portal/limits.ts';
import type { Database } from '../../src/store/schema.ts';
import type { BrandSource } from '../../src/templates/index.ts';

/** Shared set-up of the portal tests: the real sinks, the real channels, an app on loopback, a browser-like client. */

export interface PortalSinks {
  smtp: SmtpSink;
  twilio: TwilioSink;
  channels: Partial<Record<ChannelKind, Channel>>;
  close(): Promise<void>;
}

export async function startPortalSinks(): Promise<PortalSinks> {
  const smtp = await startSmtpSink();
  const twilio = await startTwilioSink();
  const channels = {
    email: createSmtpChannel({
      url: smtp.url,
      from: 'Missive Bank <noreply@bank.example>',
      messageIdDomain: 'bank.example',
      publicUrl: 'http://127.0.0.1',
    }),
    sms: createTwilioChannel({
      accountSid: twilio.accountSid,
      authToken: twilio.authToken,
      from: '+15005550006',
      apiBase: twilio.url,
      publicUrl: 'http://127.0.0.1',
    }),
  };
  return {
    smtp,
    twilio,
    channels,
    close: async () => {
      await Promise.allSettled(Object.values(channels).map((c) => c.close?.()));
      await smtp.close();
      await twilio.close();
    },
  };
}

export const PORTAL_KEY = new Uint8Array(Buffer.from('portal-key-of-the-tests-0123456789abcdef'));

/** The key of the signed document links in e-mails, as `missive serve` derives it from the tracking key. */
export const PORTAL_LINK_KEY = derivePortalLinkKey(
  Buffer.from('tracking-key-of-the-portal-tests-0123456789'),
);

/** A mutable clock the app reads: tests move it to expire codes and sessions and to reset windows. */
export interface TestClock {
  now: () => Date;
  set(iso: string): void;
  advanceMinutes(minutes: number): void;
}

export function testClock(start = '2026-11-20T10:00:00.000Z'): TestClock {
  let at = new Date(start).getTime();
  return {
    now: () => new Date(at),
    set: (iso) => {
      at = new Date(iso).getTime();
    },
    advanceMinutes: (minutes) => {
      at += minutes * 60_000;
    },
  };
}

export async function startPortalApp(options: {
  db: Kysely<Database>;
  blobs?: BlobStore;
  sinks: PortalSinks;
  clock: TestClock;
  limits?: Partial<PortalLimits>;
  cookieSecure?: 'on' | 'off' | 'auto';
  /** Sees every route as it is added (route sweeps). */
  onRoute?: (route: RouteOptions) => void;
  /** The portal's brand (its colour and logo); none: the plain look. */
  brand?: BrandSource;
}): Promise<{ app: FastifyInstance; base: string }> {
  const app = buildApp({
    db: options.db,
    blobs: options.blobs,
    now: options.clock.now,
    security: {
      loginRateLimit: 100,
      ...(options.cookieSecure ? { cookieSecure: options.cookieSecure } : {}),
    },
    portal: {
      key: PORTAL_KEY,
      sendCode: channelCodeSender(options.sinks.channels),
      sendNotice: channelNoticeSender(options.sinks.channels),
      limits: { startsPerIpPerMinute: 1000, verifiesPerIpPerMinute: 1000, ...options.limits },
      linkKey: PORTAL_LINK_KEY,
      ...(options.brand ? { brand: options.brand } : {}),
    },
  });
  if (options.onRoute) app.addHook('onRoute', options.onRoute);
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, base };
}

export interface Answer {
  status: number;
  location: string | null;
  body: string;
  headers: Headers;
  setCookies: string[];
}

/** A browser-like client over fetch: keeps its cookies (by name), never follows redirects. */
export class PortalClient {
  readonly cookies = new Map<string, string>();
  constructor(readonly base: string) {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request(
    method: string,
    path: string,
    form?: Record<string, string>,
    headers: Record<string, string> = {},
  ): Promise<Answer> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      redirect: 'manual',
      headers: {
        accept: 'text/html',
        ...(this.cookies.size > 0 ? { cookie: this.cookieHeader() } : {}),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        ...headers,
      },
      body: form ? new URLSearchParams(form).toString() : undefined,
    });
    const setCookies = res.headers.getSetCookie();
    for (const line of setCookies) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return {
      status: res.status,
      location: res.headers.get('location'),
      body: await res.text(),
      headers: res.headers,
      setCookies,
    };
  }

  get(path: string): Promise<Answer> {
    return this.request('GET', path);
  }

  /** The CSRF token of the page at `path` (its first `_csrf` field). */
  async csrf(path = '/portal/sign-in'): Promise<string> {
    const page = await this.get(path);
    const token = /name="_csrf" value="([^"]*)"/.exec(page.body)?.[1];
    if (!token) throw new Error(`no CSRF field on ${path} (${page.status})`);
    return token;
  }

  async post(
    path: string,
    form: Record<string, string>,
    options: { csrfFrom?: string; headers?: Record<string, string> } = {},
  ): Promise<Answer> {
    const _csrf = form._csrf ?? (await this.csrf(options.csrfFrom ?? '/portal/sign-in'));
    return this.request('POST', path, { ...form, _csrf }, options.headers);
  }

  /** "Send me a code". */
  requestCode(identifier: string, channel: 'sms' | 'email' = 'sms'): Promise<Answer> {
    return this.post('/portal/sign-in', { identifier, channel });
  }

  enterCode(code: string): Promise<Answer> {
    return this.post('/portal/sign-in/code', { code }, { csrfFrom: '/portal/sign-in/code' });
  }
}

/** Waits until `count()` reaches `n` (the code is sent after the answer). */
export async function waitFor(count: () => number, n: number, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (count() < n) {
    if (Date.now() > until) throw new Error(`waited ${timeoutMs} ms for ${n}, have ${count()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function codeIn(text: string): string {
  const code = /\b(\d{6})\b/.exec(text)?.[1];
  if (!code) throw new Error('no 6-digit code in the message');
  return code;
}

/** The code of the latest SMS to `phone` at the sink. */
export async function smsCode(sinks: PortalSinks, phone: string, nth: number): Promise<string> {
  await waitFor(() => sinks.twilio.messages.filter((m) => m.to === phone).length, nth);
  const messages = sinks.twilio.messages.filter((m) => m.to === phone);
  return codeIn(messages[messages.length - 1]!.body);
}

/** The code of the latest e-mail to `address` at the sink. */
export async function emailCode(sinks: PortalSinks, address: string, nth: number): Promise<string> {
  const to = () => sinks.smtp.messages.filter((m) => m.envelope.to.includes(address));
  await waitFor(() => to().length, nth);
  const mail = to()[to().length - 1]!;
  return codeIn(mail.parsed?.text ?? '');
}

/** Signs `client` in as the customer with the code sent to `phone` (captured at the Twilio sink). */
export async function signInBySms(
  client: PortalClient,
  sinks: PortalSinks,
  customerId: string,
  phone: string,
): Promise<void> {
  const before = sinks.twilio.messages.filter((m) => m.to === phone).length;
  const start = await client.requestCode(customerId);
  if (start.location !== '/portal/sign-in/code') throw new Error(`sign-in refused: ${start.status}`);
  const answer = await client.enterCode(await smsCode(sinks, phone, before + 1));
  if (answer.location !== '/portal/documents') throw new Error(`code refused: ${answer.status}`);
}
