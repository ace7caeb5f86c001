/**
 * The on-demand API under a steady load: POST /api/communications over real HTTP on 127.0.0.1 at a
 * fixed rate (open loop: a request every 1/rate s whether or not the last one answered), against the
 * server `missive serve` builds (buildApp + the on-demand service, SQLite, the file archive, the real
 * SMTP sink from src/channels/sinks). Two phases:
 *
 * - print: a 2-page monthly statement (40 bookings, the data in the request, as the organisation's
 *   system sends it) → the answer, which comes once the PDF is rendered, archived and in the ledger
 *   (`archived`): p50/p95/p99;
 * - email: a payment reminder → the SMTP sink has the whole message ("handed to SMTP"), timed from
 *   the request's start to the sink's receipt; and the answer (`archived`) too.
 *
 *   node --import tsx bench/on-demand.ts
 *   BENCH_OD_RATE=20 BENCH_OD_SECONDS=30 node --import tsx bench/on-demand.ts
 *
 * Goals (issue 19 item 7): at 20 requests/s, p95 < 300 ms to `archived` for a 2-page PDF and
 * < 500 ms to handed to SMTP.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { buildApp } from '../src/api/app.ts';
import { addUser, issueApiToken } from '../src/api/lookup/users.ts';
import { createFsBlobStore } from '../src/archive/fs-blob-store.ts';
import { startSmtpSink } from '../src/channels/sinks/smtp-sink.ts';
import { createSmtpChannel } from '../src/channels/smtp.ts';
import { loadConfig } from '../src/core/config.ts';
import { createLogger } from '../src/core/logger.ts';
import type { Customer } from '../src/core/types.ts';
import { createOnDemandService } from '../src/on-demand/on-demand-service.ts';
import { upsertCustomers } from '../src/store/customers.ts';
import { openStoreAt } from '../src/store/db.ts';
import { publishTemplatePackage } from '../src/templates/publish.ts';
import { statementDataFor } from '../test/support/statement-feeds.ts';

const RATE = Number(process.env.BENCH_OD_RATE ?? 20);
const SECONDS = Number(process.env.BENCH_OD_SECONDS ?? 30);
const ROOT = path.resolve(import.meta.dirname, '..');
const AS_OF = '2026-10-31';

export interface Percentiles {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface OnDemandFigures {
  rate: number;
  seconds: number;
  printArchived: Percentiles & { pages: number[] };
  emailArchived: Percentiles;
  emailHandedToSmtp: Percentiles;
  errors: number;
}

function percentiles(values: number[]): Percentiles {
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round((s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? 0) * 10) / 10;
  return { n: s.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: at(1) };
}

function customer(i: number): Customer {
  const n = String(i).padStart(6, '0');
  const yes = { service: true, marketing: true };
  return {
    id: `OD${n}`,
    name: `Customer ${n}`,
    locale: 'en-GB',
    timeZone: 'Europe/London',
    email: `od${n}@example.test`,
    phone: `+4477009${n.slice(1)}`,
    address: { lines: [`${i} High Street`], postalCode: 'AB1 2CD', city: 'Town', country: 'GB' },
    consent: { print: yes, email: yes, sms: yes },
    eDelivery: true,
    traits: { balance: 1000 + i },
  };
}

/** Sends `bodies` at RATE per second (open loop); returns each request's start time and answer time. */
async function load(
  url: string,
  token: string,
  bodies: object[],
): Promise<{ start: number; ms: number; status: number; body: { communication?: { pages: number } } }[]> {
  const started = performance.now();
  const results = await Promise.all(
    bodies.map(async (body, i) => {
      const due = started + (i * 1000) / RATE;
      await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
      const start = Date.now();
      const t0 = performance.now();
      const res = await fetch(`${url}/api/communications`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const json = (await res.json()) as { communication?: { pages: number } };
      return { start, ms: performance.now() - t0, status: res.status, body: json };
    }),
  );
  return results;
}

export async function runOnDemandBench(): Promise<OnDemandFigures> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-bench-on-demand-'));
  const store = await openStoreAt({ sqlitePath: path.join(dir, 'missive.sqlite') });
  const blobs = createFsBlobStore(path.join(dir, 'archive'));
  const sink = await startSmtpSink({ retain: 'envelope' });
  const total = RATE * SECONDS;
  const customers = Array.from({ length: total + 20 }, (_, i) => customer(i));
  await upsertCustomers(store.db, customers);
  await publishTemplatePackage(store.db, path.join(ROOT, 'templates', 'monthly-statement'));
  await publishTemplatePackage(store.db, path.join(ROOT, 'templates', 'payment-reminder'));
  await addUser(store.db, { name: 'bench-system', role: 'system' });
  const token = await issueApiToken(store.db, 'bench-system', 'bench');
  const email = createSmtpChannel({
    url: sink.url,
    from: 'Missive Bank <service@bank.test>',
    messageIdDomain: 'bank.test',
    publicUrl: 'https://missive.test',
    ratePerSecond: 1_000,
  });
  const service = createOnDemandService({
    db: store.db,
    blobs,
    logger: createLogger('silent'),
    channels: { email },
    // As `missive serve` runs it: each document in a render thread under the configured caps.
    renderLimits: loadConfig().renderLimits,
  });
  const app = buildApp({ db: store.db, blobs, onDemand: service });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    // The organisation's system sends the statement's data: prepared before the clock starts.
    const statement = async (c: Customer, key: string) => {
      const { customer: _c, ...data } = (await statementDataFor(c, AS_OF, { transactions: 40 })) as Record<
        string,
        unknown
      >;
      return { type: 'monthly-statement', customerId: c.id, channel: 'print', data, idempotencyKey: key };
    };
    const reminder = (c: Customer, key: string) => ({
      type: 'payment-reminder',
      customerId: c.id,
      channel: 'email',
      data: {
        account: { number: '02-26-64 93331377', currency: 'GBP' },
        amountDue: 1234.5,
        dueDate: '2026-11-30',
        payUrl: 'https://pay.missive.example/r/7f3a9c',
      },
      idempotencyKey: key,
    });
    // Warm-up: templates compiled, fonts and brand loaded, connections open.
    const warm = customers.slice(total, total + 10);
    await load(url, token, await Promise.all(warm.map((c) => statement(c, `warm-print-${c.id}`))));
    await load(
      url,
      token,
      warm.map((c) => reminder(c, `warm-email-${c.id}`)),
    );
    await service.idle();

    const printBodies = await Promise.all(
      customers.slice(0, total).map((c) => statement(c, `print-${c.id}`)),
    );
    const print = await load(url, token, printBodies);
    await service.idle();

    sink.clear();
    const emailCustomers = customers.slice(0, total);
    const emails = await load(
      url,
      token,
      emailCustomers.map((c) => reminder(c, `email-${c.id}`)),
    );
    await service.idle();
    const deadline = Date.now() + 30_000;
    while (sink.messages.length < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const arrived = new Map(sink.messages.map((m) => [m.envelope.to[0]!, Date.parse(m.receivedAt)]));
    const handed = emailCustomers.flatMap((c, i) => {
      const at = arrived.get(c.email!);
      return at === undefined ? [] : [at - emails[i]!.start];
    });
    const errors =
      print.filter((r) => r.status !== 201).length +
      emails.filter((r) => r.status !== 201).length +
      (total - handed.length);
    return {
      rate: RATE,
      seconds: SECONDS,
      printArchived: {
        ...percentiles(print.map((r) => r.ms)),
        pages: [...new Set(print.map((r) => r.body.communication?.pages ?? 0))].sort(),
      },
      emailArchived: percentiles(emails.map((r) => r.ms)),
      emailHandedToSmtp: percentiles(handed),
      errors,
    };
  } finally {
    await app.close();
    await sink.close();
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const f = await runOnDemandBench();
  const line = (name: string, p: Percentiles, goal: number) =>
    `${name.padEnd(34)} n=${p.n}  p50 ${p.p50} ms  p95 ${p.p95} ms  p99 ${p.p99} ms  max ${p.max} ms  (goal p95 < ${goal} ms: ${p.p95 < goal ? 'met' : 'NOT met'})`;
  process.stdout.write(
    [
      `on-demand API at ${f.rate} requests/s for ${f.seconds} s per phase, 127.0.0.1 (load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')})`,
      line('2-page statement PDF → archived', f.printArchived, 300),
      `${''.padEnd(34)} pages: ${f.printArchived.pages.join(', ')}`,
      line('payment reminder e-mail → archived', f.emailArchived, 300),
      line('e-mail → handed to SMTP (sink)', f.emailHandedToSmtp, 500),
      `errors: ${f.errors}`,
      '',
    ].join('\n'),
  );
  process.exit(0);
}
