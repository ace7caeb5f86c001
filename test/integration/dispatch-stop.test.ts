import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectRedisClient } from '../../src/batch/redis-connection.ts';
import { buildRunReport } from '../../src/batch/run-report.ts';
import { type DispatchStage, startDispatchStage } from '../../src/batch/workers/dispatch-worker.ts';
import type { Channel } from '../../src/channels/channel.ts';
import { openSendJournal } from '../../src/channels/send-journal.ts';
import { type SmtpSink, startSmtpSink } from '../../src/channels/sinks/smtp-sink.ts';
import { getCommunication } from '../../src/store/communications.ts';
import {
  bankSmtpChannel,
  channelCustomer,
  dispatchDeps,
  seedRun,
  sqliteDiskFull,
} from '../support/channels.ts';
import { openTempStore, type TempStore } from '../support/stores.ts';
import { waitFor } from '../support/worker-process.ts';

/**
 * RELIABILITY F7, the stop itself: a run stopped by a full disk force-closes its BullMQ workers,
 * which does not wait for their jobs. Sends the SMTP server has already accepted, whose answer is
 * still on its way, must write that answer to the send journal before the journal closes (the
 * ledger refuses it: the disk is full), and no send may start once the stop began. The next run
 * then records them from the journal instead of sending them again. Before the fix the stage closed
 * its journal under such sends: beside a busy machine, disk-full's sink got 4 e-mails twice.
 */
describe('a dispatch stage stopped while sends wait for the server', () => {
  let temp: TempStore;
  let sink: SmtpSink;
  const stages: DispatchStage[] = [];
  const prefix = `{dispatch-stop-${process.pid}}`;
  const smtp = () => bankSmtpChannel(sink.url);

  beforeAll(async () => {
    temp = await openTempStore('dispatch-stop');
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    await Promise.allSettled(stages.map((s) => s.close()));
    await sink?.close();
    await temp?.close();
  });

  const start = (deps: Parameters<typeof startDispatchStage>[0]) => {
    const stage = startDispatchStage(deps, {
      connect: () => connectRedisClient(inject('redisUrl')),
      prefix,
      rates: { email: 1_000, sms: 1_000 },
      concurrency: 4,
      lockMs: 1_000, // jobs a forced close left active are found stalled within seconds
    });
    stages.push(stage);
    return stage;
  };

  it('journals the answers of sends already out, starts none after the stop, and the next run sends nothing twice', async () => {
    const seeded = await seedRun(temp.store.db, temp.dir, {
      runId: 'run-stop',
      type: 'cross-sell-promotion',
      channel: 'email',
      customers: Array.from({ length: 24 }, (_, i) => channelCustomer(i + 1)),
    });
    const journalDir = path.join(temp.dir, 'send-journal');
    const stop = new AbortController();
    const email = smtp();
    // The server has the message; its answer reaches Missive only once `answer` is opened.
    let openAnswers: () => void = () => {};
    const answer = new Promise<void>((resolve) => {
      openAnswers = resolve;
    });
    const slowAnswers: Channel = {
      ...email,
      async send(message, ctx) {
        const result = await email.send(message, ctx);
        if (stop.signal.aborted || sink.messages.length >= 3) await answer;
        return result;
      },
    };
    const first = start({
      ...dispatchDeps(temp.store.db, seeded.blobs, { email: slowAnswers }),
      journal: openSendJournal(journalDir),
      stopping: stop.signal,
      // Once the disk is full the ledger refuses every `sent`.
      onSent: async () => {
        if (stop.signal.aborted) throw sqliteDiskFull();
      },
    });
    await first.enqueueRun(seeded.runId);
    await waitFor(
      async () => (sink.messages.length >= 3 ? true : undefined),
      30_000,
      '3 e-mails at the sink',
    );

    // The disk is full: stop as execute-run does (workers force-closed, then the stage), and the
    // server's answers arrive while the stage closes.
    stop.abort(new Error('disk full'));
    await Promise.allSettled(first.workers.map((w) => w.close(true)));
    const closing = first.close();
    setTimeout(openAnswers, 300);
    await closing;
    await email.close?.();
    const atStop = sink.messages.length;
    expect(atStop).toBeLessThan(24); // the stop held the rest back

    // Every e-mail the server took is `sent` in the ledger or has its answer in the journal.
    const reader = openSendJournal(journalDir);
    for (const m of sink.messages) {
      const comm = await temp.store.db
        .selectFrom('communications')
        .select(['id', 'status'])
        .where('delivery_key', '=', m.messageId.replace(/^<|@.*$/g, ''))
        .executeTakeFirstOrThrow();
      if (comm.status !== 'sent') expect(reader.find(comm.id), `${comm.id} ${comm.status}`).toBeDefined();
    }
    reader.close();

    // The next run: space is back, nothing is sent twice.
    const plain = smtp();
    const next = start({
      ...dispatchDeps(temp.store.db, seeded.blobs, { email: plain }),
      journal: openSendJournal(journalDir),
    });
    await next.requeueStranded(seeded.runId);
    await next.enqueueRun(seeded.runId);
    await next.drained({ intervalMs: 50 });
    await next.requeueStranded(seeded.runId);
    await next.drained({ intervalMs: 50 });
    await next.close();
    await plain.close?.();

    const ids = sink.messages.map((m) => m.messageId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(24);
    for (const id of seeded.ids) expect((await getCommunication(temp.store.db, id))?.status).toBe('sent');
    const report = await buildRunReport(temp.store.db, seeded.runId);
    expect(report.possibleDuplicates).toEqual({});
  });
});
