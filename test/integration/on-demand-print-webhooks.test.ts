import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import { addUser, issueApiToken } from '../../src/api/lookup/users.ts';
import { createFsBlobStore } from '../../src/archive/fs-blob-store.ts';
import { confirmPrintFile } from '../../src/channels/print-stream/confirm-print-file.ts';
import { markInPrintFile } from '../../src/channels/print-stream/mark-in-print-file.ts';
import { createLogger } from '../../src/core/logger.ts';
import type { Customer } from '../../src/core/types.ts';
import { createOnDemandService, type OnDemandService } from '../../src/on-demand/on-demand-service.ts';
import { verifySignature } from '../../src/on-demand/webhook-signature.ts';
import { upsertCustomers } from '../../src/store/customers.ts';
import { publishTemplatePackage } from '../../src/templates/publish.ts';
import { bearer, seedUsers } from '../support/api.ts';
import { channelCustomer } from '../support/channels.ts';
import { loadStatementFeeds } from '../support/statement-feeds.ts';
import { openTempStore, ROOT, type TempStore } from '../support/stores.ts';

/** Every POST a real HTTP receiver on 127.0.0.1 gets (answered 200). */
async function startReceiver() {
  const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/missive`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function until<T>(what: () => T | undefined, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = what();
    if (value) return value;
    if (Date.now() > end) throw new Error('timed out waiting for webhooks');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Issue 19 item 4/7: an on-demand letter's print lifecycle (in a print file, then the print house's
 * returned manifest: printed, mailed, or spoiled) reaches the organisation's webhook, signed like
 * every other status event.
 */
describe('on-demand status webhooks: the print lifecycle', () => {
  let temp: TempStore;
  let service: OnDemandService;
  let app: FastifyInstance;
  let tokens: Record<'agent' | 'marketer' | 'admin' | 'system', string>;
  const customers: Customer[] = [1, 2].map((i) => channelCustomer(i, { eDelivery: false }));

  beforeAll(async () => {
    temp = await openTempStore('on-demand-print-webhooks');
    const blobs = createFsBlobStore(path.join(temp.dir, 'archive'));
    await upsertCustomers(temp.store.db, customers);
    await loadStatementFeeds(temp.store.db, customers, '2026-10-31');
    await publishTemplatePackage(temp.store.db, path.join(ROOT, 'templates', 'monthly-statement'));
    const seeded = await seedUsers(temp.store.db);
    await addUser(temp.store.db, { name: 'core-banking', role: 'system' });
    tokens = { ...seeded, system: await issueApiToken(temp.store.db, 'core-banking', 'test') };
    service = createOnDemandService({
      db: temp.store.db,
      blobs,
      logger: createLogger('silent'),
      channels: {},
      webhooks: { intervalMs: 50, baseDelayMs: 100, settleMs: 0, timeoutMs: 2_000 },
      maxSendDelayMs: 100,
      renderLimits: { timeoutMs: 20_000, maxHeapMb: 512 },
    });
    app = buildApp({ db: temp.store.db, blobs, onDemand: service });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await temp?.close();
  });

  it('in_print_file, printed, mailed and spoiled are POSTed, signed, with the letter and its reason', async () => {
    const receiver = await startReceiver();
    try {
      const registered = await app.inject({
        method: 'POST',
        url: '/api/webhook-endpoints',
        payload: { url: receiver.url, description: 'core banking' },
        headers: bearer(tokens.admin),
      });
      expect(registered.statusCode).toBe(201);
      const { secret } = registered.json() as { secret: string };
      const letters: { id: string; runId: string }[] = [];
      for (const [i, customer] of customers.entries()) {
        const res = await app.inject({
          method: 'POST',
          url: '/api/communications',
          payload: { type: 'monthly-statement', customerId: customer.id, idempotencyKey: `print-hook-${i}` },
          headers: bearer(tokens.system),
        });
        expect(res.statusCode).toBe(201);
        const made = res.json().communication as { id: string; runId: string; channel: string };
        expect(made.channel).toBe('print');
        letters.push(made);
      }
      await service.idle();
      const [kept, spoiled] = letters as [{ id: string; runId: string }, { id: string; runId: string }];
      const fileName = 'od-p001.pdf';
      // What building the print streams records for each letter (build-print-streams.ts).
      const moved = await markInPrintFile(
        temp.store.db,
        letters.map((l, i) => ({
          communicationId: l.id,
          runId: l.runId,
          streamId: 'od-stream',
          fileName,
          sequence: i + 1,
          envelope: i + 1,
        })),
      );
      expect(moved).toBe(2);
      // The print house's returned manifest.
      const manifest = path.join(temp.dir, 'returned.csv');
      fs.writeFileSync(
        manifest,
        [
          'stream,sequence,status,timestamp',
          `${fileName},1,printed,2026-11-02T08:00:00Z`,
          `${fileName},1,mailed,2026-11-02T09:00:00Z`,
          `${fileName},2,spoiled,2026-11-02T08:05:00Z`,
          '',
        ].join('\n'),
      );
      const outcome = await confirmPrintFile({ db: temp.store.db, logger: createLogger('silent') }, manifest);
      expect(outcome.rejected).toEqual([]);
      expect(outcome.moved).toEqual({ printed: 1, mailed: 1, spoiled: 1 });

      const typesOf = (id: string) =>
        receiver.received
          .map((r) => JSON.parse(r.body) as { type: string; data: { communicationId: string } })
          .filter((e) => e.data.communicationId === id)
          .map((e) => e.type);
      await until(() =>
        typesOf(kept.id).includes('communication.mailed') &&
        typesOf(spoiled.id).includes('communication.spoiled')
          ? true
          : undefined,
      );
      expect(typesOf(kept.id)).toEqual([
        'communication.archived',
        'communication.in_print_file',
        'communication.printed',
        'communication.mailed',
      ]);
      expect(typesOf(spoiled.id)).toEqual([
        'communication.archived',
        'communication.in_print_file',
        'communication.spoiled',
      ]);
      for (const r of receiver.received) {
        expect(verifySignature(secret, r.headers['missive-signature'] as string, r.body).ok).toBe(true);
        expect(verifySignature('whsec_wrong', r.headers['missive-signature'] as string, r.body).ok).toBe(
          false,
        );
        const event = JSON.parse(r.body);
        expect(r.headers['missive-event-type']).toBe(event.type);
        expect(event.data.channel).toBe('print');
      }
      const event = (id: string, type: string) =>
        receiver.received
          .map((r) => JSON.parse(r.body))
          .find((e) => e.data.communicationId === id && e.type === type);
      expect(event(kept.id, 'communication.in_print_file').data).toMatchObject({
        status: 'in_print_file',
        idempotencyKey: 'print-hook-0',
        reason: `print file ${fileName}, sequence 1`,
      });
      expect(event(kept.id, 'communication.mailed').data.status).toBe('mailed');
      expect(event(spoiled.id, 'communication.spoiled').data).toMatchObject({
        status: 'spoiled',
        idempotencyKey: 'print-hook-1',
      });
    } finally {
      await receiver.close();
    }
  }, 60_000);
});
