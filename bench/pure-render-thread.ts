/**
 * One thread of the end-to-end benchmark's reference (end-to-end.ts): renders its share of a run's
 * documents — the same customers, document data, channels and offers the run used — with nothing
 * else: no queue, no archive, no ledger, no decision, no feed reads. An e-mail that carries its
 * document renders that PDF too, as the run does. It warms up, says ready, renders on "go" and reports its time.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import type { ChannelKind, Customer } from '../src/core/types.ts';
import { attachPlannedDocuments, emailAttachmentPlan } from '../src/render/email-documents.ts';
import { createGuardedRenderer } from '../src/render/guard/guarded-renderer.ts';
import { renderForChannel } from '../src/render/render-channel.ts';
import { type OfferContent, withOffers } from '../src/rules/offer-content.ts';
import { loadBrandSource } from '../src/templates/brand/brand-source.ts';
import { compileTemplateAsync } from '../src/templates/compile.ts';
import { loadTemplatePackage } from '../src/templates/package-loader.ts';
import type { DocumentData } from '../src/templates/types.ts';

export interface ReferenceJob {
  customer: Customer;
  /** The customer's document data as the run assembled it (from the loaded feeds). */
  data: DocumentData;
  channel: ChannelKind;
  offers: OfferContent[];
}

const { templateDir, asOf, jobs, guarded } = workerData as {
  templateDir: string;
  asOf: string;
  jobs: ReferenceJob[];
  /** Through the run's render path: a guarded renderer (its own render thread, per-document caps). */
  guarded: boolean;
};
const pkg = await loadTemplatePackage(templateDir);
// The brand a bank run gets (brands/bank): documents as the run made them.
const brand = await loadBrandSource(path.resolve(templateDir, '..', '..', 'brands'), 'bank');
const template = await compileTemplateAsync(pkg);
const source = { versionId: 'bench', name: template.name, files: pkg.files };
const guard = guarded ? createGuardedRenderer({ timeoutMs: 30_000, maxHeapMb: 1024 }) : undefined;
// A statement e-mail carries the statement's PDF (`email.document: attach`), as the run makes it:
// the e-mail and the print rendering of the same data — the same work the run's render stage does.
const attachPlan = emailAttachmentPlan(template, 'monthly-statement', asOf);
const render = async (job: ReferenceJob) => {
  const data = withOffers(job.data, job.offers);
  const options = { asOf, locale: job.customer.locale, brand };
  const renderOne = (channel: ChannelKind) =>
    guard ? guard.render(source, channel, data, options) : renderForChannel(template, channel, data, options);
  const made = await renderOne(job.channel);
  if (job.channel === 'email') {
    await attachPlannedDocuments(made.artifact, attachPlan, data, options, (channel) => renderOne(channel));
  }
};
for (const job of jobs.slice(0, 3)) await render(job); // fonts, JIT
parentPort!.once('message', async () => {
  const start = performance.now();
  for (const job of jobs) await render(job);
  parentPort!.postMessage({ ms: performance.now() - start, docs: jobs.length });
  await guard?.close();
});
parentPort!.postMessage({ ready: true });
