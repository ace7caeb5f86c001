/**
 * Byte-identity corpus for render optimisations (issue 24 item 1): renders a fixed set of documents —
 * monthly statements in en-GB and zh-CN, with and without offers, tagged and untagged, plus the
 * telecom bill and the general letter from their sample data — and prints one sha256 per document.
 * Archived documents are verified by re-rendering them, so an optimisation must leave every hash as
 * it was.
 *
 *   node --import tsx bench/render-corpus.ts --record /tmp/corpus.json   # before a change
 *   node --import tsx bench/render-corpus.ts --check /tmp/corpus.json    # after: exit 1 on a change
 *
 * Each document is rendered twice in a different order (forward, then backward, with warm caches),
 * then once more with every process-wide render cache switched off; all three must agree. Other
 * people's edits to a template change the recorded hashes: re-record right before a change, or
 * point RENDER_CORPUS_TEMPLATES at a copy of templates/.
 */
import fs from 'node:fs';
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
import { type CompiledTemplate, compileTemplate } from '../src/templates/compile.ts';
import { setSharedSetupEnabled } from '../src/templates/handlebars/env.ts';
import type { DocumentData } from '../src/templates/index.ts';
import { loadTemplatePackage } from '../src/templates/package-loader.ts';
import { statementDataFor } from '../test/support/statement-feeds.ts';
import { testBrand } from '../test/support/test-brand.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const AS_OF = '2026-10-31';
/** RENDER_CORPUS_TEMPLATES: a copy of templates/, so that others' edits to a template do not show. */
const templates = process.env.RENDER_CORPUS_TEMPLATES ?? path.join(root, 'templates');

interface Item {
  name: string;
  template: CompiledTemplate;
  data: DocumentData;
  locale: string;
  brand: ReturnType<typeof testBrand>;
}

function untagged(template: CompiledTemplate): CompiledTemplate {
  const print = template.print!;
  return { ...template, print: { ...print, document: { ...print.document, tagged: false } } };
}

async function load(name: string): Promise<CompiledTemplate> {
  return compileTemplate(await loadTemplatePackage(path.join(templates, name)));
}

function sample(name: string): DocumentData {
  return JSON.parse(fs.readFileSync(path.join(templates, name, 'sample-data.json'), 'utf8')) as DocumentData;
}

export async function corpus(): Promise<Item[]> {
  const statement = await load('monthly-statement');
  const plain = untagged(statement);
  // The sample's offers with pictures the package ships (the sample names catalog images).
  const pictures = ['loan.png', 'family.png'];
  const offers = ((sample('monthly-statement') as { offers: object[] }).offers ?? []).map((o, k) => ({
    ...o,
    image: pictures[k % pictures.length],
  }));
  const bank = testBrand('bank');
  const items: Item[] = [];
  // 40 statements: 20 per locale, every other one with the sample's two offers,
  // every fourth untagged (without offers: the untagged copy of the layout has no package images).
  for (const locale of ['en-GB', 'zh-CN'] as const) {
    let n = 0;
    for (let i = 1; n < 20; i += 1) {
      const c = synthesizeIdentity(String(i));
      if (c.locale !== locale) continue;
      const data = await statementDataFor(
        { ...c, traits: { balance: (i * 7919) % 20_000, job: 'technician' } },
        AS_OF,
      );
      items.push({
        name: `statement ${locale} ${c.id}${n % 2 ? ' offers' : ''}${n % 4 === 2 ? ' untagged' : ''}`,
        template: n % 4 === 2 ? plain : statement,
        data: n % 2 ? ({ ...data, offers } as DocumentData) : data,
        locale,
        brand: bank,
      });
      n += 1;
    }
  }
  const bill = await load('telecom-bill');
  const letter = await load('general-letter');
  for (const locale of ['en-GB', 'zh-CN']) {
    items.push({
      name: `telecom-bill ${locale}`,
      template: bill,
      data: sample('telecom-bill'),
      locale,
      brand: testBrand('telco'),
    });
    items.push({
      name: `general-letter ${locale}`,
      template: letter,
      data: sample('general-letter'),
      locale,
      brand: bank,
    });
  }
  return items;
}

async function hashes(items: readonly Item[], order: readonly number[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const i of order) {
    const item = items[i]!;
    const artifact = await renderPrint(item.template, item.data, {
      asOf: AS_OF,
      locale: item.locale,
      brand: item.brand,
    });
    out[item.name] = artifact.sha256;
  }
  return out;
}

const [mode, file] = process.argv.slice(2);
if ((mode !== '--record' && mode !== '--check') || !file) {
  console.error('usage: render-corpus.ts --record|--check <file.json>');
  process.exit(2);
}
const items = await corpus();
const forward = items.map((_, i) => i);
const first = await hashes(items, forward);
const second = await hashes(items, [...forward].reverse());
const caches = [
  setContentWritesEnabled,
  setOneByteTransformEnabled,
  setDeflateCacheEnabled,
  setDirectWritesEnabled,
  setGlyphDecodeCacheEnabled,
  setLayoutCacheEnabled,
  setSubsetCacheEnabled,
  setGlyphMetricsCacheEnabled,
  setPngSplitCacheEnabled,
  setSharedSetupEnabled,
];
for (const set of caches) set(false);
const cold = await hashes(items, forward);
for (const set of caches) set(true);
const unstable = Object.keys(first).filter((k) => first[k] !== second[k] || first[k] !== cold[k]);
if (unstable.length > 0) {
  console.error(`bytes depend on the order or on the caches: ${unstable.join('; ')}`);
  process.exit(1);
}
if (mode === '--record') {
  fs.writeFileSync(file, `${JSON.stringify(first, null, 2)}\n`);
  console.log(`recorded ${items.length} documents in ${file}`);
} else {
  const expected = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
  const changed = Object.keys(expected).filter((k) => expected[k] !== first[k]);
  const missing = Object.keys(first).filter((k) => !(k in expected));
  if (changed.length > 0 || missing.length > 0) {
    console.error(`bytes changed: ${[...changed, ...missing].join('; ')}`);
    process.exit(1);
  }
  console.log(`all ${items.length} documents byte-identical to ${file}`);
}
