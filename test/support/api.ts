import { Writable } from 'node:stream';
import type { Kysely } from 'kysely';
import { addUser, issueApiToken } from '../../src/api/lookup/users.ts';
import type { BlobStore } from '../../src/archive/blob-store.ts';
import { archiveDocument } from '../../src/archive/ledger.ts';
import { createLogger, type Logger } from '../../src/core/logger.ts';
import type { ChannelKind, Customer } from '../../src/core/types.ts';
import { synthesizeIdentity } from '../../src/customers/synthetic-identity.ts';
import { makeArtifact } from '../../src/render/artifact.ts';
import { encodeEmail } from '../../src/render/email.ts';
import { recordCustomerAccount } from '../../src/store/customer-search.ts';
import { upsertCustomers } from '../../src/store/customers.ts';
import { saveDecisionIfAbsent } from '../../src/store/decisions.ts';
import { createRunIfAbsent } from '../../src/store/runs.ts';
import type { Database } from '../../src/store/schema.ts';
import type { Role } from '../../src/store/users.ts';

/** Shared set-up of the API tests: users with tokens, customers with canary personal data, archived documents. */

export const PASSWORD = 'correct horse battery staple';
export const ROLES: Role[] = ['agent', 'marketer', 'admin'];

/** Personal data that must never reach a log line. */
export const CANARY = {
  name: 'Canary Zebedee Quill',
  email: 'canary.zebedee@example.org',
  phone: '+8613912345678',
  account: '6222021234567890',
  pan: '4111111111111111',
} as const;

export async function seedUsers(db: Kysely<Database>): Promise<Record<Role, string>> {
  const tokens = {} as Record<Role, string>;
  for (const role of ROLES) {
    await addUser(db, { name: `${role}1`, role, password: PASSWORD });
    tokens[role] = await issueApiToken(db, `${role}1`, 'test');
  }
  return tokens;
}

export interface SeededDocuments {
  customers: Customer[];
  runId: string;
  /** communication id per customer id and channel. */
  ids: Record<string, Partial<Record<ChannelKind, string>>>;
}

/**
 * Three customers (the first carries the canary data), one run, and archived documents: a PDF-like
 * print document for each, an email (with a tracking pixel) and an SMS for the first.
 */
export async function seedDocuments(db: Kysely<Database>, blobs: BlobStore): Promise<SeededDocuments> {
  const customers: Customer[] = ['C0001', 'C0002', 'C0003'].map((id, i) => ({
    ...synthesizeIdentity(id),
    traits: { balance: 1000 + i, job: 'technician', card: i === 0 ? CANARY.pan : 'none' },
  }));
  customers[0] = {
    ...customers[0]!,
    name: CANARY.name,
    email: CANARY.email,
    phone: CANARY.phone,
  };
  await upsertCustomers(db, customers);
  await recordCustomerAccount(db, 'C0001', CANARY.account);
  const runId = 'run_test_statement';
  await createRunIfAbsent(db, {
    id: runId,
    communicationType: 'monthly-statement',
    templateVersionId: 'monthly-statement@test',
    asOf: '2026-10-31',
    source: 'store:all',
    status: 'completed',
  });
  const ids: SeededDocuments['ids'] = {};
  const put = async (customerId: string, channel: ChannelKind, bytes: Uint8Array, mime: string) => {
    const { communicationId } = await archiveDocument(db, blobs, {
      runId,
      customerId,
      channel,
      templateVersionId: 'monthly-statement@test',
      inputSha256: 'input',
      artifact: { ...makeArtifact(bytes, mime), pages: channel === 'print' ? 1 : undefined },
    });
    ids[customerId] = { ...ids[customerId], [channel]: communicationId };
  };
  for (const c of customers) {
    await put(c.id, 'print', Buffer.from(`%PDF-1.7\n% statement for ${c.id}\n%%EOF\n`), 'application/pdf');
  }
  const email = encodeEmail({
    subject: 'Your statement',
    html: '<p>Hello</p><img src="https://tracker.example.com/open.gif?c=C0001" width="1" height="1">',
    text: 'Hello',
  });
  await put('C0001', 'email', email, 'application/vnd.missive.email');
  await put('C0001', 'sms', Buffer.from('Your statement is ready.'), 'text/plain');
  await saveDecisionIfAbsent(db, {
    runId,
    customerId: 'C0001',
    communicationType: 'monthly-statement',
    catalogVersion: 'bank@test',
    modelVersion: 'm1',
    seed: 'seed',
    holdout: false,
    decision: decisionWithOffer('C0001', runId),
  });
  return { customers, runId, ids };
}

function decisionWithOffer(customerId: string, runId: string) {
  return {
    customerId,
    runId,
    communicationType: 'monthly-statement',
    purpose: 'service',
    asOf: '2026-10-31',
    catalogVersion: 'bank@test',
    modelVersion: 'm1',
    seed: 'seed',
    segment: 'all',
    segments: [],
    channel: 'print',
    channelReason: 'paper by law',
    channelsTried: [{ channel: 'print', ok: true, reason: 'paper by law' }],
    suppressed: null,
    holdout: false,
    offersSuppressed: null,
    offers: [
      {
        offerId: 'term-deposit',
        slot: 0,
        score: 0.5,
        sample: 0.5,
        propensity: 0.9,
        posterior: { alpha: 1, beta: 1 },
        exclusionGroup: null,
      },
    ],
    rejected: [],
  };
}

/** A logger whose lines are kept in memory, to search them for personal data. */
export function capturedLogger(): { logger: Logger; text(): string } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger('trace', 'test', stream), text: () => lines.join('') };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
