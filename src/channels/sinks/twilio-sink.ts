import { randomBytes } from 'node:crypto';
import http from 'node:http';
import twilio from 'twilio';
import { InvariantError } from '../../core/invariant.ts';
import { smsSegments } from '../../render/index.ts';

/**
 * A Twilio-compatible Messages API on loopback for the demo and the tests, driven by the real
 * `twilio` client: POST /2010-04-01/Accounts/{Sid}/Messages.json (basic auth, form fields as Twilio
 * takes them), GET Messages.json (filter by To/From, paged) and Messages/{Sid}.json. It stores what it
 * accepts, honours an `Idempotency-Key` header, answers chosen numbers with Twilio error codes
 * (`reject('+15005550001', 21211)`) and follows a script for the next POSTs: `429` (rate limited),
 * `500` (refused, nothing stored) or `accept-then-500` (stored, but the client sees a 500 — the
 * ambiguous case). It fires status callbacks and inbound replies signed with a valid
 * `X-Twilio-Signature` (twilio.getExpectedTwilioSignature). node:http, so every byte is in our hands.
 */
export interface SinkSms {
  sid: string;
  accountSid: string;
  to: string;
  from: string;
  body: string;
  status: string;
  numSegments: number;
  price: string;
  statusCallback: string | null;
  idempotencyKey: string | null;
  dateCreated: string;
}

export type ScriptedAnswer = 429 | 500 | 503 | 'accept-then-500';

export interface TwilioSink {
  readonly url: string;
  readonly accountSid: string;
  readonly authToken: string;
  readonly messages: readonly SinkSms[];
  /** POSTs that reached the sink, answered or not. */
  readonly posts: number;
  reject(to: string, code: number): void;
  scriptNext(...answers: ScriptedAnswer[]): void;
  /** POSTs a signed status callback for one message to its StatusCallback URL; returns the HTTP status. */
  fireStatus(sid: string, status: string, extra?: Record<string, string>): Promise<number>;
  /** POSTs a signed inbound SMS (a reply) to `url`. */
  fireInbound(url: string, from: string, to: string, body: string): Promise<number>;
  close(): Promise<void>;
}

const ERRORS: Record<number, { status: number; message: string }> = {
  20003: { status: 401, message: 'Authenticate' },
  20404: { status: 404, message: 'The requested resource was not found' },
  20429: { status: 429, message: 'Too Many Requests' },
  20500: { status: 500, message: 'Internal Server Error' },
  20503: { status: 503, message: 'Service Unavailable' },
  21211: { status: 400, message: "The 'To' number is not a valid phone number." },
  21408: { status: 400, message: 'Permission to send an SMS has not been enabled for the region' },
  21602: { status: 400, message: 'Message body is required.' },
  21604: { status: 400, message: "A 'To' phone number is required." },
  21610: { status: 400, message: 'Attempt to send to unsubscribed recipient' },
  21612: { status: 400, message: "The 'To' phone number is not currently reachable via SMS." },
  21614: { status: 400, message: "'To' number is not a valid mobile number" },
};

const E164 = /^\+[1-9]\d{6,14}$/;
const PRICE_PER_SEGMENT = 0.0079;

function errorBody(code: number): { status: number; body: Record<string, unknown> } {
  const e = ERRORS[code] ?? { status: 400, message: `Error ${code}` };
  return {
    status: e.status,
    body: {
      code,
      message: e.message,
      more_info: `https://www.twilio.com/docs/errors/${code}`,
      status: e.status,
    },
  };
}

function toJson(m: SinkSms): Record<string, unknown> {
  return {
    sid: m.sid,
    account_sid: m.accountSid,
    to: m.to,
    from: m.from,
    body: m.body,
    status: m.status,
    num_segments: String(m.numSegments),
    num_media: '0',
    direction: 'outbound-api',
    api_version: '2010-04-01',
    price: m.price,
    price_unit: 'USD',
    error_code: null,
    error_message: null,
    date_created: m.dateCreated,
    date_updated: m.dateCreated,
    date_sent: m.dateCreated,
    uri: `/2010-04-01/Accounts/${m.accountSid}/Messages/${m.sid}.json`,
    subresource_uris: {},
  };
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** POSTs form params to url with a valid X-Twilio-Signature, as Twilio does. */
export async function postSigned(
  authToken: string,
  url: string,
  params: Record<string, string>,
): Promise<number> {
  const signature = twilio.getExpectedTwilioSignature(authToken, url, params);
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: new URLSearchParams(params).toString(),
  });
  await response.arrayBuffer();
  return response.status;
}

export async function startTwilioSink(
  options: {
    port?: number;
    accountSid?: string;
    authToken?: string;
    /** Fire `sent` then `delivered` callbacks for every accepted message (the demo, `missive sinks`). */
    autoDeliver?: boolean;
  } = {},
): Promise<TwilioSink> {
  const accountSid = options.accountSid ?? `AC${randomBytes(16).toString('hex')}`;
  const authToken = options.authToken ?? randomBytes(16).toString('hex');
  const messages: SinkSms[] = [];
  const byKey = new Map<string, SinkSms>();
  const rejects = new Map<string, number>();
  const script: ScriptedAnswer[] = [];
  let posts = 0;
  const base = `/2010-04-01/Accounts/${accountSid}/Messages`;
  const expectedAuth = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;

  const create = (req: http.IncomingMessage, form: URLSearchParams, res: http.ServerResponse) => {
    posts += 1;
    const answer = script.shift();
    if (answer === 429 || answer === 500 || answer === 503) {
      const e = errorBody(answer === 429 ? 20429 : answer === 503 ? 20503 : 20500);
      return send(res, e.status, e.body);
    }
    const key = (req.headers['idempotency-key'] as string | undefined) ?? null;
    const existing = key ? byKey.get(key) : undefined;
    if (existing) return send(res, 201, toJson(existing));
    const to = form.get('To') ?? '';
    const body = form.get('Body') ?? '';
    const from = form.get('From') ?? form.get('MessagingServiceSid') ?? '';
    const problem = !to ? 21604 : !E164.test(to) ? 21211 : (rejects.get(to) ?? (!body ? 21602 : undefined));
    if (problem !== undefined) {
      const e = errorBody(problem);
      return send(res, e.status, e.body);
    }
    const numSegments = smsSegments(body).segments;
    const message: SinkSms = {
      sid: `SM${randomBytes(16).toString('hex')}`,
      accountSid,
      to,
      from,
      body,
      status: 'queued',
      numSegments,
      price: (-numSegments * PRICE_PER_SEGMENT).toFixed(5),
      statusCallback: form.get('StatusCallback'),
      idempotencyKey: key,
      dateCreated: new Date().toUTCString(),
    };
    messages.push(message);
    if (key) byKey.set(key, message);
    if (options.autoDeliver && message.statusCallback) autoDeliver(message);
    if (answer === 'accept-then-500') {
      const e = errorBody(20500);
      return send(res, e.status, e.body);
    }
    return send(res, 201, toJson(message));
  };

  // Callbacks go out after the answer, as Twilio's do; a webhook that is down only loses its copy.
  const autoDeliver = (m: SinkSms) =>
    setTimeout(() => {
      void (async () => {
        for (const status of ['sent', 'delivered']) await sink.fireStatus(m.sid, status);
      })().catch(() => undefined);
    }, 20);

  const list = (url: URL, res: http.ServerResponse) => {
    const to = url.searchParams.get('To');
    const from = url.searchParams.get('From');
    const pageSize = Math.min(1000, Number(url.searchParams.get('PageSize') ?? 50));
    const page = Number(url.searchParams.get('Page') ?? 0);
    const matched = messages.filter((m) => (!to || m.to === to) && (!from || m.from === from)).reverse();
    const slice = matched.slice(page * pageSize, (page + 1) * pageSize);
    const more = (page + 1) * pageSize < matched.length;
    const query = (p: number) => {
      const q = new URLSearchParams(url.searchParams);
      q.set('Page', String(p));
      q.set('PageSize', String(pageSize));
      return `${base}.json?${q.toString()}`;
    };
    send(res, 200, {
      messages: slice.map(toJson),
      page,
      page_size: pageSize,
      first_page_uri: query(0),
      next_page_uri: more ? query(page + 1) : null,
      previous_page_uri: page > 0 ? query(page - 1) : null,
      uri: query(page),
      start: page * pageSize,
      end: page * pageSize + slice.length - 1,
    });
  };

  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (!url.pathname.startsWith(`/2010-04-01/Accounts/`)) return send(res, 404, errorBody(20404).body);
      if (req.headers.authorization !== expectedAuth || !url.pathname.startsWith(base)) {
        const e = errorBody(20003);
        return send(res, e.status, e.body);
      }
      if (req.method === 'POST' && url.pathname === `${base}.json`) {
        return create(req, new URLSearchParams(await readBody(req)), res);
      }
      if (req.method === 'GET' && url.pathname === `${base}.json`) return list(url, res);
      const one = new RegExp(`^${base}/(SM[0-9a-f]{32})\\.json$`).exec(url.pathname);
      const found = one ? messages.find((m) => m.sid === one[1]) : undefined;
      if (req.method === 'GET' && found) return send(res, 200, toJson(found));
      const e = errorBody(20404);
      return send(res, e.status, e.body);
    })().catch(() => send(res, 500, errorBody(20500).body));
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });

  const sink: TwilioSink = {
    url: `http://127.0.0.1:${port}`,
    accountSid,
    authToken,
    messages,
    get posts() {
      return posts;
    },
    reject: (to, code) => void rejects.set(to, code),
    scriptNext: (...answers) => void script.push(...answers),
    async fireStatus(sid, status, extra = {}) {
      const m = messages.find((x) => x.sid === sid);
      // A test asked for a callback of a message it never sent (or sent without one): a bug in the test.
      if (!m?.statusCallback) throw new InvariantError(`no message ${sid} with a status callback`);
      m.status = status;
      const params = {
        AccountSid: accountSid,
        ApiVersion: '2010-04-01',
        From: m.from,
        To: m.to,
        MessageSid: m.sid,
        SmsSid: m.sid,
        MessageStatus: status,
        SmsStatus: status,
        ...extra,
      };
      return postSigned(authToken, m.statusCallback, params);
    },
    fireInbound(url, from, to, body) {
      const sid = `SM${randomBytes(16).toString('hex')}`;
      return postSigned(authToken, url, {
        AccountSid: accountSid,
        ApiVersion: '2010-04-01',
        MessageSid: sid,
        SmsSid: sid,
        SmsMessageSid: sid,
        From: from,
        To: to,
        Body: body,
        NumMedia: '0',
        NumSegments: String(smsSegments(body).segments),
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return sink;
}
