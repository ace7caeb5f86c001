/**
 * Tagging's cost on the monthly statement (issue 22, Performance): the same statements rendered
 * tagged (structure tree, marked content, Lang spans) and untagged, alternating document by document
 * (the order of the pair alternates too), so that load from other processes on a shared machine falls
 * on both sides alike. Prints CPU time per document (process.cpuUsage) and the untagged/tagged ratio
 * (1 = tagging is free; issue 22 asks ≥ 0.90): of the sums, and the median of the per-document pairs
 * (less moved by a burst of load that falls on one side of a few pairs).
 *
 *   N=100 REPS=2 node --import tsx bench/tagging-ab.ts
 *
 * BEST=k renders each statement k times per side (alternating) and sums each side's fastest time per
 * statement: the least disturbed by other processes, for a loaded machine.
 *
 * PROFILE=1 renders only the tagged side, PROFILE=untagged only the untagged one (for `node --cpu-prof`).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { synthesizeIdentity } from '../src/customers/synthetic-identity.ts';
import { renderPrint } from '../src/render/print.ts';
import { type CompiledTemplate, compileTemplate } from '../src/templates/compile.ts';
import { loadTemplatePackage } from '../src/templates/package-loader.ts';
import { statementDataFor } from '../test/support/statement-feeds.ts';
import { testBrand } from '../test/support/test-brand.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const AS_OF = '2026-10-31';
const N = Number(process.env.N ?? 100);
const REPS = Number(process.env.REPS ?? 1);
const PROFILE = process.env.PROFILE === '1' || process.env.PROFILE === 'untagged';
const ONLY = process.env.PROFILE === 'untagged' ? 1 : 0;
const BEST = Number(process.env.BEST ?? 0);
const LOCALES = (process.env.LOCALES ?? 'zh-CN,en-GB').split(',');

function untagged(template: CompiledTemplate): CompiledTemplate {
  const print = template.print;
  if (!print) return template;
  return { ...template, print: { ...print, document: { ...print.document, tagged: false } } };
}

const tagged = compileTemplate(await loadTemplatePackage(path.join(root, 'templates', 'monthly-statement')));
if (!tagged.print?.document.tagged) console.warn('the statement template is not tagged');
const templates = [tagged, untagged(tagged)] as const;
const brand = testBrand('bank');
for (const locale of LOCALES) {
  const customers = [];
  for (let i = 1; customers.length < N; i += 1) {
    const c = synthesizeIdentity(String(i));
    if (c.locale === locale)
      customers.push({ ...c, traits: { balance: (i * 7919) % 20_000, job: 'technician' } });
  }
  const data = await Promise.all(customers.map((c) => statementDataFor(c, AS_OF)));
  const render = (side: number, i: number) =>
    renderPrint(templates[side]!, data[i]!, { asOf: AS_OF, locale, brand });
  for (let i = 0; i < 10; i += 1) {
    await render(ONLY, i);
    if (!PROFILE) await render(1, i);
  }
  if (BEST > 0) {
    const best = [0, 0];
    for (let i = 0; i < N; i += 1) {
      const min = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY];
      for (let k = 0; k < BEST; k += 1) {
        for (const side of (i + k) % 2 ? [0, 1] : [1, 0]) {
          const c = process.cpuUsage();
          await render(side, i);
          const d = process.cpuUsage(c);
          min[side] = Math.min(min[side] ?? 0, (d.user + d.system) / 1000);
        }
      }
      best[0]! += min[0] ?? 0;
      best[1]! += min[1] ?? 0;
    }
    const [on = 0, off = 0] = best;
    console.log(
      `${locale} best of ${BEST}: CPU ${(on / N).toFixed(2)} ms/doc tagged, ${(off / N).toFixed(2)} untagged, untagged/tagged ${(off / on).toFixed(3)} (tagging +${((on / off - 1) * 100).toFixed(1)} %)`,
    );
    continue;
  }
  const wall = [0, 0];
  const cpu = [0, 0];
  const pairs: number[] = [];
  for (let rep = 0; rep < REPS; rep += 1) {
    for (let i = 0; i < N; i += 1) {
      const pair = [0, 0];
      for (const side of PROFILE ? [ONLY] : i % 2 ? [0, 1] : [1, 0]) {
        const c = process.cpuUsage();
        const t = performance.now();
        await render(side, i);
        wall[side]! += performance.now() - t;
        const d = process.cpuUsage(c);
        cpu[side]! += (d.user + d.system) / 1000;
        pair[side] = d.user + d.system;
      }
      pairs.push((pair[1] ?? 0) / (pair[0] || 1));
    }
  }
  const docs = N * REPS;
  pairs.sort((a, b) => a - b);
  const median = pairs[Math.floor(pairs.length / 2)] ?? 0;
  const [onCpu = 0, offCpu = 0] = cpu;
  const [onWall = 0, offWall = 0] = wall;
  console.log(
    PROFILE
      ? `${locale} ${ONLY ? 'untagged' : 'tagged'}: CPU ${((cpu[ONLY] ?? 0) / docs).toFixed(2)} ms/doc`
      : `${locale}: CPU ${(onCpu / docs).toFixed(2)} ms/doc tagged, ${(offCpu / docs).toFixed(2)} untagged, untagged/tagged ${(offCpu / onCpu).toFixed(3)}, median pair ${median.toFixed(3)} (tagging +${((onCpu / offCpu - 1) * 100).toFixed(1)} %); wall ${((docs * 1000) / onWall).toFixed(1)}/s tagged, ${((docs * 1000) / offWall).toFixed(1)}/s untagged`,
  );
}
