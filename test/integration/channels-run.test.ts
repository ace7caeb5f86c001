import { createHash } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyArchive } from '../../src/archive/archive-verify.ts';
import { verifyCommunication } from '../../src/archive/replay.ts';
import { executeRun } from '../../src/batch/execute-run.ts';
import { type SmtpSink, startSmtpSink } from '../../src/channels/sinks/smtp-sink.ts';
import { startTwilioSink, type TwilioSink } from '../../src/channels/sinks/twilio-sink.ts';
import { createSmtpChannel } from '../../src/channels/smtp.ts';
import { createTwilioChannel } from '../../src/channels/twilio.ts';
import { publishCatalogDir } from '../../src/rules/publish.ts';
import { listAttachments } from '../../src/store/communication-attachments.ts';
import { listCommunicationsForRun } from '../../src/store/communications.ts';
import { getCustomers, listCustomersAfter } from '../../src/store/customers.ts';
import { listEvents } from '../../src/store/events.ts';
import { loadModelStats } from '../../src/store/model-stats.ts';
import { publishTemplatePackage } from '../../src/templates/publish.ts';
import { loadStatementFeeds } from '../support/statement-feeds.ts';
import {
  importBankCustomers,
  openTempStore,
  ROOT,
  type TempStore,
  testBatchDeps,
} from '../support/stores.ts';

/**
 * A whole run that sends: the render stage makes each customer's document on the decision's channel
 * (the statement on paper, or by email with e-delivery; the campaign by email or SMS), and the
 * dispatch stage sends email and SMS over BullMQ, one queue and rate limit per channel, job id =
 * delivery key. Asked for again, the run sends nothing more.
 */
describe('a run that sends through the dispatch queues', () => {
  let temp: TempStore;
  let smtp: SmtpSink;
  let twilio: TwilioSink;
  let batch: ReturnType<typeof testBatchDeps>;

  beforeAll(async () => {
    temp = await openTempStore('channels-run');
    smtp = await startSmtpSink();
    twilio = await startTwilioSink();
    await importBankCustomers(temp.store, path.join(ROOT, 'test', 'fixtures', 'customers-bank-20.csv'));
    await publishCatalogDir(temp.store.db, path.join(ROOT, 'catalogs', 'bank'), '2026-10-31');
    // Statements render from the bank's extracts, loaded as feeds for both months the tests run.
    const all = await listCustomersAfter(temp.store.db, null, 1000);
    for (const asOf of ['2026-10-31', '2026-11-30']) await loadStatementFeeds(temp.store.db, all, asOf);
    batch = testBatchDeps(temp.store, temp.dir, { chunkSize: 7, concurrency: 2 });
    batch.deps.channels = {
      email: createSmtpChannel({
        url: smtp.url,
        from: 'bank@bank.test',
        messageIdDomain: 'bank.test',
        publicUrl: 'https://m.test',
      }),
      sms: createTwilioChannel({
        accountSid: twilio.accountSid,
        authToken: twilio.authToken,
        from: '+15005550006',
        apiBase: twilio.url,
        publicUrl: 'http://127.0.0.1:9',
      }),
    };
    batch.deps.dispatchRates = { email: 50, sms: 50 };
  });
  afterAll(async () => {
    await batch.deps.channels?.email?.close?.();
    await batch.close();
    await smtp.close();
    await twilio.close();
    await temp.close();
  });

  const run = async (template: string) => {
    const version = await publishTemplatePackage(temp.store.db, path.join(ROOT, 'templates', template));
    return executeRun(batch.deps, {
      communicationType: template,
      templateVersionId: version.id,
      asOf: '2026-10-31',
      source: 'store:all',
    });
  };

  it('sends the statement by email to e-delivery customers and on paper to the others, once', async () => {
    smtp.throttleNext(3); // the relay says "slow down" three times: the queue waits, nothing is lost
    const customersAll = await getCustomers(
      temp.store.db,
      Array.from({ length: 40 }, (_, i) => String(i)),
    );
    const bouncing = customersAll.find((c) => c.eDelivery && c.email && c.consent.email.service)!;
    smtp.reject(bouncing.email!, 550);
    const first = await run('monthly-statement');
    const rows = await listCommunicationsForRun(temp.store.db, first.runId);
    const customers = new Map(
      (
        await getCustomers(
          temp.store.db,
          rows.map((r) => r.customerId),
        )
      ).map((c) => [c.id, c]),
    );
    const email = rows.filter((r) => r.channel === 'email');
    expect(email.length).toBeGreaterThan(0);
    // The bounced statement: a bounce event, and a PDF on paper in its place.
    const bounced = rows.find((r) => r.customerId === bouncing.id && r.channel === 'email')!;
    expect(bounced).toMatchObject({ status: 'failed', errorCode: 'smtp-550' });
    expect((await listEvents(temp.store.db, { communicationId: bounced.id })).map((e) => e.type)).toEqual([
      'bounced',
    ]);
    const paper = rows.find((r) => r.customerId === bouncing.id && r.channel === 'print')!;
    expect(paper).toMatchObject({ status: 'archived', fallbackOf: bounced.id });
    expect(
      Buffer.from(await batch.deps.blobs.get(paper.artifactSha256!))
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    for (const row of rows.filter((r) => r.customerId !== bouncing.id)) {
      const customer = customers.get(row.customerId)!;
      if (row.channel === 'email') {
        expect(customer.eDelivery).toBe(true);
        expect(row.status).toBe('sent');
        expect(row.providerId).toBe(`<${row.deliveryKey}@bank.test>`);
      } else {
        expect(row.channel).toBe('print');
        expect(['archived', 'suppressed']).toContain(row.status);
      }
    }
    const delivered = email.filter((r) => r.status === 'sent');
    expect(smtp.messages.map((m) => m.messageId).sort()).toEqual(delivered.map((r) => r.providerId).sort());
    // Issue 16 item 5: each statement e-mail carries its PDF, the bytes the ledger records as attached.
    for (const row of delivered) {
      const mail = smtp.messages.find((m) => m.messageId === row.providerId)!;
      const pdf = mail.parsed!.attachments.find((a) => a.contentType === 'application/pdf')!;
      // A statement is a service e-mail: the brand's service sender, and no List-Unsubscribe.
      expect(mail.parsed!.from?.value[0]?.address).toBe('statements@bank.example');
      expect(mail.parsed!.headerLines.some((h) => h.key.startsWith('list-unsubscribe'))).toBe(false);
      const [recorded] = await listAttachments(temp.store.db, row.id);
      expect(createHash('sha256').update(pdf.content).digest('hex')).toBe(recorded!.sha256);
      expect(Buffer.from(await batch.deps.blobs.get(recorded!.sha256)).equals(pdf.content)).toBe(true);
    }
    const replayed = await verifyCommunication(
      { db: temp.store.db, blobs: batch.deps.blobs },
      delivered[0]!.id,
    );
    expect(replayed.ok, replayed.difference).toBe(true);
    // The paper copy of the bounced e-mail is archived like any document: in the log, its inputs
    // sealed, replayable to the same bytes.
    const paperReplayed = await verifyCommunication({ db: temp.store.db, blobs: batch.deps.blobs }, paper.id);
    expect(paperReplayed.ok, paperReplayed.difference).toBe(true);
    const archive = await verifyArchive({ db: temp.store.db, blobs: batch.deps.blobs });
    expect(archive.problems).toEqual([]);
    const again = await run('monthly-statement');
    expect(again.runId).toBe(first.runId);
    expect(smtp.messages).toHaveLength(delivered.length);
  });

  it('queues again a send whose job threw, so no email is left unsent at the end', async () => {
    const channels = batch.deps.channels!;
    const email = channels.email!;
    let throwing = 2; // a channel that throws (a bug, a crash in a library), not a "retry" result
    batch.deps.channels = {
      ...channels,
      email: {
        ...email,
        send: async (message, ctx) => {
          if (throwing > 0) {
            throwing -= 1;
            throw new Error('the channel threw');
          }
          return email.send(message, ctx);
        },
      },
    };
    try {
      const before = smtp.messages.length;
      const version = await publishTemplatePackage(
        temp.store.db,
        path.join(ROOT, 'templates', 'monthly-statement'),
      );
      const result = await executeRun(batch.deps, {
        communicationType: 'monthly-statement',
        templateVersionId: version.id,
        asOf: '2026-11-30', // another month: another run
        source: 'store:all',
      });
      expect(throwing).toBe(0);
      const emails = (await listCommunicationsForRun(temp.store.db, result.runId)).filter(
        (r) => r.channel === 'email',
      );
      expect(emails.length).toBeGreaterThan(2);
      expect(emails.filter((r) => r.status !== 'sent' && r.status !== 'failed')).toEqual([]);
      const sent = emails.filter((r) => r.status === 'sent');
      expect(smtp.messages.length - before).toBe(sent.length);
    } finally {
      batch.deps.channels = channels;
    }
  });

  it('sends the campaign by email or SMS by consent and reachability', async () => {
    smtp.clear();
    const outcome = await run('cross-sell-promotion');
    const rows = await listCommunicationsForRun(temp.store.db, outcome.runId);
    const byChannel = (c: string) => rows.filter((r) => r.channel === c && r.status === 'sent').length;
    expect(byChannel('email') + byChannel('sms')).toBeGreaterThan(0);
    expect(smtp.messages).toHaveLength(byChannel('email'));
    expect(twilio.messages).toHaveLength(byChannel('sms'));
    for (const mail of smtp.messages) {
      expect(mail.parsed!.headerLines.some((h) => h.key === 'list-unsubscribe-post')).toBe(true);
      // Marketing goes out from the brand's marketing sender, not the statements' address.
      expect(mail.parsed!.from?.value[0]?.address).toBe('news@bank.example');
    }
    expect(rows.filter((r) => ['pending', 'sending', 'unknown'].includes(r.status))).toEqual([]);
    // The feedback loop counts each sent offer as an exposure as soon as it is sent.
    const exposures = (await loadModelStats(temp.store.db)).reduce((n, s) => n + s.exposures, 0);
    expect(exposures).toBeGreaterThan(0);
  });
});
