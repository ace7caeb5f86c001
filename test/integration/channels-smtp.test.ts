import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchAll } from '../../src/channels/dispatch-loop.ts';
import { type SmtpSink, startSmtpSink } from '../../src/channels/sinks/smtp-sink.ts';
import { createSmtpChannel } from '../../src/channels/smtp.ts';
import {
  getCommunication,
  listCommunicationStatusHistory,
  listCommunicationsForRun,
} from '../../src/store/communications.ts';
import { listEvents } from '../../src/store/events.ts';
import { channelCustomer, dispatchDeps, seedRun } from '../support/channels.ts';
import { openTempStore, type TempStore } from '../support/stores.ts';

/**
 * Email through a real SMTP server on loopback (smtp-server), read back with mailparser: RELIABILITY
 * N1/N4 (one Message-ID per delivery, whatever is retried), N5 (4xx retried, 5xx bounced), F6 (421
 * slows down, loses nothing) and S3 (CR/LF in a header refuses the message).
 */
describe('email over SMTP into the sink', () => {
  let temp: TempStore;
  let sink: SmtpSink;
  const channel = () =>
    createSmtpChannel({
      url: sink.url,
      from: 'Missive Bank <news@bank.test>',
      messageIdDomain: 'bank.test',
      publicUrl: 'https://missive.test',
      ratePerSecond: 5_000,
      maxConnections: 4,
    });

  beforeAll(async () => {
    temp = await openTempStore('smtp');
    sink = await startSmtpSink({ dir: `${temp.dir}/eml` });
  });
  afterAll(async () => {
    await sink.close();
    await temp.close();
  });

  it('delivers 1,000 marketing emails once each, with both parts and one-click unsubscribe; 451 twice then 250 is one message', async () => {
    const customers = Array.from({ length: 1000 }, (_, i) => channelCustomer(i));
    const seeded = await seedRun(temp.store.db, temp.dir, {
      runId: 'run-promo',
      type: 'cross-sell-promotion',
      channel: 'email',
      customers,
    });
    const slow = customers.slice(0, 3).map((c) => c.email!);
    for (const address of slow) sink.script(address, [451, 451]);
    const email = channel();
    const deps = dispatchDeps(temp.store.db, seeded.blobs, { email });
    const counts = await dispatchAll(deps, seeded.ids, { concurrency: 8, maxDelayMs: 20 });
    // Dispatching everything again sends nothing: every row is final.
    const again = await dispatchAll(deps, seeded.ids, { concurrency: 8 });
    await email.close?.();

    expect(counts).toEqual({ sent: 1000 });
    expect(again).toEqual({ sent: 1000 });
    expect(sink.messages).toHaveLength(1000);
    const ids = new Set(sink.messages.map((m) => m.messageId));
    expect(ids.size).toBe(1000);
    const recipients = new Set(sink.messages.flatMap((m) => m.envelope.to));
    expect(recipients).toEqual(new Set(customers.map((c) => c.email)));
    for (const mail of sink.messages) {
      expect(mail.parsed!.html).toContain('<p>Hello cust-');
      expect(mail.parsed!.text).toMatch(/^Hello cust-\d{5}/);
      const header = (key: string) =>
        (mail.parsed!.headerLines.find((h) => h.key === key)?.line ?? '').replace(/\r\n\s+/g, ' ');
      expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
      expect(header('list-unsubscribe')).toMatch(
        /^List-Unsubscribe: <https:\/\/missive\.test\/unsubscribe\/dk_\w+>, <mailto:/,
      );
    }
    // The retried recipients: two 4xx in the history, then sent, with the delivery key as Message-ID.
    const first = await getCommunication(temp.store.db, seeded.ids[0]!);
    expect(first).toMatchObject({
      status: 'sent',
      attempts: 3,
      providerId: `<${first!.deliveryKey}@bank.test>`,
    });
    const history = await listCommunicationStatusHistory(temp.store.db, seeded.ids[0]!);
    expect(history.map((h) => h.status)).toEqual([
      'archived',
      'sending',
      'archived',
      'sending',
      'archived',
      'sending',
      'sent',
    ]);
    expect(history.filter((h) => h.code === 'smtp-451')).toHaveLength(2);
    const slowMails = sink.messages.filter((m) => slow.includes(m.envelope.to[0]!));
    expect(slowMails.map((m) => m.messageId).sort()).toHaveLength(3);
  });

  it('bounces a 5xx without retrying; a bounced statement falls back to print', async () => {
    const customers = Array.from({ length: 10 }, (_, i) => channelCustomer(5000 + i));
    const seeded = await seedRun(temp.store.db, temp.dir, {
      runId: 'run-statement',
      type: 'monthly-statement',
      channel: 'email',
      customers,
    });
    sink.clear();
    sink.script(customers[0]!.email!, [550]);
    sink.reject(customers[1]!.email!, 553);
    const email = channel();
    const counts = await dispatchAll(dispatchDeps(temp.store.db, seeded.blobs, { email }), seeded.ids, {
      maxDelayMs: 20,
    });
    await email.close?.();
    expect(counts).toEqual({ sent: 8, failed: 2 });
    expect(sink.messages).toHaveLength(8);
    const bounced = await getCommunication(temp.store.db, seeded.ids[0]!);
    expect(bounced).toMatchObject({ status: 'failed', attempts: 1, errorCode: 'smtp-550' });
    const events = await listEvents(temp.store.db, { communicationId: seeded.ids[0]! });
    expect(events).toMatchObject([{ type: 'bounced', source: 'smtp', payload: { code: 'smtp-550' } }]);
    const rows = await listCommunicationsForRun(temp.store.db, 'run-statement');
    const print = rows.filter((r) => r.channel === 'print');
    expect(print.map((r) => r.customerId).sort()).toEqual([customers[0]!.id, customers[1]!.id]);
    expect(print[0]).toMatchObject({ status: 'pending', fallbackOf: expect.stringMatching(/^com_/) });
  });

  it('slows down on 421 instead of failing: nothing lost, the bucket rate drops', async () => {
    const customers = Array.from({ length: 20 }, (_, i) => channelCustomer(6000 + i));
    const seeded = await seedRun(temp.store.db, temp.dir, {
      runId: 'run-throttle',
      type: 'cross-sell-promotion',
      channel: 'email',
      customers,
    });
    sink.clear();
    sink.throttleNext(3);
    const email = createSmtpChannel({
      url: sink.url,
      from: 'news@bank.test',
      messageIdDomain: 'bank.test',
      publicUrl: 'https://missive.test',
      ratePerSecond: 400,
    });
    const counts = await dispatchAll(dispatchDeps(temp.store.db, seeded.blobs, { email }), seeded.ids, {
      maxDelayMs: 20,
      maxAttempts: 2,
    });
    await email.close?.();
    expect(counts).toEqual({ sent: 20 });
    expect(new Set(sink.messages.map((m) => m.messageId)).size).toBe(20);
    expect(sink.messages).toHaveLength(20);
    expect((email as unknown as { bucket: { currentRate: number } }).bucket.currentRate).toBeLessThan(400);
  });

  it('refuses a name with CR/LF before sending: the sink sees only intended RCPT TO', async () => {
    const evil = channelCustomer(7000, { name: 'X\r\nBcc: evil@example.com' });
    const good = channelCustomer(7001);
    const seeded = await seedRun(temp.store.db, temp.dir, {
      runId: 'run-inject',
      type: 'monthly-statement',
      channel: 'email',
      customers: [evil, good],
    });
    sink.clear();
    const email = channel();
    const counts = await dispatchAll(dispatchDeps(temp.store.db, seeded.blobs, { email }), seeded.ids);
    await email.close?.();
    expect(counts).toEqual({ sent: 1, failed: 1 });
    expect(sink.recipientsSeen).toEqual([good.email]);
    expect(sink.messages.map((m) => m.raw!.toString('utf8')).join('')).not.toMatch(/evil@example\.com/i);
    const refused = await getCommunication(temp.store.db, seeded.ids[0]!);
    expect(refused).toMatchObject({
      status: 'failed',
      errorCode: 'MSV_CHANNEL_HEADER_INJECTION',
      attempts: 1,
    });
  });

  it('DKIM-signs when a key is configured', async () => {
    const customers = [channelCustomer(8000)];
    const seeded = await seedRun(temp.store.db, temp.dir, {
      runId: 'run-dkim',
      type: 'monthly-statement',
      channel: 'email',
      customers,
    });
    sink.clear();
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const email = createSmtpChannel({
      url: sink.url,
      from: 'statements@bank.test',
      messageIdDomain: 'bank.test',
      publicUrl: 'https://missive.test',
      dkim: {
        domainName: 'bank.test',
        keySelector: 'm1',
        privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      },
    });
    expect(await dispatchAll(dispatchDeps(temp.store.db, seeded.blobs, { email }), seeded.ids)).toEqual({
      sent: 1,
    });
    await email.close?.();
    const signature =
      sink.messages[0]!.parsed!.headerLines.find((h) => h.key === 'dkim-signature')?.line ?? '';
    expect(signature).toMatch(/d=bank\.test/);
    expect(signature).toMatch(/s=m1/);
  });
});
