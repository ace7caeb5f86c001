import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { dispatchAll } from '../../src/channels/dispatch-loop.ts';
import { type SmtpSink, startSmtpSink } from '../../src/channels/sinks/smtp-sink.ts';
import { createSmtpChannel } from '../../src/channels/smtp.ts';
import { applyTwilioStatus } from '../../src/channels/twilio-status.ts';
import {
  findCommunicationByDeliveryKey,
  getCommunication,
  listCommunicationStatusHistory,
  listCommunicationsForRun,
  setCommunicationStatus,
} from '../../src/store/communications.ts';
import { openStoreAt, type Store } from '../../src/store/db.ts';
import { listEvents } from '../../src/store/events.ts';
import { channelCustomer, dispatchDeps, seedRun } from '../support/channels.ts';

/** The dispatch ledger (migration 0003, compare-and-set moves, events) on PostgreSQL as on SQLite. */
describe('dispatch on PostgreSQL', () => {
  const schema = `channels_${randomUUID().replaceAll('-', '')}`;
  let store: Store;
  let sink: SmtpSink;
  let dir: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-channels-pg-'));
    store = await openStoreAt({ databaseUrl: inject('databaseUrl'), schema, poolSize: 4 });
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    await sink.close();
    await store.close();
    const client = new pg.Client({ connectionString: inject('databaseUrl') });
    await client.connect();
    await client.query(`drop schema if exists ${schema} cascade`).finally(() => client.end());
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('retries 451, bounces 550 to print, settles a callback once', async () => {
    const customers = Array.from({ length: 20 }, (_, i) => channelCustomer(i));
    const seeded = await seedRun(store.db, dir, {
      runId: 'run-pg',
      type: 'monthly-statement',
      channel: 'email',
      customers,
    });
    sink.script(customers[0]!.email!, [451, 451]);
    sink.reject(customers[1]!.email!, 550);
    const email = createSmtpChannel({
      url: sink.url,
      from: 'a@bank.test',
      messageIdDomain: 'bank.test',
      publicUrl: 'https://m.test',
    });
    const counts = await dispatchAll(dispatchDeps(store.db, seeded.blobs, { email }), seeded.ids, {
      maxDelayMs: 10,
    });
    await email.close?.();
    expect(counts).toEqual({ sent: 19, failed: 1 });
    expect(sink.messages).toHaveLength(19);
    expect(await getCommunication(store.db, seeded.ids[0]!)).toMatchObject({ status: 'sent', attempts: 3 });
    const rows = await listCommunicationsForRun(store.db, 'run-pg');
    expect(rows.filter((r) => r.channel === 'print')).toMatchObject([
      { customerId: customers[1]!.id, status: 'pending' },
    ]);

    // A status callback for an `unknown` send settles it, once.
    const target = await getCommunication(store.db, seeded.ids[2]!);
    await setCommunicationStatus(store.db, target!.id, 'unknown', 'test');
    const params = { MessageSid: `SM${'a'.repeat(32)}`, MessageStatus: 'delivered' };
    for (let i = 0; i < 3; i += 1) await applyTwilioStatus(store.db, params, target!.deliveryKey!);
    expect(await findCommunicationByDeliveryKey(store.db, target!.deliveryKey!)).toMatchObject({
      status: 'sent',
      providerStatus: 'delivered',
      providerId: params.MessageSid,
    });
    expect(await listEvents(store.db, { communicationId: target!.id })).toHaveLength(1);
    const history = await listCommunicationStatusHistory(store.db, seeded.ids[0]!);
    expect(history.filter((h) => h.code === 'smtp-451')).toHaveLength(2);
  });
});
