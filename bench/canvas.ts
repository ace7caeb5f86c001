/**
 * Canvas edit → refresh latency (issue 21 acceptance: p95 < 300 ms), in-process through the real API
 * (buildApp + inject, a marketer's Bearer token), the two-page monthly statement with sample data:
 *  - save: POST …/canvas/text (the intro in both locales; a new text each time, so a new package
 *    hash and a recompile) answered by its redirect;
 *  - canvas: GET …/canvas (the draft rendered with the block map, the page's HTML);
 *  - pages: GET …/canvas/page/1 and /2 (the page images the canvas shows: the kept render rasterised
 *    by pdftoppm, PNG by sharp; at screen resolution, 96 dpi, or BENCH_CANVAS_SCALE=2 for 192 dpi),
 *    both at once as a browser loads a page's images;
 *  - the whole refresh: save, then canvas, then the page images, as the browser asks.
 *
 *   node --import tsx bench/canvas.ts        BENCH_CANVAS_SAMPLES=60 for more
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildApp } from '../src/api/app.ts';
import { addUser, issueApiToken } from '../src/api/lookup/users.ts';
import { openStoreAt } from '../src/store/db.ts';
import { publishTemplatePackage } from '../src/templates/publish.ts';

const SAMPLES = Number(process.env.BENCH_CANVAS_SAMPLES ?? 30);
/** The page images' scale: 1 = screen resolution (96 dpi), 2 = a high-density screen's srcset pick. */
const SCALE = Number(process.env.BENCH_CANVAS_SCALE ?? 1);
const ROOT = path.resolve(import.meta.dirname, '..');

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-bench-canvas-'));
  const store = await openStoreAt({ sqlitePath: path.join(dir, 'missive.sqlite') });
  try {
    await publishTemplatePackage(store.db, path.join(ROOT, 'templates', 'monthly-statement'));
    await addUser(store.db, { name: 'bench', role: 'marketer', password: 'bench-password-123' });
    const token = await issueApiToken(store.db, 'bench', 'bench');
    const app = buildApp({ db: store.db, security: { rateLimit: 1_000_000 } });
    const headers = { authorization: `Bearer ${token}` };
    const expect = (res: { statusCode: number; body: string }, status: number) => {
      if (res.statusCode !== status) throw new Error(`${res.statusCode} ${res.body.slice(0, 300)}`);
    };
    const created = await app.inject({
      method: 'POST',
      url: '/api/studio/drafts',
      headers,
      payload: { from: 'monthly-statement' },
    });
    expect(created, 201);
    const base = `/ui/studio/drafts/${(created.json() as { id: string }).id}`;
    const steps: Record<string, number[]> = { save: [], canvas: [], pages: [], refresh: [] };
    for (let i = -2; i < SAMPLES; i++) {
      const t0 = performance.now();
      const saved = await app.inject({
        method: 'POST',
        url: `${base}/canvas/text?locale=en-GB&block=body%5B3%5D`,
        headers,
        payload: {
          key: 'intro',
          'text.en-GB': `Here is your statement (${i}).`,
          'text.zh-CN': `这是您的对账单（${i}）。`,
        },
      });
      expect(saved, 303);
      const t1 = performance.now();
      expect(
        await app.inject({ method: 'GET', url: `${base}/canvas?locale=en-GB&block=body%5B3%5D`, headers }),
        200,
      );
      const t2 = performance.now();
      // As a browser loads a page's images: both at once.
      const images = await Promise.all(
        [1, 2].map((page) =>
          app.inject({
            method: 'GET',
            url: `${base}/canvas/page/${page}?locale=en-GB&scale=${SCALE}`,
            headers,
          }),
        ),
      );
      for (const image of images) expect(image, 200);
      const t3 = performance.now();
      if (i < 0) continue; // warm-up
      steps.save!.push(t1 - t0);
      steps.canvas!.push(t2 - t1);
      steps.pages!.push(t3 - t2);
      steps.refresh!.push(t3 - t0);
    }
    console.log(
      `canvas edit → refresh, ${SAMPLES} samples, scale ${SCALE}, load ${os.loadavg()[0]!.toFixed(1)}`,
    );
    for (const [label, ms] of Object.entries(steps)) {
      ms.sort((a, b) => a - b);
      console.log(
        `${label.padEnd(10)} p50 ${percentile(ms, 50).toFixed(1).padStart(7)} ms   p95 ${percentile(ms, 95).toFixed(1).padStart(7)} ms`,
      );
    }
    await app.close();
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
