import path from 'node:path';
import type { Kysely } from 'kysely';
import type { BlobStore } from '../../src/archive/blob-store.ts';
import { createFsBlobStore } from '../../src/archive/fs-blob-store.ts';
import { archiveDocument } from '../../src/archive/ledger.ts';
import type { Channel } from '../../src/channels/channel.ts';
import { policyByName } from '../../src/channels/delivery-policy.ts';
import type { DispatchDeps } from '../../src/channels/dispatch.ts';
import { createSmtpChannel } from '../../src/channels/smtp.ts';
import { createLogger } from '../../src/core/logger.ts';
import type { ChannelKind, Customer } from '../../src/core/types.ts';
import { makeArtifact } from '../../src/render/artifact.ts';
import { encodeEmail } from '../../src/render/email.ts';
import { upsertCustomers } from '../../src/store/customers.ts';
import { createRunIfAbsent } from '../../src/store/runs.ts';
import type { Database } from '../../src/store/schema.ts';

/** Shared set-up of the channel tests: customers, a run, archived email/SMS artifacts, dispatch deps. */

export function channelCustomer(i: number, overrides: Partial<Customer> = {}): Customer {
  const n = String(i).padStart(5, '0');
  const yes = { service: true, marketing: true };
  return {
    id: `cust-${n}`,
    name: `Customer ${n}`,
    locale: 'en-GB',
    timeZone: 'Europe/London',
    email: `c${n}@example.test`,
    phone: `+4477009${n}`,
    address: { lines: [`${i} High Street`], postalCode: 'AB1 2CD', city: 'Town', country: 'GB' },
    consent: { print: yes, email: yes, sms: yes },
    eDelivery: true,
    traits: {},
    ...overrides,
  };
}

export interface Seeded {
  runId: string;
  blobs: BlobStore;
  ids: string[];
  customers: Customer[];
}

/** Customers + a run of `type` + one archived artifact per customer on `channel`. */
export async function seedRun(
  db: Kysely<Database>,
  dir: string,
  options: { runId: string; type: string; channel: ChannelKind; customers: Customer[] },
): Promise<Seeded> {
  const blobs = createFsBlobStore(path.join(dir, 'archive'));
  await upsertCustomers(db, options.customers);
  await createRunIfAbsent(db, {
    id: options.runId,
    communicationType: options.type,
    templateVersionId: `${options.type}@test`,
    asOf: '2026-10-31',
    source: 'store:all',
  });
  const ids: string[] = [];
  // One transaction for the whole seed: a thousand rows in well under a second on SQLite.
  await db.transaction().execute(async (trx) => {
    for (const customer of options.customers) {
      const artifact =
        options.channel === 'email'
          ? makeArtifact(
              encodeEmail({
                subject: `Your ${options.type} (${customer.id})`,
                html: `<html><body><p>Hello ${customer.id}</p></body></html>`,
                text: `Hello ${customer.id}`,
              }),
              'application/vnd.missive.email',
            )
          : makeArtifact(Buffer.from(`Missive: hello ${customer.id}, your offer awaits.`), 'text/plain');
      const { communicationId } = await archiveDocument(trx, blobs, {
        runId: options.runId,
        customerId: customer.id,
        channel: options.channel,
        templateVersionId: `${options.type}@test`,
        inputSha256: artifact.sha256,
        artifact,
      });
      ids.push(communicationId);
    }
  });
  return { runId: options.runId, blobs, ids, customers: options.customers };
}

export function dispatchDeps(
  db: Kysely<Database>,
  blobs: BlobStore,
  channels: Partial<Record<ChannelKind, Channel>>,
): DispatchDeps {
  return {
    db,
    blobs,
    logger: createLogger('silent'),
    channels,
    policy: async (type) => policyByName(type),
  };
}

/** The bank's e-mail channel on an SMTP sink (the dispatch tests' provider). */
export function bankSmtpChannel(url: string, options: { maxConnections?: number } = {}) {
  return createSmtpChannel({
    url,
    from: 'Missive Bank <news@bank.test>',
    messageIdDomain: 'bank.test',
    publicUrl: 'https://missive.test',
    ratePerSecond: 1_000,
    ...options,
  });
}

/** The error SQLite raises on a full disk. */
export const sqliteDiskFull = () =>
  Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
