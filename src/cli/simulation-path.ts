import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { registerTrackingRoutes } from '../api/heavy.ts';
import type { BlobStore } from '../archive/index.ts';
import {
  createRenderChunkDeps,
  createTemplateCache,
  prepareRunData,
  processRenderChunk,
} from '../batch/heavy.ts';
import { runIdFor } from '../batch/index.ts';
import {
  type Channel,
  catalogDeliveryPolicy,
  type DispatchDeps,
  dispatchCommunication,
} from '../channels/index.ts';
import { SHIPPED_DATASOURCES_DIR } from '../core/config.ts';
import { MissiveError } from '../core/errors.ts';
import { createLogger, type Logger } from '../core/logger.ts';
import type { ChannelKind } from '../core/types.ts';
import {
  createMemoryBlobStore,
  DEFAULT_SUCCESS_RULES,
  type LearningPath,
  type LinkTracking,
  offerLink,
  type ReceivedLinks,
  type ReceivedOffer,
  readReceivedEmail,
  readReceivedSms,
  recordExposures,
  type SimCustomer,
  type WeekRun,
  type WeekSend,
} from '../feedback/index.ts';
import {
  type CompiledCatalog,
  type Decision,
  loadModel,
  loadPublishedCatalog,
  offerContentFor,
  publishCatalogDir,
} from '../rules/index.ts';
import {
  createRunIfAbsent,
  type Database,
  listCommunicationsForRun,
  listRunDecisions,
  openStoreAt,
  type Store,
  upsertCustomers,
} from '../store/index.ts';
import { publishTemplatePackage } from '../templates/heavy.ts';

/**
 * The simulation's learning policy through the product (feedback/simulation/learning-path.ts), in
 * a temporary SQLite store made by the product's own migrations — no servers — with an archive in
 * memory that forgets a week's documents once they are sent. Each week is a run
 * of the campaign: `processRenderChunk` decides (with the model the store holds), renders, plans
 * the short tracked links and the open pixel and writes them with the ledger row, as `missive run`
 * does; `dispatchCommunication` sends each message to a mailbox channel (accepts everything, keeps
 * what the customer can follow) and counts its exposures as the dispatch stage does (`onSent`). A
 * customer who takes the offer loads the message's images (the pixel) and follows the offer's link
 * through the API's own tracking routes (`GET /o/…`, `GET /t/…`, in process), an hour after sending,
 * with a browser's user agent: the events and `model_stats` are the product's.
 */

export interface StoreLearningPathOptions {
  catalogDir: string;
  templateDir: string;
  seed: string;
  communicationType?: string;
  /** Where the SQLite store goes (default: a new temp folder, removed on close). */
  dir?: string;
  logger?: Logger;
}

export interface StoreLearningPath {
  path: LearningPath;
  /** The published catalog, compiled: the in-memory policies decide with the same one. */
  catalog: CompiledCatalog;
  store: Store;
  close(): Promise<void>;
}

/** A person's browser: the tracking routes count its requests as a person's (machine-traffic.ts). */
const BROWSER =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36';
/** Customers read the message an hour after it was sent (prefetch window: 10 s). */
const READ_AFTER_MS = 3_600_000;
const BASE_URL = 'https://simulation.missive.invalid';
/** Customers per render chunk, as a run plans them. */
const CHUNK = 500;

export async function openStoreLearningPath(options: StoreLearningPathOptions): Promise<StoreLearningPath> {
  const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'missive-simulate-'));
  const store = await openStoreAt({ sqlitePath: path.join(dir, 'missive.sqlite') });
  const blobs = createMemoryBlobStore();
  const logger = options.logger ?? createLogger('silent');
  const type = options.communicationType ?? 'cross-sell-promotion';
  const key = createHash('sha256').update(`missive-simulation-tracking\n${options.seed}`).digest();
  const tracking: LinkTracking = { baseUrl: BASE_URL, ttlDays: 180, key: () => key };
  const template = await publishTemplatePackage(store.db, options.templateDir);
  const first = weekMonday(0);
  await publishCatalogDir(store.db, options.catalogDir, first);
  const catalog = await loadPublishedCatalog(store.db);
  const routes = await trackingRoutes(store.db, key);
  const ctx: PathContext = { db: store.db, blobs, logger, tracking, catalog, routes, type };
  const learning: LearningPath = {
    prepare: (cohort, weeks) => prepareWeeks(ctx, template.id, options.seed, cohort, weeks),
    send: (week, customers) => sendWeek(ctx, week, customers),
    respond: (message) => respond(routes, message),
    model: () => loadModel(store.db),
  };
  return {
    path: learning,
    catalog,
    store,
    close: async () => {
      await routes.close();
      await store.close();
      if (!options.dir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

interface PathContext {
  db: Kysely<Database>;
  blobs: BlobStore;
  logger: Logger;
  tracking: LinkTracking;
  catalog: CompiledCatalog;
  routes: FastifyInstance;
  type: string;
}

/** Monday 2 February 2026 plus `week` weeks, the simulation's calendar. */
function weekMonday(week: number): string {
  return new Date(Date.UTC(2026, 1, 2 + 7 * week)).toISOString().slice(0, 10);
}

/** The API's tracking routes alone, in process (fastify inject: no port). */
async function trackingRoutes(db: Kysely<Database>, key: Uint8Array): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  registerTrackingRoutes(app, {
    db,
    trackingKey: key,
    successRules: DEFAULT_SUCCESS_RULES,
    now: () => new Date(Date.now() + READ_AFTER_MS),
  });
  await app.ready();
  return app;
}

async function prepareWeeks(
  ctx: PathContext,
  templateVersionId: string,
  seed: string,
  cohort: readonly SimCustomer[],
  weeks: number,
): Promise<WeekRun[]> {
  for (let i = 0; i < cohort.length; i += 1000) {
    await upsertCustomers(
      ctx.db,
      cohort.slice(i, i + 1000).map((c) => c.customer),
    );
  }
  const template = await createTemplateCache(ctx.db).get(templateVersionId);
  const runs: WeekRun[] = [];
  for (let w = 0; w < weeks; w++) {
    const asOf = weekMonday(w);
    const request = { communicationType: ctx.type, templateVersionId, asOf, source: `simulation:${seed}` };
    const { run } = await createRunIfAbsent(ctx.db, { id: runIdFor(request), ...request, status: 'running' });
    await prepareRunData(ctx.db, run, template, SHIPPED_DATASOURCES_DIR);
    runs.push({ week: w, runId: run.id, asOf, now: run.createdAt });
  }
  return runs;
}

/**
 * One week's run: render chunks (decisions with the model the store holds at the week's start), then
 * every message through dispatch to the mailbox; returns the messages that carry an offer.
 */
async function sendWeek(
  ctx: PathContext,
  week: WeekRun,
  customers: readonly SimCustomer[],
): Promise<WeekSend> {
  // Fresh deps each week: the run's decisions read the model from the store once, at the first one.
  const chunkDeps = createRenderChunkDeps(ctx.db, ctx.blobs, ctx.logger, { tracking: ctx.tracking });
  const ids = customers.map((c) => c.customer.id);
  for (let i = 0; i < ids.length; i += CHUNK) {
    await processRenderChunk(chunkDeps, {
      runId: week.runId,
      chunk: i / CHUNK,
      customerIds: ids.slice(i, i + CHUNK),
    });
  }
  const mailbox = new Map<string, ReceivedLinks>();
  await dispatchWeek(ctx, week.runId, mailbox);
  const decisions = await listRunDecisions<Decision>(ctx.db, week.runId, ids);
  const locale = new Map(customers.map((c) => [c.customer.id, c.customer.locale]));
  const received = new Map<string, ReceivedOffer>();
  let modelVersion: string | undefined;
  for (const sent of await sentMessages(ctx.db, week.runId)) {
    const decision = decisions.get(sent.customerId)?.decision;
    modelVersion ??= decision?.modelVersion;
    const offerId = decision?.offers[0]?.offerId;
    const links = mailbox.get(sent.id);
    if (!decision || offerId === undefined || !links) continue;
    const content = offerContentFor(
      decision,
      ctx.catalog.catalog,
      locale.get(sent.customerId) ?? '',
      sent.channel,
    );
    received.set(sent.customerId, {
      customerId: sent.customerId,
      communicationId: sent.id,
      channel: sent.channel,
      decision,
      offerId,
      ctaLabel: content[0]?.cta?.label,
      links,
    });
  }
  return { modelVersion: modelVersion ?? (await loadModel(ctx.db)).version, received };
}

/** The run's archived e-mails and SMS through the dispatch state machine, as the dispatch stage sends them. */
async function dispatchWeek(
  ctx: PathContext,
  runId: string,
  mailbox: Map<string, ReceivedLinks>,
): Promise<void> {
  const deps: DispatchDeps = {
    db: ctx.db,
    blobs: ctx.blobs,
    logger: ctx.logger,
    channels: { email: mailboxChannel('email', mailbox), sms: mailboxChannel('sms', mailbox) },
    policy: catalogDeliveryPolicy(ctx.db),
    // As the dispatch stage (batch/open-dispatch.ts): exposures counted with the `sent`.
    onSent: async (communicationId, trx) => void (await recordExposures(trx, communicationId)),
  };
  const sentBytes: string[] = [];
  let afterId: string | null = null;
  for (;;) {
    const page = await listCommunicationsForRun(ctx.db, runId, {
      statuses: ['archived'],
      channels: ['email', 'sms'],
      afterId,
      limit: 1000,
    });
    if (page.length === 0) break;
    for (const comm of page) {
      await dispatchCommunication(deps, comm.id);
      if (comm.artifactSha256) sentBytes.push(comm.artifactSha256);
    }
    afterId = page[page.length - 1]?.id ?? null;
  }
  // Sent: the simulation's archive forgets them (the mailbox kept what the customers can follow).
  for (const sha256 of sentBytes) await ctx.blobs.delete?.(sha256);
}

async function sentMessages(db: Kysely<Database>, runId: string) {
  const out: { id: string; customerId: string; channel: ChannelKind }[] = [];
  let afterId: string | null = null;
  for (;;) {
    const page = await listCommunicationsForRun(db, runId, { statuses: ['sent'], afterId, limit: 1000 });
    if (page.length === 0) return out;
    out.push(...page.map((c) => ({ id: c.id, customerId: c.customerId, channel: c.channel })));
    afterId = page[page.length - 1]?.id ?? null;
  }
}

/**
 * A channel with no sink: it accepts every message (the ground truth decides what the customer
 * does) and keeps, per communication, what the customer can follow in it.
 */
function mailboxChannel(kind: 'email' | 'sms', mailbox: Map<string, ReceivedLinks>): Channel {
  return {
    kind,
    name: `simulation-${kind}`,
    async send(message, ctx) {
      const bytes = message.artifact.bytes;
      mailbox.set(
        ctx.communicationId,
        kind === 'email' ? readReceivedEmail(bytes) : readReceivedSms(Buffer.from(bytes).toString('utf8')),
      );
      return { kind: 'sent', providerId: `sim-${ctx.communicationId}` };
    },
  };
}

/** The customer opens the message (its remote images: the pixel) and follows the offer's link. */
async function respond(routes: FastifyInstance, message: ReceivedOffer): Promise<void> {
  const headers = { 'user-agent': BROWSER };
  for (const image of message.links.images) {
    await routes.inject({ method: 'GET', url: new URL(image).pathname, headers });
  }
  const link = offerLink(message.links, message.ctaLabel);
  const reply = link
    ? await routes.inject({ method: 'GET', url: new URL(link).pathname, headers })
    : undefined;
  if (reply?.statusCode !== 302) {
    throw new MissiveError(
      'MSV_FEEDBACK_TOKEN_INVALID',
      `the offer's link in the message could not be followed (${reply ? `HTTP ${reply.statusCode}` : 'no such link'})`,
      { communicationId: message.communicationId },
    );
  }
}
