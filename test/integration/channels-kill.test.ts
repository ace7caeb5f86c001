import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SmtpSink, startSmtpSink } from '../../src/channels/sinks/smtp-sink.ts';
import { startTwilioSink, type TwilioSink } from '../../src/channels/sinks/twilio-sink.ts';
import {
  countCommunicationsByStatus,
  listCommunicationStatusHistory,
} from '../../src/store/communications.ts';
import { channelCustomer, seedRun } from '../support/channels.ts';
import { openTempStore, ROOT, type TempStore } from '../support/stores.ts';

/**
 * Kill the sending process mid-batch (SIGKILL, no goodbye) and run it again: the sinks count every
 * message. SMS: exactly once each — a send left `sending` is looked up at the provider before
 * anything is sent again. Email: SMTP has no lookup, so a send the kill interrupted is resent with the
 * same Message-ID; every message arrives, distinct Message-IDs = customers, and any second copy belongs
 * to a delivery whose history shows the `unknown` window (RELIABILITY: duplicates only there).
 */
const CHILD = path.join(ROOT, 'test', 'support', 'dispatch-child.ts');

function startChild(dir: string, runId: string, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', CHILD, dir, runId], {
    cwd: ROOT,
    env: { ...process.env, ...env, MISSIVE_LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

async function waitFor(check: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('a sending process killed mid-batch, then run again', () => {
  let temp: TempStore;
  let smtp: SmtpSink;
  let twilio: TwilioSink;
  let env: Record<string, string>;
  const N = 300;

  beforeAll(async () => {
    temp = await openTempStore('kill');
    smtp = await startSmtpSink();
    twilio = await startTwilioSink();
    env = {
      MISSIVE_SMTP_URL: smtp.url,
      MISSIVE_TWILIO_API_BASE: twilio.url,
      TWILIO_ACCOUNT_SID: twilio.accountSid,
      TWILIO_AUTH_TOKEN: twilio.authToken,
    };
  });
  afterAll(async () => {
    await smtp.close();
    await twilio.close();
    await temp.close();
  });

  it.each([
    ['sms', () => twilio.messages.length, () => twilio.messages.map((m) => m.to)],
    ['email', () => smtp.messages.length, () => smtp.messages.map((m) => m.messageId)],
  ] as const)(
    '%s: none sent twice outside the ambiguous window, none missing',
    async (channel, count, keys) => {
      const customers = Array.from({ length: N }, (_, i) =>
        channelCustomer((channel === 'sms' ? 0 : 10_000) + i),
      );
      const runId = `run-kill-${channel}`;
      const seeded = await seedRun(temp.store.db, temp.dir, {
        runId,
        type: 'cross-sell-promotion',
        channel,
        customers,
      });
      const first = startChild(temp.dir, runId, env);
      const firstExit = exited(first);
      await waitFor(() => count() >= N / 4);
      first.kill('SIGKILL');
      await firstExit;
      const atKill = count();
      expect(atKill).toBeLessThan(N);
      const second = startChild(temp.dir, runId, env);
      expect(await exited(second)).toBe(0);

      expect(await countCommunicationsByStatus(temp.store.db, runId)).toMatchObject({ sent: N });
      const seen = keys();
      expect(new Set(seen).size).toBe(N);
      const duplicates = seen.length - N;
      if (channel === 'sms') {
        expect(duplicates).toBe(0);
      } else {
        let ambiguous = 0;
        for (const id of seeded.ids) {
          const history = await listCommunicationStatusHistory(temp.store.db, id);
          if (history.some((h) => h.status === 'unknown')) ambiguous += 1;
        }
        expect(duplicates).toBeLessThanOrEqual(ambiguous);
      }
    },
  );
});
