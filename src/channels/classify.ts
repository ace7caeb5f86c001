import type { SendResult } from './channel.ts';

/**
 * Provider errors reduced to what dispatch can act on (novu's serializeProviderError, RELIABILITY N5):
 * retry what is safe to retry, fail what will fail again, and call `unknown` whatever the provider may
 * already have accepted. Pure: no I/O, so every branch is a unit test.
 */

/** Backoff for the n-th attempt (1-based): 1 s, 2 s, 4 s … capped at 5 minutes. */
export function backoffMs(attempt: number, baseMs = 1_000): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempt - 1), 300_000);
}

/** SMTP replies that mean "slow down" (a relay's rate limit), not "this message is bad" (RELIABILITY F6). */
export const SMTP_THROTTLE_CODES: ReadonlySet<number> = new Set([421, 454]);

/** What nodemailer puts on its errors (see nodemailer's errors.ts). */
export interface SmtpErrorLike {
  code?: string | undefined;
  responseCode?: number | undefined;
  response?: string | undefined;
  command?: string | undefined;
  syscall?: string | undefined;
  message?: string | undefined;
}

/** Errors raised before a byte of the message could have reached the relay: a retry is safe. */
function neverConnected(err: SmtpErrorLike): boolean {
  const text = `${err.message ?? ''} ${err.code ?? ''}`;
  return err.syscall === 'connect' || /ECONNREFUSED|EHOSTUNREACH|ENOTFOUND|EDNS|EAUTH|ETLS/.test(text);
}

export function classifySmtpError(err: SmtpErrorLike, attempt: number): SendResult {
  const status = err.responseCode;
  const reason = (err.response ?? err.message ?? 'SMTP error').slice(0, 300);
  if (status !== undefined && status >= 500 && status !== 503) {
    return { kind: 'failed', reason, code: `smtp-${status}`, bounce: true };
  }
  if (status !== undefined && SMTP_THROTTLE_CODES.has(status)) {
    return {
      kind: 'retry',
      reason,
      code: `smtp-${status}`,
      retryAfterMs: backoffMs(attempt),
      throttled: true,
    };
  }
  if (status !== undefined && status >= 400) {
    return { kind: 'retry', reason, code: `smtp-${status}`, retryAfterMs: backoffMs(attempt) };
  }
  if (neverConnected(err)) {
    return { kind: 'retry', reason, code: err.code ?? 'ECONNECTION', retryAfterMs: backoffMs(attempt) };
  }
  // A timeout or a lost connection without a reply: the relay may have taken the message after DATA.
  return { kind: 'unknown', reason, code: err.code ?? 'ECONNECTION' };
}

/** What twilio-node raises: a RestException (status + Twilio code) or the HTTP client's network error. */
export interface TwilioErrorLike {
  status?: number | undefined;
  code?: number | string | undefined;
  message?: string | undefined;
}

/** Twilio error codes that say the number itself cannot take the message (a bounce). */
export const TWILIO_BAD_NUMBER_CODES: ReadonlySet<number> = new Set([
  21211, // invalid 'To' phone number
  21214, // 'To' phone number cannot be reached
  21408, // permission to send to this region is not enabled
  21610, // the recipient replied STOP
  21612, // the 'To' phone number is not currently reachable
  21614, // 'To' number is not a valid mobile number
]);

const NETWORK_BEFORE_SEND = /ECONNREFUSED|EHOSTUNREACH|ENOTFOUND|EAI_AGAIN/;

export function classifyTwilioError(err: TwilioErrorLike, attempt: number): SendResult {
  const reason = (err.message ?? 'Twilio error').slice(0, 300);
  const status = typeof err.status === 'number' ? err.status : undefined;
  const twilioCode = typeof err.code === 'number' ? err.code : undefined;
  if (status === undefined) {
    const network = String(err.code ?? '');
    if (NETWORK_BEFORE_SEND.test(network) || NETWORK_BEFORE_SEND.test(reason)) {
      return { kind: 'retry', reason, code: network || 'network', retryAfterMs: backoffMs(attempt) };
    }
    // Reset or timed out after the request went out: Twilio may have created the message.
    return { kind: 'unknown', reason, code: network || 'network' };
  }
  const code = twilioCode === undefined ? `http-${status}` : `twilio-${twilioCode}`;
  if (status === 429)
    return { kind: 'retry', reason, code, retryAfterMs: backoffMs(attempt), throttled: true };
  if (status === 408 || status === 503)
    return { kind: 'retry', reason, code, retryAfterMs: backoffMs(attempt) };
  if (status >= 500) return { kind: 'unknown', reason, code };
  const bounce = twilioCode !== undefined && TWILIO_BAD_NUMBER_CODES.has(twilioCode);
  return { kind: 'failed', reason, code, bounce };
}
