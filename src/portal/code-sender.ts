import { randomBytes } from 'node:crypto';
import type { Channel } from '../channels/index.ts';
import { MissiveError } from '../core/errors.ts';
import type { Artifact, ChannelKind } from '../core/types.ts';
import { codeArtifact, type PortalLocale } from './code-message.ts';
import { noticeArtifact, type PreferenceNotice } from './notice-message.ts';

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
 * Codes and confirmations are service messages (no List-Unsubscribe, no quiet hours). Each send
 * has a fresh delivery key; nothing is retried (the customer asks for a new code).
 */
export function channelCodeSender(channels: Partial<Record<ChannelKind, Channel>>): CodeSender {
  return (d) =>
    sendOnce(channels, d, codeArtifact(d.channel, d.code, { locale: d.locale, minutes: d.minutes }));
}

/** Where a confirmation of changed preferences goes: the contact on file, as for codes. */
export interface NoticeDelivery {
  channel: 'sms' | 'email';
  address: string;
  name: string;
  timeZone: string;
  locale: PortalLocale;
  notice: PreferenceNotice;
}

export type NoticeSender = (delivery: NoticeDelivery) => Promise<void>;

/** Confirmations of preference changes over the same channels as codes. */
export function channelNoticeSender(channels: Partial<Record<ChannelKind, Channel>>): NoticeSender {
  return (d) => sendOnce(channels, d, noticeArtifact(d.channel, d.locale, d.notice));
}

async function sendOnce(
  channels: Partial<Record<ChannelKind, Channel>>,
  d: { channel: 'sms' | 'email'; address: string; name: string; timeZone: string },
  artifact: Artifact,
): Promise<void> {
  const channel = channels[d.channel];
  if (!channel) {
    throw new MissiveError('MSV_CHANNEL_NOT_CONFIGURED', `no ${d.channel} channel for portal messages`);
  }
  const deliveryKey = `portal-${randomBytes(12).toString('hex')}`;
  const result = await channel.send(
    { artifact, to: { address: d.address, name: d.name, timeZone: d.timeZone } },
    { deliveryKey, communicationId: deliveryKey, purpose: 'service', now: new Date(), attempt: 1 },
  );
  if (result.kind !== 'sent') {
    throw new MissiveError('MSV_CHANNEL_REJECTED', `portal message not sent: ${result.kind} ${result.code}`, {
      channel: d.channel,
    });
  }
}
