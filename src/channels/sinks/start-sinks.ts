import path from 'node:path';
import type { ChannelConfig } from '../../core/config.ts';
import type { SmtpSink } from './smtp-sink.ts';
import type { TwilioSink } from './twilio-sink.ts';

/** Both sinks on loopback, for `missive sinks` and `missive demo`. */
export interface Sinks {
  smtp: SmtpSink;
  twilio: TwilioSink;
  /** The environment that points Missive at these sinks. */
  env: Record<string, string>;
  /** The channel settings pointing at these sinks (the demo uses them without touching the env). */
  channelConfig(base: ChannelConfig): ChannelConfig;
  close(): Promise<void>;
}

/**
 * Starts the local SMTP and Twilio-compatible sinks (`missive sinks`), writing what arrives under `dir`.
 * The sinks' packages (smtp-server, mailparser, the `twilio` SDK: ~0.25 s) are loaded here, when the
 * sinks start, not by the commands and workers that import the channels stage and never start them.
 */
export async function startSinks(options: {
  dir: string;
  smtpPort?: number;
  twilioPort?: number;
  publicUrl: string;
}): Promise<Sinks> {
  const [{ startSmtpSink }, { startTwilioSink }] = await Promise.all([
    import('./smtp-sink.ts'),
    import('./twilio-sink.ts'),
  ]);
  const smtp = await startSmtpSink({
    dir: path.join(options.dir, 'mail'),
    port: options.smtpPort ?? 0,
    retain: 'envelope',
  });
  const twilio = await startTwilioSink({ port: options.twilioPort ?? 0, autoDeliver: true });
  const env = {
    MISSIVE_SMTP_URL: smtp.url,
    MISSIVE_TWILIO_API_BASE: twilio.url,
    TWILIO_ACCOUNT_SID: twilio.accountSid,
    TWILIO_AUTH_TOKEN: twilio.authToken,
    MISSIVE_PUBLIC_URL: options.publicUrl,
  };
  return {
    smtp,
    twilio,
    env,
    channelConfig: (base) => ({
      ...base,
      smtpUrl: smtp.url,
      twilioApiBase: twilio.url,
      twilioAccountSid: twilio.accountSid,
      twilioAuthToken: twilio.authToken,
      publicUrl: options.publicUrl,
    }),
    close: async () => {
      await Promise.allSettled([smtp.close(), twilio.close()]);
    },
  };
}
