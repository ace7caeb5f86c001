import type { Kysely } from 'kysely';
import { type BlobStore, type BrandSettings, createRunBrands } from '../archive/index.ts';
import { createTemplateCache } from '../batch/heavy.ts';
import { createRunDecisions, finishRun, type RunDecisions } from '../batch/index.ts';
import {
  type Channel,
  catalogDeliveryPolicy,
  type DispatchDeps,
  dispatchWithRetries,
} from '../channels/index.ts';
import { SHIPPED_DATASOURCES_DIR } from '../core/config.ts';
import type { Logger } from '../core/logger.ts';
import type { ChannelKind } from '../core/types.ts';
import { type LinkTracking, recordExposures } from '../feedback/index.ts';
import { createGuardedRenderer, type RenderLimits } from '../render/index.ts';
import { type Database, getCommunication } from '../store/index.ts';
import {
  communicateOnDemand,
  type OnDemandDeps,
  type OnDemandRecorder,
  type OnDemandRequest,
  type OnDemandResult,
  previewOnDemand,
} from './communicate.ts';
import { type StatusWebhookOptions, type StatusWebhooks, startStatusWebhooks } from './status-webhooks.ts';

/**
 * What `missive serve` runs for the on-demand API: the pipeline (communicate.ts) with its caches
 * (compiled templates, the published catalog and model for at most `decisionsTtlMs`, brands), the
 * sends in this process (dispatchWithRetries, the ledger's compare-and-set: a `missive worker` that
 * relays the same run's send never sends it twice), closing each run once its communication is
 * final, and the status webhooks. `close()` stops taking work and waits for sends in hand.
 */
export interface OnDemandServiceOptions {
  db: Kysely<Database>;
  blobs: BlobStore;
  logger: Logger;
  now?: () => Date;
  /** The channels sends go through (createChannels); a channel left out keeps its documents `archived`. */
  channels: Partial<Record<ChannelKind, Channel>>;
  datasourcesDir?: string | undefined;
  brands?: BrandSettings | undefined;
  webhooks?: StatusWebhookOptions;
  /** Attempts of a temporary send failure, and the longest wait between them. */
  maxSendAttempts?: number;
  maxSendDelayMs?: number;
  decisionsTtlMs?: number;
  /** Each document in a render thread under these caps (MISSIVE_RENDER_TIMEOUT_MS / _MAX_HEAP_MB); unset: in this thread. */
  renderLimits?: RenderLimits | undefined;
  /** Public URL and key for a statement or bill e-mail's signed portal link; unset: no link. */
  tracking?: LinkTracking | undefined;
}

export interface OnDemandService {
  /** `record` writes the caller's own rows with the ledger row, in its transaction (an agent's letter). */
  communicate(caller: string, request: OnDemandRequest, record?: OnDemandRecorder): Promise<OnDemandResult>;
  /** The PDF the request would make now, kept nowhere (an agent's letter preview). */
  preview(request: Omit<OnDemandRequest, 'idempotencyKey'>): ReturnType<typeof previewOnDemand>;
  /** Sends an archived e-mail/SMS communication of an on-demand run in the background (an agent's copy). */
  dispatch(communicationId: string): void;
  webhooks: StatusWebhooks;
  /** Resolves when no send is in hand (tests and the benchmark). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The on-demand API's service in the server process: caches, sending, status webhooks, closing each run;
 * close() stops it.
 */
export function createOnDemandService(options: OnDemandServiceOptions): OnDemandService {
  const { db, blobs, logger } = options;
  const now = options.now ?? (() => new Date());
  const webhooks = startStatusWebhooks({ db, logger, now }, options.webhooks);
  const dispatchDeps: DispatchDeps = {
    db,
    blobs,
    logger,
    channels: options.channels,
    policy: catalogDeliveryPolicy(db),
    onSent: async (communicationId, trx) => void (await recordExposures(trx, communicationId)),
  };
  const templates = createTemplateCache(db);
  const guarded = options.renderLimits ? createGuardedRenderer(options.renderLimits) : undefined;
  const brands = createRunBrands(blobs, options.brands);
  const sends = new Set<Promise<void>>();
  let closed = false;
  let decisions: { at: number; value: RunDecisions } | undefined;
  const ttl = options.decisionsTtlMs ?? 30_000;

  const send = async (communicationId: string) => {
    try {
      await dispatchWithRetries(dispatchDeps, communicationId, {
        maxAttempts: options.maxSendAttempts ?? 5,
        maxDelayMs: options.maxSendDelayMs ?? 60_000,
      });
      const comm = await getCommunication(db, communicationId);
      // A run of one: closed (and reconciled) once its one communication is final.
      if (comm && ['sent', 'failed', 'suppressed'].includes(comm.status))
        await finishRun({ db, logger }, comm.runId);
    } catch (err) {
      logger.error({ communicationId, err: (err as Error).message }, 'on-demand send failed');
    } finally {
      webhooks.kick();
    }
  };

  const dispatch = (id: string) => {
    if (closed) return;
    const p = send(id);
    sends.add(p);
    void p.finally(() => sends.delete(p));
  };

  const deps: OnDemandDeps = {
    db,
    blobs,
    logger,
    now,
    templates,
    decisions: () => {
      if (!decisions || Date.now() - decisions.at > ttl) {
        decisions = { at: Date.now(), value: createRunDecisions(db) };
      }
      return decisions.value;
    },
    brands,
    renderDocument: guarded
      ? async (versionId, channel, data, renderOptions) =>
          guarded.render(await templates.source(versionId), channel, data, renderOptions)
      : undefined,
    datasourcesDir: options.datasourcesDir ?? SHIPPED_DATASOURCES_DIR,
    onCommunication: () => webhooks.kick(),
    dispatch,
    tracking: options.tracking,
  };

  return {
    webhooks,
    dispatch,
    preview: (request) => previewOnDemand(deps, request),
    async communicate(caller, request, record) {
      const result = await communicateOnDemand(deps, caller, request, record);
      const { communication } = result;
      const unsent = communication.channel === 'print' || communication.status !== 'archived';
      // Nothing to send (paper, suppressed, failed): the run of one closes now.
      if (result.created && unsent) await finishRun({ db, logger }, communication.runId);
      return result;
    },
    async idle() {
      while (sends.size > 0) await Promise.allSettled([...sends]);
    },
    async close() {
      closed = true;
      await Promise.allSettled([...sends]);
      await webhooks.close();
      await guarded?.close();
    },
  };
}
