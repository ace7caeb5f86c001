import path from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../core/config.ts';

/** `missive sinks`: a real SMTP server and a Twilio-compatible API on loopback, until Ctrl-C. */
export function registerSinksCommand(program: Command): void {
  program
    .command('sinks')
    .description('Start a local SMTP sink and a Twilio-compatible API on 127.0.0.1 and print how to use them')
    .option('--smtp-port <n>', 'SMTP port (default: any free port)', (v) => Number(v))
    .option('--twilio-port <n>', 'Twilio API port (default: any free port)', (v) => Number(v))
    .action(async (opts: { smtpPort?: number; twilioPort?: number }) => {
      const config = loadConfig();
      const dir = path.join(config.dataDir, 'sinks');
      const { startSinks } = await import('../../channels/heavy.ts'); // SMTP and Twilio sinks: only when started
      const sinks = await startSinks({
        dir,
        publicUrl: config.channels.publicUrl,
        ...(opts.smtpPort ? { smtpPort: opts.smtpPort } : {}),
        ...(opts.twilioPort ? { twilioPort: opts.twilioPort } : {}),
      });
      const out = (text: string) => process.stdout.write(text);
      out(`SMTP sink     ${sinks.smtp.url}   (messages saved as .eml in ${path.join(dir, 'mail')})\n`);
      out(`Twilio API    ${sinks.twilio.url}/2010-04-01/Accounts/${sinks.twilio.accountSid}/Messages.json\n`);
      out(`status callbacks go to ${config.channels.publicUrl}/webhooks/twilio/status (signed)\n\n`);
      out('point Missive at them (another shell):\n');
      for (const [key, value] of Object.entries(sinks.env)) out(`  export ${key}=${value}\n`);
      out('\nCtrl-C stops both.\n');
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      out(`\nreceived ${sinks.smtp.messages.length} email(s), ${sinks.twilio.messages.length} SMS\n`);
      await sinks.close();
    });
}
