import { AsyncLocalStorage } from 'node:async_hooks';
import twilio from 'twilio';
import type BaseRequestClient from 'twilio/lib/base/RequestClient.js';

/**
 * twilio-node's supported extension point for its transport: a `httpClient` given in the client's
 * options. This one is the library's own RequestClient (axios, auth, form encoding, errors all
 * unchanged) with two additions:
 * - every `https://api.twilio.com` (and any other `*.twilio.com`) URL is rewritten onto `apiBase`,
 *   so the real client talks to the loopback Twilio-compatible sink in tests and the demo;
 * - the delivery key of the send in progress goes out as an `Idempotency-Key` header (RELIABILITY N4):
 *   honoured by the sink, ignored by Twilio itself, whose messages are reconciled by lookup instead.
 */
const deliveryKeyStore = new AsyncLocalStorage<string>();

/** Runs `work` with `key` as the Idempotency-Key of every Twilio request it makes. */
export function withIdempotencyKey<T>(key: string, work: () => Promise<T>): Promise<T> {
  return deliveryKeyStore.run(key, work);
}

type RequestOptions<TData> = BaseRequestClient.RequestOptions<TData>;
type Response<TData> = Awaited<ReturnType<typeof twilio.RequestClient.prototype.request<TData>>>;

export class RedirectingRequestClient extends twilio.RequestClient {
  private readonly base: URL | undefined;

  /** `apiBase` undefined: requests go to Twilio as usual (only the idempotency header is added). */
  constructor(apiBase: string | undefined, options: { timeoutMs?: number } = {}) {
    super({ timeout: options.timeoutMs ?? 30_000, keepAlive: true, autoRetry: false });
    this.base = apiBase ? new URL(apiBase) : undefined;
  }

  override request<TData>(opts: RequestOptions<TData>): Promise<Response<TData>> {
    const key = deliveryKeyStore.getStore();
    const headers = { ...(opts.headers ?? {}), ...(key ? { 'Idempotency-Key': key } : {}) };
    return super.request<TData>({ ...opts, uri: this.rewrite(opts.uri), headers });
  }

  private rewrite(uri: string): string {
    if (!this.base) return uri;
    const target = new URL(uri);
    if (!target.hostname.endsWith('twilio.com')) return uri;
    const basePath = this.base.pathname.replace(/\/$/, '');
    return `${this.base.origin}${basePath}${target.pathname}${target.search}`;
  }
}
