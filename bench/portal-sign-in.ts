/**
 * Sign-in timing, customer vs stranger (issue 20: "no user enumeration — same answer and similar
 * timing"). The real portal in-process (buildApp + inject) on a SQLite store of 10,000 customers;
 * the code sender takes 200 ms like a slow SMS provider (it is not awaited by the answer). Requests
 * alternate between a customer's id, a stranger's id, a customer's e-mail and a stranger's e-mail,
 * each from a fresh browser (flow cookie), and the answer times are compared.
 *
 *   node --import tsx bench/portal-sign-in.ts
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildApp } from '../src/api/app.ts';
import type { Customer } from '../src/core/types.ts';
import { synthesizeIdentity } from '../src/customers/synthetic-identity.ts';
import { upsertCustomers } from '../src/store/customers.ts';
import { openStoreAt } from '../src/store/db.ts';

const ROUNDS = Number(process.env.BENCH_SIGNIN_ROUNDS ?? 400);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-bench-signin-'));
try {
  const store = await openStoreAt({ sqlitePath: path.join(dir, 'missive.sqlite') });
  const customers: Customer[] = Array.from({ length: 10_000 }, (_, i) => ({
    ...synthesizeIdentity(`S${String(i).padStart(6, '0')}`),
    traits: {},
  }));
  await upsertCustomers(store.db, customers);
  let clock = Date.parse('2026-11-20T10:00:00Z');
  const app = buildApp({
    db: store.db,
    now: () => new Date(clock),
    security: { rateLimit: 10_000_000 },
    portal: {
      key: new Uint8Array(32),
      sendCode: () => new Promise((resolve) => setTimeout(resolve, 200)),
      limits: { startsPerIpPerMinute: 10_000_000 },
    },
  });
  await app.ready();
  const kinds = {
    'customer id': (k: number) => customers[k % customers.length]!.id,
    'stranger id': (k: number) => `X${String(k).padStart(6, '0')}`,
    'customer e-mail': (k: number) => customers[(k * 7) % customers.length]!.email!,
    'stranger e-mail': (k: number) => `nobody${k}@example.org`,
  };
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(kinds).map((k) => [k, []]));
  const bodies: Record<string, Set<string>> = Object.fromEntries(
    Object.keys(kinds).map((k) => [k, new Set()]),
  );
  for (let k = -20; k < ROUNDS; k += 1) {
    clock += 20 * 60_000; // a new window each round: every customer request sends a code
    for (const [kind, identifier] of Object.entries(kinds)) {
      const page = await app.inject({ url: '/portal/sign-in' });
      const cookie = page.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
      const t0 = performance.now();
      const res = await app.inject({
        method: 'POST',
        url: '/portal/sign-in',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          identifier: identifier(Math.abs(k)),
          channel: 'sms',
          _csrf: csrf,
        }).toString(),
      });
      if (k < 0) continue;
      times[kind]!.push(performance.now() - t0);
      bodies[kind]!.add(`${res.statusCode} ${res.headers.location} ${res.body}`);
    }
  }
  await app.close();
  await store.close();
  const pct = (xs: number[], p: number) =>
    [...xs].sort((a, b) => a - b)[Math.floor((p / 100) * (xs.length - 1))]!;
  console.log(
    `\nPortal sign-in: answer time by who was typed — ${ROUNDS} requests each, in-process, SQLite, 10,000 customers, load average ${os.loadavg()[0]!.toFixed(1)} on ${os.availableParallelism()} cores\n`,
  );
  console.log('| typed | p50 | p90 | p99 | distinct answers |');
  console.log('|---|---|---|---|---|');
  for (const kind of Object.keys(kinds)) {
    const xs = times[kind]!;
    console.log(
      `| ${kind} | ${pct(xs, 50).toFixed(2)} ms | ${pct(xs, 90).toFixed(2)} ms | ${pct(xs, 99).toFixed(2)} ms | ${bodies[kind]!.size} |`,
    );
  }
  const all = new Set(Object.values(bodies).flatMap((b) => [...b]));
  console.log(`\nanswers across all four kinds: ${all.size} distinct (status, Location, body)`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
