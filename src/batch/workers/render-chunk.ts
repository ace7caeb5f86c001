import type { Kysely } from 'kysely';
import {
  type BlobStore,
  type RunBrand,
  type RunBrands,
  recordDocument,
  snapshotInput,
  storeDocument,
} from '../../archive/index.ts';
import { policyByName } from '../../channels/index.ts';
import { deliveryKey } from '../../core/delivery-key.ts';
import { isDiskFull } from '../../core/disk-full.ts';
import { errorMessage, isMissiveError, MissiveError } from '../../core/errors.ts';
import { invariant } from '../../core/invariant.ts';
import type { Logger } from '../../core/logger.ts';
import { isStoreBusy } from '../../core/store-busy.ts';
import type { Artifact, ChannelKind, Customer } from '../../core/types.ts';
import { type LinkTracking, trackPrintOffers, withPortalLink } from '../../feedback/index.ts';
import { type ChannelRender, type RenderOptions, renderForChannel } from '../../render/heavy.ts';
import {
  attachPlannedDocuments,
  emailAttachmentPlan,
  isTrackedChannel,
  offerTargets,
  type TrackingPlan,
  trackArtifact,
  trackedLinkRows,
} from '../../render/index.ts';
import { type Decision, type OfferContent, offerContentFor, withOffers } from '../../rules/index.ts';
import {
  communicationId,
  type Database,
  type DataKey,
  getCustomers,
  getOrCreateDataKeys,
  getRun,
  insertCommunicationIfAbsent,
  insertTrackedLinks,
  listCustomerIdsInRun,
  type RunRecord,
  recordAttachments,
  recordCustomerAccount,
  recordPendingBlobs,
  recordRunFailure,
} from '../../store/index.ts';
import type { DocumentData } from '../../templates/index.ts';
import type { RenderChunkJob } from '../queues.ts';
import type { RunDataCache } from '../run-data.ts';
import type { RunDecisions } from '../run-decisions.ts';
import type { TemplateCache } from '../template-cache.ts';
import { type CustomerWrites, createChunkWrites } from './chunk-writes.ts';

export interface RenderChunkDeps {
  db: Kysely<Database>;
  /** The rules stage: a stored Decision per customer when a catalog is published. */
  decisions?: RunDecisions | undefined;
  blobs: BlobStore;
  templates: TemplateCache;
  /** The integrate stage: each run's document data (its data source's feeds, or the customer record). */
  data: RunDataCache;
  /** The brand each run's documents are made for (the catalog's, else the default brand). */
  brands: RunBrands;
  logger: Logger;
  /**
   * Short tracked links for marketing e-mail and SMS (the public base URL, their lifetime, the
   * tracking key). Without it a marketing e-mail or SMS fails (MSV_FEEDBACK_TRACKING_OFF) rather
   * than going out with links nobody can count.
   */
  tracking?: LinkTracking | undefined;
  /** Renders one document under per-document caps (chunk-deps.ts); unset: in this thread. */
  renderDocument?: (
    templateVersionId: string,
    channel: ChannelKind,
    data: DocumentData,
    options: RenderOptions,
  ) => Promise<ChannelRender>;
}

export interface ChunkOutcome {
  archived: number;
  suppressed: number;
  skipped: number;
  failed: number;
  /** Customers left undone because the run was paused or cancelled meanwhile. */
  stopped: number;
}

/** Customers whose ledger writes a chunk commits together (see chunk-writes.ts). */
const WRITES_PER_COMMIT = 25;

/** How often a chunk looks at its run's status between customers (pause and cancel). */
const STATUS_CHECK_MS = 250;

/** Rows that stand for the whole customer (failed before a channel was known, suppressed). */
const CHANNEL: ChannelKind = 'print';

/**
 * The channel a customer's document is made for: the decision's choice (paper by law unless
 * e-delivery; email or SMS by consent and reachability), when the template has that channel;
 * otherwise print, the channel every document type can fall back to. No decision: print.
 */
export function renderChannelFor(
  decision: Decision | undefined,
  templateChannels: readonly ChannelKind[],
): ChannelKind {
  const chosen = decision?.channel ?? 'print';
  return templateChannels.includes(chosen) ? chosen : 'print';
}

/** The content of the decision's chosen offers on the channel, in the customer's locale. */
async function offersFor(
  deps: RenderChunkDeps,
  decision: Decision,
  locale: string,
  channel: ChannelKind,
): Promise<OfferContent[]> {
  const catalog = await deps.decisions?.catalog();
  return catalog ? offerContentFor(decision, catalog, locale, channel) : [];
}

/**
 * Renders and archives one chunk of a run. Customers that already have a ledger row for this run
 * are skipped (a retried or re-planned chunk does no work twice); a customer whose document cannot
 * be made gets a `failed` ledger row with the reason, and the chunk goes on with the others.
 */
export async function processRenderChunk(deps: RenderChunkDeps, job: RenderChunkJob): Promise<ChunkOutcome> {
  const run = await getRun(deps.db, job.runId);
  if (!run)
    throw new MissiveError('MSV_RUN_NOT_FOUND', `run ${job.runId} does not exist`, { runId: job.runId });
  const template = await deps.templates.get(run.templateVersionId);
  const done = new Set(await listCustomerIdsInRun(deps.db, job.runId, job.customerIds));
  const todo = job.customerIds.filter((id) => !done.has(id));
  const customers = new Map((await getCustomers(deps.db, todo)).map((c) => [c.id, c]));
  // Read once for the chunk, not once per customer: stored decisions (a resumed chunk reuses them)
  // and the customers' data keys that seal their input snapshots.
  const storedDecisions = (await deps.decisions?.storedFor(run, todo)) ?? new Map<string, Decision>();
  const keys = await getOrCreateDataKeys(deps.db, [...customers.keys()], run.communicationType);
  // The chunk's document data in a few indexed reads (one per feed), not one query per customer.
  const assembled = await (await deps.data.forRun(run)).assemble([...customers.values()], run.asOf);
  const outcome: ChunkOutcome = { archived: 0, suppressed: 0, skipped: done.size, failed: 0, stopped: 0 };
  const writes = createChunkWrites(deps.db, WRITES_PER_COMMIT);
  const stillWanted = runStatusWatch(deps, run);
  // A customer that fails is recorded with its decision (if one was made), to explain it later.
  const failLater = (customerId: string, err: unknown, decisionSave: CustomerWrites['writes']) =>
    writes.add({
      customerId,
      writes: [
        ...decisionSave,
        (trx) =>
          recordCustomerFailure(
            { ...deps, db: trx },
            run.id,
            customerId,
            run.templateVersionId,
            'render',
            err,
          ),
      ],
      onFailure: () => recordCustomerFailure(deps, run.id, customerId, run.templateVersionId, 'render', err),
    });
  const handle = async (customerId: string): Promise<void> => {
    const customer = customers.get(customerId);
    const customerWrites: CustomerWrites['writes'] = [];
    let kind: 'archived' | 'suppressed';
    try {
      if (!customer) {
        throw new MissiveError('MSV_STORE_NOT_FOUND', 'customer no longer exists in the store', {
          customerId,
        });
      }
      let decision = storedDecisions.get(customerId);
      if (!decision && deps.decisions) {
        const unsaved = await deps.decisions.decideUnsaved(customer, run);
        if (unsaved) customerWrites.push(unsaved.save);
        decision = unsaved?.decision;
      }
      if (decision?.suppressed) {
        const { rule, reason } = decision.suppressed;
        customerWrites.push(suppressionWrite(run, customer.id, `${rule}: ${reason}`));
        kind = 'suppressed';
      } else {
        const documentData = assembled.get(customerId);
        // assemble() answers for every customer it is given; these were given to it above.
        invariant(documentData, 'no document data was assembled for the customer');
        if (!documentData.ok) throw documentData.error;
        const channel = renderChannelFor(decision, template.manifest.channels);
        const chosen = decision ? await offersFor(deps, decision, customer.locale, channel) : [];
        // On paper, each offer's QR code carries its short tracked link (planned before rendering).
        const printed = channel === 'print' ? printLinks(deps, run, customer.id, chosen) : undefined;
        const offers = printed?.offers ?? chosen;
        const data = withOffers(documentData.data as DocumentData, offers);
        const purpose = decision?.purpose ?? policyByName(run.communicationType).purpose;
        const marketing = purpose === 'marketing';
        const emailData =
          channel !== 'email'
            ? data
            : marketing
              ? withUnsubscribe(deps, run, customer.id, data)
              : withPortalLink(
                  deps.tracking,
                  {
                    channel,
                    purpose,
                    attachesDocument: template.manifest.email?.document === 'attach',
                    communicationId: communicationId(run.id, customer.id, channel),
                    customerId: customer.id,
                  },
                  data,
                  Date.now(),
                );
        const doc = {
          channel,
          data: emailData,
          offers,
          marketing,
          purpose,
          printPlan: printed?.plan,
        };
        customerWrites.push(...(await renderAndStore(deps, customer, run, doc, keys)));
        kind = 'archived';
      }
    } catch (err) {
      // A full disk or a busy database stops the chunk (retried, then resumed): it fails no customer.
      if (isDiskFull(err) || isStoreBusy(err)) throw err;
      outcome.failed += 1;
      // Only the decision's save can be queued here: a document's writes are added once it is stored.
      await failLater(customerId, err, customerWrites);
      return;
    }
    outcome[kind] += 1;
    await writes.add({
      customerId,
      writes: customerWrites,
      onFailure: async (err) => {
        outcome[kind] -= 1;
        outcome.failed += 1;
        await recordCustomerFailure(deps, run.id, customerId, run.templateVersionId, 'archive', err);
      },
    });
  };
  // With a render thread, two customers are in hand at once: one renders in the thread while this
  // thread decides, archives and writes the ledger for the other (the thread renders one at a time).
  const inHand = deps.renderDocument ? 2 : 1;
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < todo.length) {
      if (!(await stillWanted())) {
        if (outcome.stopped === 0) {
          outcome.stopped = todo.length - next;
          deps.logger.info(
            { runId: run.id, chunk: job.chunk, left: outcome.stopped },
            'chunk stopped: run paused or cancelled',
          );
        }
        next = todo.length;
        return;
      }
      const customerId = todo[next]!;
      next += 1;
      await handle(customerId);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(inHand, todo.length) }, lane));
  } finally {
    await writes.flush();
  }
  return outcome;
}

/**
 * Whether the run still wants work (not paused, not cancelled), read from the store at most every
 * STATUS_CHECK_MS: pause and cancel take effect between customers, whichever process renders.
 */
function runStatusWatch(deps: RenderChunkDeps, run: RunRecord): () => Promise<boolean> {
  let checkedAt = Date.now();
  let wanted = run.status !== 'paused' && run.status !== 'cancelled';
  return async () => {
    if (wanted && Date.now() - checkedAt >= STATUS_CHECK_MS) {
      checkedAt = Date.now();
      const status = (await getRun(deps.db, run.id))?.status;
      wanted = status !== 'paused' && status !== 'cancelled';
    }
    return wanted;
  };
}

/** One customer's document to make: the channel, the merge data and the offers it shows. */
interface DocumentToMake {
  channel: ChannelKind;
  data: DocumentData;
  offers: readonly OfferContent[];
  /** Marketing e-mail and SMS get short tracked links and (e-mail) an open pixel. */
  marketing: boolean;
  /** The delivery policy's purpose: an e-mail's sender (the brand's service or marketing sender). */
  purpose: 'service' | 'marketing';
  /** A printed document's offer QR codes: their short links, already in `data` (print-links.ts). */
  printPlan?: TrackingPlan | undefined;
}

/**
 * Renders the customer's document and stores its bytes and sealed inputs; returns the ledger writes
 * (row, log entry, input row, tracked links, account for the call center) for the chunk to commit.
 * A marketing e-mail or SMS has its links rewritten to short tracked links here, before it is
 * archived: the archive holds exactly what the customer receives, and the sealed inputs carry the
 * link plan so `missive verify` proves the rewritten bytes too.
 */
async function renderAndStore(
  deps: RenderChunkDeps,
  customer: Customer,
  run: RunRecord,
  doc: DocumentToMake,
  keys: ReadonlyMap<string, DataKey>,
): Promise<CustomerWrites['writes']> {
  const { channel, data } = doc;
  const template = await deps.templates.get(run.templateVersionId);
  const brand = await runBrand(deps, run);
  const purpose = channel === 'email' ? doc.purpose : undefined;
  const renderOptions = { asOf: run.asOf, locale: customer.locale, brand: brand.source, purpose };
  const rendered = deps.renderDocument
    ? await deps.renderDocument(run.templateVersionId, channel, data, renderOptions)
    : await renderForChannel(template, channel, data, renderOptions);
  const id = communicationId(run.id, customer.id, channel);
  const tracked =
    doc.marketing && isTrackedChannel(channel)
      ? trackLinks(deps, id, channel, rendered.artifact, doc.offers)
      : { artifact: rendered.artifact, plan: doc.printPlan };
  const { plan } = tracked;
  // A statement or bill e-mail that carries its PDF (the template's `email.document: attach`): the
  // PDF is stored as its own blob, named by reference in the archived e-mail, recorded in the ledger.
  const attachPlan =
    channel === 'email' ? emailAttachmentPlan(template, run.communicationType, run.asOf) : [];
  const { artifact, attached } = await attachPlannedDocuments(
    tracked.artifact,
    attachPlan,
    data,
    renderOptions,
    (ch, d, o) =>
      deps.renderDocument
        ? deps.renderDocument(run.templateVersionId, ch, d, o)
        : renderForChannel(template, ch, d, o),
  );
  for (const a of attached) {
    const at = new Date().toISOString();
    await recordPendingBlobs(deps.db, [
      { sha256: a.pdf.sha256, runId: run.id, customerId: customer.id, channel, createdAt: at },
    ]);
    await deps.blobs.put(a.pdf.bytes, a.pdf.sha256);
  }
  // The exact inputs, kept (sealed) with the document so `missive verify` can replay it later.
  const input = snapshotInput({
    templateVersionId: run.templateVersionId,
    communicationType: run.communicationType,
    channel,
    asOf: run.asOf,
    locale: customer.locale,
    data,
    ...(plan ? { tracking: plan } : {}),
    ...(attachPlan.length > 0 ? { attachments: attachPlan } : {}),
    brand: brand.ref,
    purpose,
  });
  const stored = await storeDocument(
    deps.db,
    deps.blobs,
    {
      runId: run.id,
      customerId: customer.id,
      channel,
      templateVersionId: run.templateVersionId,
      inputSha256: input.sha256,
      artifact,
      input,
    },
    keys.get(customer.id),
  );
  const writes: CustomerWrites['writes'] = [
    async (trx) => {
      await recordDocument(trx, stored);
    },
  ];
  if (attached.length > 0)
    writes.push((trx) =>
      recordAttachments(
        trx,
        id,
        attached.map((a) => a.ref),
      ),
    );
  if (plan && deps.tracking) {
    // In the ledger row's transaction: a sent link always resolves, and never without its row.
    const expiresAt = new Date(Date.now() + deps.tracking.ttlDays * 86_400_000).toISOString();
    const rows = trackedLinkRows(id, plan, expiresAt);
    writes.push((trx) => insertTrackedLinks(trx, rows));
  }
  // The call center searches by the account number the document shows.
  const account = (data as { account?: { number?: unknown } }).account?.number;
  if (typeof account === 'string') writes.push((trx) => recordCustomerAccount(trx, customer.id, account));
  return writes;
}

/**
 * A printed document's offers with the short tracked link of each call to action (`cta.qr`), when
 * this worker tracks links; without tracking settings the QR codes carry the plain URL.
 */
function printLinks(
  deps: Pick<RenderChunkDeps, 'tracking'>,
  run: RunRecord,
  customerId: string,
  offers: readonly OfferContent[],
): { offers: OfferContent[]; plan: TrackingPlan | undefined } | undefined {
  if (!deps.tracking || offers.every((o) => !o.cta)) return undefined;
  return trackPrintOffers(offers, {
    key: deps.tracking.key(),
    baseUrl: deps.tracking.baseUrl,
    communicationId: communicationId(run.id, customerId, 'print'),
  });
}

/** The run's brand: the published catalog's when it has the run's type, else the default brand. */
export async function runBrand(
  deps: Pick<RenderChunkDeps, 'brands' | 'decisions'>,
  run: RunRecord,
): Promise<RunBrand> {
  return deps.brands.forRun(run, await deps.decisions?.catalog());
}

/**
 * A marketing e-mail's data with `unsubscribeUrl`: the visible unsubscribe link of its footer, the same
 * one-click page as its List-Unsubscribe header (`/unsubscribe/<delivery key>`). Without tracking
 * settings (no public URL) the e-mail fails later anyway (MSV_FEEDBACK_TRACKING_OFF).
 */
function withUnsubscribe(
  deps: Pick<RenderChunkDeps, 'tracking'>,
  run: RunRecord,
  customerId: string,
  data: DocumentData,
): DocumentData {
  if (!deps.tracking) return data;
  const key = deliveryKey(run.id, customerId, run.templateVersionId, 'email');
  const base = deps.tracking.baseUrl.replace(/\/$/, '');
  return { ...data, unsubscribeUrl: `${base}/unsubscribe/${encodeURIComponent(key)}` };
}

/** Short tracked links and the open pixel, attributed to the offers whose call to action they are. */
function trackLinks(
  deps: RenderChunkDeps,
  id: string,
  channel: 'email' | 'sms',
  artifact: Artifact,
  offers: readonly OfferContent[],
): { artifact: Artifact; plan: TrackingPlan } {
  if (!deps.tracking) {
    throw new MissiveError(
      'MSV_FEEDBACK_TRACKING_OFF',
      `a marketing ${channel} needs tracked links, and this worker has no tracking settings`,
      { communicationId: id },
    );
  }
  return trackArtifact(artifact, {
    key: deps.tracking.key(),
    baseUrl: deps.tracking.baseUrl,
    communicationId: id,
    channel,
    offerByTarget: offerTargets(offers),
  });
}

/** The customer ends in `failed` with its reason: counted, reported, retryable — never lost. */
export async function recordCustomerFailure(
  deps: Pick<RenderChunkDeps, 'db' | 'logger'>,
  runId: string,
  customerId: string,
  templateVersionId: string,
  stage: string,
  err: unknown,
): Promise<void> {
  const reason = errorMessage(err);
  const code = isMissiveError(err) ? err.code : 'MSV_RENDER_FAILED';
  deps.logger.warn({ runId, customerId, code }, `customer failed at ${stage}`);
  await recordRunFailure(deps.db, { runId, customerId, stage, code, reason });
  await insertCommunicationIfAbsent(deps.db, {
    runId,
    customerId,
    channel: CHANNEL,
    templateVersionId,
    status: 'failed',
    reason,
    inputSha256: '',
    artifactSha256: null,
    artifactSize: null,
    pages: null,
  });
}

/** The decision says stay silent (consent, do-not-contact…): the customer ends in `suppressed`. */
function suppressionWrite(
  run: RunRecord,
  customerId: string,
  reason: string,
): (trx: Kysely<Database>) => Promise<void> {
  return async (trx) => {
    await insertCommunicationIfAbsent(trx, {
      runId: run.id,
      customerId,
      channel: CHANNEL,
      templateVersionId: run.templateVersionId,
      status: 'suppressed',
      reason,
      inputSha256: '',
    });
  };
}
