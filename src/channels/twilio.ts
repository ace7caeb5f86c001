import type twilio from 'twilio';
import { MissiveError } from '../core/errors.ts';
import { smsSegments } from '../render/index.ts';
import type { Channel, Outbound, ReconcileResult, SendContext, SendResult } from './channel.ts';
import { classifyTwilioError, type TwilioErrorLike } from './classify.ts';
import { msUntilQuietHoursEnd } from './quiet-hours.ts';

/**
 * SMS with the real `twilio` client. Its transport is the library's own RequestClient pointed at
 * `apiBase` when set (the loopback sink), see twilio-request-client.ts. Each message gets a status
 * callback URL; quiet hours are re-checked at send time for marketing; segments and cost are
 * recorded; errors are classified by classify.ts (429 → throttled retry, 5xx → unknown, 21211 →
 * permanent). An `unknown` send is reconciled by listing the account's messages to the number and
 * matching the body: never resent blindly (RELIABILITY N5).
 */
export interface TwilioChannelOptions {
  accountSid: string;
  authToken: string;
  /** The sender: a phone number in E.164 or a Messaging Service SID (MG…). */
  from: string;
  /** Where the client sends requests instead of https://api.twilio.com (the loopback sink). */
  apiBase?: string | undefined;
  /** Missive's public base URL: status callbacks go to `${publicUrl}/webhooks/twilio/status`. */
  publicUrl: string;
  /** Price of one segment when Twilio does not say (it reports the price later), e.g. "0.0079". */
  pricePerSegment?: string;
  priceUnit?: string;
  timeoutMs?: number;
}

/** The delivery key rides in the URL, so a callback can settle even a send whose answer was lost. */
export function statusCallbackUrl(publicUrl: string, deliveryKey: string): string {
  return `${publicUrl.replace(/\/$/, '')}/webhooks/twilio/status?key=${encodeURIComponent(deliveryKey)}`;
}

function estimateCost(segments: number, pricePerSegment: string | undefined): string | undefined {
  if (pricePerSegment === undefined) return undefined;
  return (-segments * Number(pricePerSegment)).toFixed(5);
}

type Transport = typeof import('./twilio-request-client.ts');
interface OpenedClient {
  client: ReturnType<typeof twilio>;
  withIdempotencyKey: Transport['withIdempotencyKey'];
}

/**
 * The `twilio` SDK (~0.1 s to load: its REST client, axios, jsonwebtoken…) comes in with
 * twilio-request-client.ts at a channel's first send or reconcile, not when the channel is made: a run,
 * worker or command that sends no SMS never loads it. What the SDK's constructor refused (an account
 * SID not starting with AC, an API base that is not a URL) is still refused when the channel is made.
 */
async function openClient(options: TwilioChannelOptions): Promise<OpenedClient> {
  const [{ default: createClient }, transport] = await Promise.all([
    import('twilio'),
    import('./twilio-request-client.ts'),
  ]);
  const client = createClient(options.accountSid, options.authToken, {
    httpClient: new transport.RedirectingRequestClient(options.apiBase, {
      timeoutMs: options.timeoutMs ?? 30_000,
    }),
  });
  return { client, withIdempotencyKey: transport.withIdempotencyKey };
}

function checkOptions(options: TwilioChannelOptions): void {
  if (options.accountSid && !options.accountSid.startsWith('AC')) {
    const apiKey = options.accountSid.startsWith('SK')
      ? '. The given SID indicates an API Key which requires the accountSid to be passed as an additional option'
      : '';
    throw new MissiveError('MSV_CONFIG_INVALID', `accountSid must start with AC${apiKey}`, {
      field: 'TWILIO_ACCOUNT_SID',
    });
  }
  if (options.apiBase !== undefined && !URL.canParse(options.apiBase)) {
    throw new MissiveError('MSV_CONFIG_INVALID', `not a URL: ${options.apiBase}`, {
      field: 'MISSIVE_TWILIO_API_BASE',
    });
  }
}

export function createTwilioChannel(options: TwilioChannelOptions): Channel {
  checkOptions(options);
  let opened: Promise<OpenedClient> | undefined;
  const open = (): Promise<OpenedClient> => {
    opened ??= openClient(options);
    return opened;
  };
  const senderField = options.from.startsWith('MG') ? 'messagingServiceSid' : 'from';

  async function send(message: Outbound, ctx: SendContext): Promise<SendResult> {
    if (!message.to.address)
      return { kind: 'unreachable', reason: 'no phone number', code: 'MSV_CHANNEL_UNREACHABLE' };
    if (ctx.purpose === 'marketing' && ctx.quietHours && message.to.timeZone) {
      const wait = msUntilQuietHoursEnd(message.to.timeZone, ctx.now.getTime(), ctx.quietHours);
      if (wait > 0) {
        return {
          kind: 'retry',
          reason: 'quiet hours in the customer time zone',
          code: 'MSV_CHANNEL_QUIET_HOURS',
          retryAfterMs: wait,
          throttled: true,
        };
      }
    }
    const body = Buffer.from(message.artifact.bytes).toString('utf8');
    const ours = smsSegments(body).segments;
    const { client, withIdempotencyKey } = await open();
    try {
      const created = await withIdempotencyKey(ctx.deliveryKey, () =>
        client.messages.create({
          to: message.to.address,
          body,
          [senderField]: options.from,
          statusCallback: statusCallbackUrl(options.publicUrl, ctx.deliveryKey),
        }),
      );
      const segments = Number(created.numSegments ?? ours) || ours;
      const cost = created.price ?? estimateCost(segments, options.pricePerSegment);
      return {
        kind: 'sent',
        providerId: created.sid,
        providerStatus: created.status,
        segments,
        ...(cost !== undefined && cost !== null
          ? { cost: String(cost), costUnit: created.priceUnit ?? options.priceUnit ?? 'USD' }
          : {}),
      };
    } catch (err) {
      return classifyTwilioError(err as TwilioErrorLike, ctx.attempt);
    }
  }

  async function reconcile(message: Outbound, _ctx: SendContext): Promise<ReconcileResult> {
    const body = Buffer.from(message.artifact.bytes).toString('utf8');
    try {
      const { client } = await open();
      const found = await client.messages.list({ to: message.to.address, limit: 200 });
      const match = found.find((m) => m.body === body);
      return match
        ? { kind: 'sent', providerId: match.sid, providerStatus: match.status }
        : { kind: 'absent' };
    } catch (err) {
      return { kind: 'undetermined', reason: (err as Error).message };
    }
  }

  return { kind: 'sms', name: 'twilio', send, reconcile };
}
