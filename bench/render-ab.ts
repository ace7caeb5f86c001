/**
 * A/B of one or more process-wide render caches (issue 24 item 1): the monthly statement rendered
 * with the caches on and off, alternating document by document (the order of the pair alternates
 * too), so that load from other processes on a shared machine falls on both sides alike. Prints CPU
 * time per document (process.cpuUsage: less sensitive to load than wall time) and wall rates.
 *
 *   AB=deflate,decode N=100 REPS=2 node --import tsx bench/render-ab.ts
 *
 * AB names: deflate, decode, layout, subset, metrics, png, writes (collectBytes' direct writes),
 * contents (page contents kept as strings, content-writes.ts), transform (one-byte `cm` operators,
 * content-writes.ts), setup (one Handlebars set-up for every string, handlebars/shared-setup.ts).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { synthesizeIdentity } from '../src/customers/synthetic-identity.ts';
import { setContentWritesEnabled, setOneByteTransformEnabled } from '../src/render/pdf/content-writes.ts';
import { setDeflateCacheEnabled } from '../src/render/pdf/deflate-cache.ts';
import { setDirectWritesEnabled } from '../src/render/pdf/document.ts';
import { setGlyphDecodeCacheEnabled } from '../src/render/pdf/glyph-decode-cache.ts';
import { setGlyphMetricsCacheEnabled } from '../src/render/pdf/glyph-metrics-cache.ts';
import { setLayoutCacheEnabled } from '../src/render/pdf/layout-cache.ts';
import { setPngSplitCacheEnabled } from '../src/render/pdf/png-alpha-cache.ts';
import { setSubsetCacheEnabled } from '../src/render/pdf/subset-cache.ts';
import { renderPrint } from '../src/render/print.ts';
import { compileTemplate } from '../src/templates/compile.ts';
import { setSharedSetupEnabled } from '../src/templates/handlebars/env.ts';
import { loadTemplatePackage } from '../src/templates/package-loader.ts';
import { statementDataFor } from '../test/support/statement-feeds.ts';
import { testBrand } from '../test/support/test-brand.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const AS_OF = '2026-10-31';
const TOGGLES: Readonly<Record<string, (on: boolean) => void>> = {
  deflate: setDeflateCacheEnabled,
  decode: setGlyphDecodeCacheEnabled,
  layout: setLayoutCacheEnabled,
  subset: setSubsetCacheEnabled,
  metrics: setGlyphMetricsCacheEnabled,
  png: setPngSplitCacheEnabled,
  writes: setDirectWritesEnabled,
  contents: setContentWritesEnabled,
  transform: setOneByteTransformEnabled,
  setup: setSharedSetupEnabled,
};
const names = (process.env.AB ?? 'deflate').split(',');
const unknown = names.filter((n) => !(n in TOGGLES));
if (unknown.length > 0) {
  console.error(`AB: unknown cache ${unknown.join(', ')} (known: ${Object.keys(TOGGLES).join(', ')})`);
  process.exit(2);
}
const set = (on: boolean): void => {
  for (const n of names) TOGGLES[n]?.(on);
};
const N = Number(process.env.N ?? 100);
const REPS = Number(process.env.REPS ?? 1);

const template = compileTemplate(
  await loadTemplatePackage(path.join(root, 'templates', 'monthly-statement')),
);
const brand = testBrand('bank');
for (const locale of ['zh-CN', 'en-GB'] as const) {
  const customers = [];
  for (let i = 1; customers.length < N; i += 1) {
    const c = synthesizeIdentity(String(i));
    if (c.locale === locale)
      customers.push({ ...c, traits: { balance: (i * 7919) % 20_000, job: 'technician' } });
  }
  const data = await Promise.all(customers.map((c) => statementDataFor(c, AS_OF)));
  const render = (i: number) => renderPrint(template, data[i]!, { asOf: AS_OF, locale, brand });
  for (let i = 0; i < 10; i += 1) {
    set(true);
    await render(i);
    set(false);
    await render(i);
  }
  const wall = [0, 0];
  const cpu = [0, 0];
  for (let rep = 0; rep < REPS; rep += 1) {
    for (let i = 0; i < N; i += 1) {
      for (const side of i % 2 ? [0, 1] : [1, 0]) {
        set(side === 0);
        const c = process.cpuUsage();
        const t = performance.now();
        await render(i);
        wall[side]! += performance.now() - t;
        const d = process.cpuUsage(c);
        cpu[side]! += (d.user + d.system) / 1000;
      }
    }
  }
  set(true);
  const docs = N * REPS;
  const [onCpu = 0, offCpu = 0] = cpu;
  const [onWall = 0, offWall = 0] = wall;
  console.log(
    `${locale} ${names.join('+')}: CPU ${(onCpu / docs).toFixed(2)} ms/doc on, ${(offCpu / docs).toFixed(2)} off (${((offCpu / onCpu - 1) * 100).toFixed(1)} %); wall ${((docs * 1000) / onWall).toFixed(1)}/s on, ${((docs * 1000) / offWall).toFixed(1)}/s off`,
  );
}
