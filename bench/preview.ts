/**
 * Preview latency of the two-page monthly statement, in-process through the real API (buildApp +
 * inject, Bearer token of a marketer), ~50 requests each after a warm-up:
 *  - POST /api/preview: the published version rendered for its sample data (two pages, PDF bytes);
 *  - POST /api/studio/drafts/:id/preview: the studio's live preview of a draft (compile cache hit,
 *    render, lint issues) — what the editor calls after each save;
 *  - the same after an edit (a new package hash: recompiled), and
 *  - GET /ui/studio/drafts/:id/page/1: the draft rendered and page 1 rasterised by pdftoppm (60 dpi).
 *
 *   node --import tsx bench/preview.ts        BENCH_PREVIEW_SAMPLES=100 for more
 *
 * Goal (issue 9): p95 < 300 ms for the two-page statement preview.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildApp } from '../src/api/app.ts';
import { addUser, issueApiToken } from '../src/api/lookup/users.ts';
import { lastDayOfPreviousMonth } from '../src/core/dates.ts';
import { synthesizeIdentity } from '../src/customers/synthetic-identity.ts';
import { upsertCustomers } from '../src/store/customers.ts';
import { openStoreAt } from '../src/store/db.ts';
import { publishTemplatePackage } from '../src/templates/publish.ts';
import { loadStatementFeeds } from '../test/support/statement-feeds.ts';

const SAMPLES = Number(process.env.BENCH_PREVIEW_SAMPLES ?? 50);
const ROOT = path.resolve(import.meta.dirname, '..');

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function time(label: string, n: number, once: (i: number) => Promise<void>) {
  await once(-1); // warm-up: compile, fonts, JIT
  const ms: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const start = performance.now();
    await once(i);
    ms.push(performance.now() - start);
  }
  ms.sort((a, b) => a - b);
  const row = { label, n, p50: percentile(ms, 50), p95: percentile(ms, 95), max: ms.at(-1)! };
  console.log(
    `${label.padEnd(46)} p50 ${row.p50.toFixed(1).padStart(7)} ms   p95 ${row.p95.toFixed(1).padStart(7)} ms`,
  );
  return row;
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-bench-preview-'));
  const store = await openStoreAt({ sqlitePath: path.join(dir, 'missive.sqlite') });
  try {
    const customer = { ...synthesizeIdentity('P0001', { locale: 'en-GB' }), traits: { balance: 10 } };
    await upsertCustomers(store.db, [customer]);
    // The studio previews a customer's statement as of the end of last month: its feeds are loaded.
    await loadStatementFeeds(store.db, [customer], lastDayOfPreviousMonth(new Date()));
    await publishTemplatePackage(store.db, path.join(ROOT, 'templates', 'monthly-statement'));
    await addUser(store.db, { name: 'bench', role: 'marketer', password: 'bench-password-123' });
    const token = await issueApiToken(store.db, 'bench', 'bench');
    const app = buildApp({ db: store.db, security: { rateLimit: 1_000_000 } });
    const headers = { authorization: `Bearer ${token}` };
    const ok = <R extends { statusCode: number; body: string }>(res: R): R => {
      if (res.statusCode !== 200 && res.statusCode !== 201)
        throw new Error(`${res.statusCode} ${res.body.slice(0, 200)}`);
      return res;
    };
    const draft = ok(
      await app.inject({
        method: 'POST',
        url: '/api/studio/drafts',
        headers,
        payload: { from: 'monthly-statement' },
      }),
    ).json() as { id: string; files: Record<string, string> };
    const strings = draft.files['locales/en-GB.json']!;

    const rows = [
      await time('POST /api/preview (print, sample data)', SAMPLES, async () => {
        const res = ok(
          await app.inject({
            method: 'POST',
            url: '/api/preview',
            headers,
            payload: { template: 'monthly-statement', channel: 'print' },
          }),
        );
        if (res.headers['x-missive-pages'] !== '2') throw new Error('expected two pages');
      }),
      await time('studio preview, stored customer (JSON)', SAMPLES, async () => {
        ok(
          await app.inject({
            method: 'POST',
            url: `/api/studio/drafts/${draft.id}/preview`,
            headers,
            payload: { customerId: 'P0001' },
          }),
        );
      }),
      await time('studio draft preview (JSON, lint)', SAMPLES, async () => {
        ok(
          await app.inject({
            method: 'POST',
            url: `/api/studio/drafts/${draft.id}/preview`,
            headers,
            payload: {},
          }),
        );
      }),
      await time('studio edit + preview (recompile)', SAMPLES, async (i) => {
        const files = { 'locales/en-GB.json': strings.replace('"Chosen for you"', `"Chosen for you ${i}"`) };
        ok(
          await app.inject({
            method: 'PUT',
            url: `/api/studio/drafts/${draft.id}/files`,
            headers,
            payload: { files },
          }),
        );
        ok(
          await app.inject({
            method: 'POST',
            url: `/api/studio/drafts/${draft.id}/preview`,
            headers,
            payload: {},
          }),
        );
      }),
      await time('studio page 1 PNG (render + pdftoppm 60 dpi)', SAMPLES, async () => {
        ok(await app.inject({ method: 'GET', url: `/ui/studio/drafts/${draft.id}/page/1`, headers }));
      }),
    ];
    await app.close();
    const worst = Math.max(...rows.map((r) => r.p95));
    console.log(
      `goal p95 < 300 ms: ${worst < 300 ? 'met' : 'NOT met'} (worst p95 ${worst.toFixed(1)} ms); load ${os.loadavg()[0]!.toFixed(1)}`,
    );
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
