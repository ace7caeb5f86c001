import fs from 'node:fs';
import type { ChannelConfig } from '../core/config.ts';
import type { ChannelKind } from '../core/types.ts';
import type { Channel } from './channel.ts';
import { createSmtpChannel } from './smtp.ts';
import { createTwilioChannel } from './twilio.ts';

/**
 * The one place channels are made: a plain map from kind to factory. A new channel is one file and
 * one line here. Print is not here: print documents go to the print house in print streams
 * (src/channels/print-stream/), not one by one. A channel whose settings are missing is left out,
 * and its communications wait in the ledger until it is configured.
 */
type Factory = (config: ChannelConfig) => Channel | undefined;

const FACTORIES: Partial<Record<ChannelKind, Factory>> = {
  email: (c) =>
    c.smtpUrl
      ? createSmtpChannel({
          url: c.smtpUrl,
          from: c.mailFrom,
          serviceFrom: c.mailFromService,
          messageIdDomain: c.messageIdDomain,
          publicUrl: c.publicUrl,
          ratePerSecond: c.smtpRate,
          tls: { rejectUnauthorized: c.smtpTlsVerify },
          ...(c.dkim
            ? {
                dkim: {
                  domainName: c.dkim.domainName,
                  keySelector: c.dkim.keySelector,
                  privateKey: fs.readFileSync(c.dkim.keyFile, 'utf8'),
                },
              }
            : {}),
        })
      : undefined,
  sms: (c) =>
    c.twilioAccountSid && c.twilioAuthToken
      ? createTwilioChannel({
          accountSid: c.twilioAccountSid,
          authToken: c.twilioAuthToken,
          from: c.smsFrom,
          apiBase: c.twilioApiBase,
          publicUrl: c.publicUrl,
          pricePerSegment: '0.0079',
        })
      : undefined,
};

/** The channels the configuration sets up (e-mail, SMS, print), by kind. */
export function createChannels(config: ChannelConfig): Partial<Record<ChannelKind, Channel>> {
  const channels: Partial<Record<ChannelKind, Channel>> = {};
  for (const [kind, factory] of Object.entries(FACTORIES) as [ChannelKind, Factory][]) {
    const channel = factory(config);
    if (channel) channels[kind] = channel;
  }
  return channels;
}

/** Closes every channel (transports, pools); one failing does not stop the others. */
export async function closeChannels(channels: Partial<Record<ChannelKind, Channel>>): Promise<void> {
  await Promise.allSettled(Object.values(channels).map((c) => c.close?.()));
}
