import nodemailer, { type DKIMOptions, type SendMailOptions, type SMTPPoolOptions } from 'nodemailer';
import { MissiveError } from '../core/errors.ts';
import { decodeEmail } from '../render/index.ts';
import type { Channel, Outbound, SendContext, SendResult } from './channel.ts';
import { classifySmtpError, type SmtpErrorLike } from './classify.ts';
import { assertHeaderSafe } from './header-safety.ts';
import { TokenBucket } from './token-bucket.ts';

/**
 * Email over SMTP with nodemailer's pooled transport. The Message-ID is the delivery key, so every
 * retry of a delivery is recognisably the same message (RELIABILITY N4); marketing mail carries
 * one-click List-Unsubscribe (RFC 8058); a CR/LF in any header or envelope address refuses the
 * message before a byte is sent (RELIABILITY S3); a token bucket per relay paces sends and halves its rate when
 * the relay answers 421/454 (RELIABILITY F6).
 */
export interface SmtpChannelOptions {
  /** smtp://[user:pass@]host:port (STARTTLS when offered) or smtps:// (TLS from the start). */
  url: string;
  /**
   * The From header of e-mails rendered without a brand, e.g. `Missive Bank <news@bank.example>`
   * (a brand's e-mails carry the brand's sender for their purpose: src/render/email.ts).
   */
  from: string;
  /** The same for service e-mails (ctx.purpose `service`), e.g. `<statements@bank.example>`; default `from`. */
  serviceFrom?: string | undefined;
  /** The right-hand side of Message-IDs: `<deliveryKey@domain>`. */
  messageIdDomain: string;
  /** Base of the one-click unsubscribe link, e.g. https://missive.example. */
  publicUrl: string;
  maxConnections?: number;
  ratePerSecond?: number;
  /** Node TLS options, e.g. { rejectUnauthorized: false } for a relay with a private certificate. */
  tls?: SMTPPoolOptions['tls'];
  requireTls?: boolean;
  dkim?: DKIMOptions;
  socketTimeoutMs?: number;
}

/** The parts of a nodemailer SMTP URL that go into the transport options. */
function connectionOptions(url: string): Pick<SMTPPoolOptions, 'host' | 'port' | 'secure' | 'auth'> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new MissiveError('MSV_CONFIG_INVALID', 'MISSIVE_SMTP_URL is not a URL', {
      field: 'MISSIVE_SMTP_URL',
    });
  }
  const secure = parsed.protocol === 'smtps:';
  if (!secure && parsed.protocol !== 'smtp:') {
    throw new MissiveError('MSV_CONFIG_INVALID', 'MISSIVE_SMTP_URL must start with smtp:// or smtps://', {
      field: 'MISSIVE_SMTP_URL',
    });
  }
  const auth = parsed.username
    ? { user: decodeURIComponent(parsed.username), pass: decodeURIComponent(parsed.password) }
    : undefined;
  return {
    host: parsed.hostname,
    port: Number(parsed.port || (secure ? 465 : 587)),
    secure,
    ...(auth ? { auth } : {}),
  };
}

/** Headers of marketing mail: a one-click unsubscribe link and a mailto (RFC 2369, RFC 8058). */
export function unsubscribeHeaders(
  publicUrl: string,
  deliveryKey: string,
  domain: string,
): Record<string, string> {
  const link = `${publicUrl.replace(/\/$/, '')}/unsubscribe/${encodeURIComponent(deliveryKey)}`;
  return {
    'List-Unsubscribe': `<${link}>, <mailto:unsubscribe@${domain}?subject=${deliveryKey}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  };
}

export function messageIdFor(deliveryKey: string, domain: string): string {
  return `<${deliveryKey}@${domain}>`;
}

export function buildMail(options: SmtpChannelOptions, message: Outbound, ctx: SendContext): SendMailOptions {
  const parts = decodeEmail(message.artifact.bytes);
  const name = message.to.name ?? '';
  // A message rendered with a brand carries the brand's sender (chosen for its purpose when it was
  // rendered); older ones use the configured From of their purpose.
  const configured = ctx.purpose === 'service' ? (options.serviceFrom ?? options.from) : options.from;
  const from = parts.fromAddress ? { name: parts.fromName ?? '', address: parts.fromAddress } : configured;
  const replyTo = parts.replyTo || undefined;
  assertHeaderSafe(
    {
      to: message.to.address,
      toName: name,
      subject: parts.subject,
      from: typeof from === 'string' ? from : `${from.name} <${from.address}>`,
      ...(replyTo ? { replyTo } : {}),
    },
    ctx.communicationId,
  );
  const messageId = messageIdFor(ctx.deliveryKey, options.messageIdDomain);
  const headers =
    ctx.purpose === 'marketing'
      ? unsubscribeHeaders(options.publicUrl, ctx.deliveryKey, options.messageIdDomain)
      : {};
  return {
    from,
    ...(replyTo ? { replyTo } : {}),
    to: name ? { name, address: message.to.address } : message.to.address,
    subject: parts.subject,
    text: parts.text,
    html: parts.html,
    messageId,
    headers: { ...headers, 'X-Missive-Delivery-Key': ctx.deliveryKey },
    disableFileAccess: true,
    disableUrlAccess: true,
    // The logo and offer images are data: URIs in the archived HTML; Gmail and others do not show
    // those, so they travel as inline (cid:) attachments of the same bytes — the content is unchanged.
    attachDataUrls: true,
    // Archived documents the message carries (a statement's PDF), as dispatch read and verified them.
    ...(message.attachments?.length
      ? {
          attachments: message.attachments.map((a) => ({
            filename: a.name,
            contentType: a.mediaType,
            content: Buffer.from(a.bytes.buffer, a.bytes.byteOffset, a.bytes.byteLength),
          })),
        }
      : {}),
  };
}

export function createSmtpChannel(options: SmtpChannelOptions): Channel & { readonly bucket: TokenBucket } {
  const transport = nodemailer.createTransport({
    pool: true,
    ...connectionOptions(options.url),
    maxConnections: options.maxConnections ?? 4,
    maxMessages: 100,
    requireTLS: options.requireTls ?? false,
    tls: options.tls ?? {},
    connectionTimeout: options.socketTimeoutMs ?? 30_000,
    socketTimeout: options.socketTimeoutMs ?? 60_000,
    ...(options.dkim ? { dkim: options.dkim } : {}),
  });
  const bucket = new TokenBucket({ ratePerSecond: options.ratePerSecond ?? 200 });
  return {
    kind: 'email',
    name: 'smtp',
    bucket,
    async send(message, ctx): Promise<SendResult> {
      if (!message.to.address)
        return { kind: 'unreachable', reason: 'no e-mail address', code: 'MSV_CHANNEL_UNREACHABLE' };
      let mail: SendMailOptions;
      try {
        mail = buildMail(options, message, ctx);
      } catch (err) {
        if (err instanceof MissiveError)
          return { kind: 'failed', reason: err.message, code: err.code, bounce: false };
        throw err;
      }
      await bucket.take();
      try {
        const info = await transport.sendMail(mail);
        if (info.rejected.length > 0) {
          return {
            kind: 'failed',
            reason: `rejected: ${info.response}`,
            code: 'smtp-rejected',
            bounce: true,
          };
        }
        bucket.succeeded();
        return { kind: 'sent', providerId: info.messageId, providerStatus: 'accepted' };
      } catch (err) {
        const result = classifySmtpError(err as SmtpErrorLike, ctx.attempt);
        if (result.kind === 'retry' && result.throttled) bucket.slowDown();
        return result;
      }
    },
    async verify() {
      await transport.verify();
    },
    async close() {
      transport.close();
    },
  };
}
