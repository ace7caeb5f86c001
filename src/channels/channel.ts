import type { Artifact, ChannelKind } from '../core/types.ts';

/**
 * The one extension point of the dispatch stage, shaped like a nodemailer transport: a channel takes a
 * rendered artifact and the customer's contact point and says what happened, in terms the dispatch
 * state machine (dispatch.ts) can act on. One file per implementation (smtp.ts, twilio.ts), each with
 * a factory; registry.ts maps names to factories.
 */

/** Where the customer is reached on this channel. Personal data: never logged, never stored here. */
export interface ContactPoint {
  /** E-mail address (email) or E.164 phone number (sms). */
  address: string;
  /** Display name for the e-mail `To:` header. */
  name?: string;
  /** IANA time zone, for quiet hours at send time. */
  timeZone?: string;
}

export interface Outbound {
  artifact: Artifact;
  to: ContactPoint;
  /**
   * The archived documents an e-mail carries (format 3), read from the blob store by dispatch and
   * verified against the sha256 the archived message names: sent as they are, never re-rendered.
   */
  attachments?: readonly OutboundAttachment[] | undefined;
}

export interface OutboundAttachment {
  name: string;
  mediaType: string;
  sha256: string;
  bytes: Uint8Array;
}

export interface SendContext {
  /** hash(run, customer, template version, channel): Message-ID / idempotency key (RELIABILITY N1, N4). */
  deliveryKey: string;
  communicationId: string;
  /** Marketing mail carries List-Unsubscribe headers; quiet hours apply to it. */
  purpose: 'service' | 'marketing';
  /** When the send happens (quiet hours are checked against it). */
  now: Date;
  /** Local hours in which marketing SMS waits (the catalog's policy), re-checked at send time. */
  quietHours?: { start: string; end: string } | undefined;
  /** 1 for the first try of this delivery, then 2, 3…: the backoff grows with it. */
  attempt: number;
}

export type SendResult =
  /** The provider accepted the message; `providerId` is its id (Twilio SID, SMTP Message-ID). */
  | {
      kind: 'sent';
      providerId: string;
      providerStatus?: string;
      segments?: number;
      cost?: string;
      costUnit?: string;
    }
  /** Temporary: try again after `retryAfterMs`. `throttled` means a rate limit, not a spent attempt (RELIABILITY F6). */
  | { kind: 'retry'; reason: string; code: string; retryAfterMs: number; throttled?: boolean }
  /** Permanent: never retried; `bounce` when the recipient itself was refused (SMTP 5xx, invalid number). */
  | { kind: 'failed'; reason: string; code: string; bounce: boolean }
  /** The contact point cannot be used on this channel: switch to the decision's fallback channel. */
  | { kind: 'unreachable'; reason: string; code: 'MSV_CHANNEL_UNREACHABLE' }
  /** The provider may have accepted it: reconcile, never resend blindly (RELIABILITY N5). */
  | { kind: 'unknown'; reason: string; code: string };

/** What reconciliation of an `unknown` send found at the provider. */
export type ReconcileResult =
  | { kind: 'sent'; providerId: string; providerStatus?: string }
  | { kind: 'absent' }
  | { kind: 'undetermined'; reason: string };

export interface Channel {
  readonly kind: ChannelKind;
  readonly name: string;
  send(message: Outbound, ctx: SendContext): Promise<SendResult>;
  /** Looks an ambiguous send up at the provider; channels that cannot (SMTP) leave it out. */
  reconcile?(message: Outbound, ctx: SendContext): Promise<ReconcileResult>;
  verify?(): Promise<void>;
  close?(): Promise<void>;
}
