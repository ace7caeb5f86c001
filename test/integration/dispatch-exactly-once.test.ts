import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerTimeline } from '../../src/api/lookup/timeline.ts';
import { stringsFor } from '../../src/api/ui/i18n/index.ts';
import { eventRow } from '../../src/api/ui/pages/customer.ts';
import { formatRunReport } from '../../src/batch/format-run-report.ts';
import { buildRunReport } from '../../src/batch/run-report.ts';
import { dispatchCommunication } from '../../src/channels/dispatch.ts';
import { openSendJournal, type SendJournal } from '../../src/channels/send-journal.ts';
import { type SmtpSink, startSmtpSink } from '../../src/channels/sinks/smtp-sink.ts';
import { getCommunication, listCommunicationStatusHistory } from '../../src/store/communications.ts';
import { listEvents } from '../../src/store/events.ts';
import {
  bankSmtpChannel,
  channelCustomer,
  dispatchDeps,
  seedRun,
  sqliteDiskFull,
} from '../support/channels.ts';
import { openTempStore, type TempStore } from '../support/stores.ts';

/**
 * Issue 17 item 3 / RELIABILITY N3, N5: an email the SMTP server accepted is never sent again
 * because the ledger's `sent` could not be written (a full disk: SQLITE_FULL). The answer is in the
 * send journal first; the next attempt records it from there. A resend that cannot be ruled out
 * (the journal never got the answer) is a possible duplicate: in the history, the run report and
 * the customer's timeline.
 */
describe('exactly once after a store write fails after the send', () => {
  let temp: TempStore;
  let sink: SmtpSink;
  const journals: SendJournal[] = [];
  const diskFull = sqliteDiskFull;
  const smtp = () => bankSmtpChannel(sink.url, { maxConnections: 1 });
  const journal = () => {
    const j = openSendJournal(path.join(temp.dir, 'send-journal'));
    journals.push(j);
    return j;
  };

  beforeAll(async () => {
    temp = await openTempStore('exactly-once');
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    for (const j of journals) j.close();
    await sink.close();
    await temp.close();
  });

  it('records a send the store refused from the send journal, and never sends it again', async () => {
    const seeded = await seedRun(temp.store.db, temp.dir, {
      runId: 'run-full',
      type: 'cross-sell-promotion',
      channel: 'email',
      customers: [channelCustomer(1), channelCustomer(2)],
    });
    const email = smtp();
    const id = seeded.ids[0]!;
    // The provider accepts; then the disk is full: the `sent` transaction fails.
    const failing = {
      ...dispatchDeps(temp.store.db, seeded.blobs, { email }),
      journal: journal(),
      onSent: async () => {
        throw diskFull();
      },
    };
    await expect(dispatchCommunication(failing, id)).rejects.toThrow('database or disk is full');
    expect((await getCommunication(temp.store.db, id))?.status).toBe('sending');
    expect(sink.messages).toHaveLength(1);
    failing.journal.close(); // the process stops; its journal keeps the receipt

    // The next process (space is back): the receipt settles it, nothing goes out.
    const next = { ...dispatchDeps(temp.store.db, seeded.blobs, { email }), journal: journal() };
    expect(await dispatchCommunication(next, id)).toEqual({ status: 'sent' });
    expect(await dispatchCommunication(next, id)).toMatchObject({ status: 'sent', skipped: true });
    await email.close?.();
    expect(sink.messages).toHaveLength(1);
    const comm = await getCommunication(temp.store.db, id);
    expect(comm).toMatchObject({ status: 'sent', providerId: sink.messages[0]!.messageId });
    const history = await listCommunicationStatusHistory(temp.store.db, id);
    expect(history.map((h) => h.status)).toEqual(['archived', 'sending', 'sent']);
    expect(history.at(-1)?.reason).toContain('recorded from the send journal');
    expect(next.journal.find(id)).toBeUndefined(); // cleared once the ledger has it
    const report = await buildRunReport(temp.store.db, seeded.runId);
    expect(report.possibleDuplicates).toEqual({});
    expect(formatRunReport(report)).not.toContain('possible duplicate');
  });

  it('counts and shows a resend it could not rule out as a possible duplicate', async () => {
    const seeded = await seedRun(temp.store.db, temp.dir, {
      runId: 'run-crash',
      type: 'cross-sell-promotion',
      channel: 'email',
      customers: [channelCustomer(3), channelCustomer(4)],
    });
    const email = smtp();
    const id = seeded.ids[0]!;
    const before = sink.messages.length;
    // No journal: the answer is lost with the store write, as with a crash right after the 250.
    const lost = {
      ...dispatchDeps(temp.store.db, seeded.blobs, { email }),
      onSent: async () => {
        throw diskFull();
      },
    };
    await expect(dispatchCommunication(lost, id)).rejects.toThrow('database or disk is full');
    const next = { ...dispatchDeps(temp.store.db, seeded.blobs, { email }), journal: journal() };
    expect(await dispatchCommunication(next, id)).toEqual({ status: 'sent' });
    expect(await dispatchCommunication(next, seeded.ids[1]!)).toEqual({ status: 'sent' });
    await email.close?.();

    // Twice at the sink, under one Message-ID: the window the history and the report name.
    const mine = sink.messages.slice(before).filter((m) => m.envelope.to.includes('c00003@example.test'));
    expect(mine).toHaveLength(2);
    expect(new Set(mine.map((m) => m.messageId)).size).toBe(1);
    const history = await listCommunicationStatusHistory(temp.store.db, id);
    expect(history.map((h) => [h.status, h.code])).toEqual([
      ['archived', null],
      ['sending', null],
      ['unknown', 'MSV_CHANNEL_UNKNOWN'],
      ['archived', 'resent-after-unknown'],
      ['sending', null],
      ['sent', null],
    ]);

    const report = await buildRunReport(temp.store.db, seeded.runId);
    expect(report.possibleDuplicates).toEqual({ email: 1 });
    expect(formatRunReport(report)).toContain(
      'possible dupes    1 possible duplicate: resent after an interrupted send (email 1)',
    );

    const events = await listEvents(temp.store.db, { communicationId: id });
    expect(events.map((e) => e.type)).toEqual(['possible-duplicate']);
    const timeline = await customerTimeline(temp.store.db, 'cust-00003');
    const event = timeline.events.find((e) => e.type === 'possible-duplicate');
    expect(event).toMatchObject({ communicationId: id, source: 'missive' });
    expect(String(eventRow(stringsFor('en-GB'), event!))).toContain(
      'Possible duplicate</strong> — resent after an interrupted send',
    );
  });
});
