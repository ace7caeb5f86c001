import { randomBytes } from 'node:crypto';
import type { Channel } from '../channels/channel.ts';
import { MissiveError } from '../core/errors.ts';
import type { ChannelKind } from '../core/types.ts';
import { codeArtifact, type PortalLocale } from './code-message.ts';

/** Where a code goes: a contact point on file, never an address typed in the form. */
export interface CodeDelivery {
  channel: 'sms' | 'email';
  address: string;
  name: string;
  timeZone: string;
  locale: PortalLocale;
  code: string;
  minutes: number;
}

/** Hands a code to a channel; resolves when the provider took it (or throws MSV_CHANNEL_*). */
export type CodeSender = (delivery: CodeDelivery) => Promise<void>;

/**
 * A code sender over Missive's own channels (nodemailer SMTP, the twilio client), as configured
 * for runs: the same transports, the same header-injection checks, the same sinks in tests.
 * Codes are service messages (no List-Unsubscribe, no quiet hours). Each send has a fresh delivery
 * key; a code is never retried (the customer asks for a new one).
 */
export function channelCodeSender(channels: Partial<Record<ChannelKind, Channel>>): CodeSender {
  return async (d) => {
    const channel = channels[d.channel];
    if (!channel) {
      throw new MissiveError('MSV_CHANNEL_NOT_CONFIGURED', `no ${d.channel} channel for sign-in codes`);
    }
    const deliveryKey = `portal-${randomBytes(12).toString('hex')}`;
    const result = await channel.send(
      {
        artifact: codeArtifact(d.channel, d.code, { locale: d.locale, minutes: d.minutes }),
        to: { address: d.address, name: d.name, timeZone: d.timeZone },
      },
      { deliveryKey, communicationId: deliveryKey, purpose: 'service', now: new Date(), attempt: 1 },
    );
    if (result.kind !== 'sent') {
      throw new MissiveError('MSV_CHANNEL_REJECTED', `sign-in code not sent: ${result.kind} ${result.code}`, {
        channel: d.channel,
      });
    }
  };
}
