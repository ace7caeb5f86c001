import type { Kysely } from 'kysely';
import { stableId } from '../core/hash.ts';
import type { Logger } from '../core/logger.ts';
import {
  advanceWebhookCursor,
  type Database,
  firstCursor,
  getWebhookCursor,
  insertWebhookDeliveries,
  leaseWebhookDelivery,
  listDueWebhookDeliveries,
  listOnDemandCommunicationIds,
  listOnDemandCommunications,
  listWebhookEndpoints,
  type NewDelivery,
  pageEventChanges,
  pageStatusHistory,
  recordWebhookAttempt,
  type WebhookDeliveryRecord,
  type WebhookEndpointRecord,
} from '../store/index.ts';
import { SIGNATURE_HEADER, signatureHeader } from './webhook-signature.ts';

/**
 * Signed status webhooks of on-demand communications. Two steps, each safe to run in several
 * processes at once:
 *
 * - **relay**: reads the ledger's status history (archived, sent, failed, suppressed, and a letter's
 *   in_print_file, printed, mailed, spoiled) and the events
 *   (delivered, bounced) after its cursor, keeps the changes of on-demand communications, and queues
 *   one delivery per active endpoint and change (unique on endpoint × event id). The cursor only moves
 *   over rows older than `settleMs`, so a transaction that commits late (PostgreSQL sequences) is
 *   still seen; the rows after it are read again and queue nothing twice.
 * - **deliver**: POSTs each due delivery's body, signed (webhook-signature.ts), and logs every
 *   attempt (`webhook_attempts`). Any 2xx is delivered; anything else (another status, a refused
 *   connection, a timeout) is tried again after `baseDelayMs × 2^(attempt-1)` (at most `maxDelayMs`),
 *   up to `maxAttempts`, then `failed`. A delivery is leased (compare-and-set on its next attempt
 *   time) before each attempt, so two processes never post it at once.
 */
export interface StatusWebhookOptions {
  intervalMs?: number;
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Per attempt: a receiver slower than this is a failed attempt. */
  timeoutMs?: number;
  settleMs?: number;
  /** Deliveries posted at once. */
  concurrency?: number;
}

const WEBHOOK_DEFAULTS: Required<StatusWebhookOptions> = {
  intervalMs: 1_000,
  maxAttempts: 8,
  baseDelayMs: 30_000,
  maxDelayMs: 3_600_000,
  timeoutMs: 10_000,
  settleMs: 10_000,
  concurrency: 4,
};

export interface StatusWebhooks {
  /** One relay pass and one delivery pass (the timer calls it; tests may too). */
  tick(): Promise<void>;
  /** Asks for a pass soon (a status changed here). */
  kick(): void;
  close(): Promise<void>;
}

const HISTORY_EVENTS: Record<string, string> = {
  archived: 'communication.archived',
  sent: 'communication.sent',
  failed: 'communication.failed',
  suppressed: 'communication.suppressed',
  // A letter's print lifecycle: made into a print file, then the print house's returned manifest
  // (`missive print-streams confirm`). Spoiled pieces are re-printed as a new communication.
  in_print_file: 'communication.in_print_file',
  printed: 'communication.printed',
  mailed: 'communication.mailed',
  spoiled: 'communication.spoiled',
};
const FEEDBACK_EVENTS: Record<string, string> = {
  delivered: 'communication.delivered',
  bounced: 'communication.bounced',
};

const PAGE = 1_000;
const MAX_PAGES = 20;

interface Change {
  source: 'history' | 'events';
  id: number;
  communicationId: string;
  type: string;
  status: string;
  reason: string | null;
  code: string | null;
  at: string;
}

export function startStatusWebhooks(
  deps: { db: Kysely<Database>; logger: Logger; now?: () => Date },
  given: StatusWebhookOptions = {},
): StatusWebhooks {
  const options = { ...WEBHOOK_DEFAULTS, ...given };
  const now = deps.now ?? (() => new Date());
  let running: Promise<void> = Promise.resolve();
  let closed = false;
  let kicked: ReturnType<typeof setTimeout> | undefined;
  const inFlight = new Set<Promise<void>>();

  const pass = async () => {
    if (closed) return;
    const endpoints = await listWebhookEndpoints(deps.db, { activeOnly: true });
    await relay(deps.db, endpoints, now(), options.settleMs);
    await deliverDue(endpoints);
  };
  const schedule = () => {
    running = running
      .then(pass)
      .catch((err: Error) => deps.logger.error({ err: err.message }, 'status webhooks: pass failed'));
    return running;
  };

  async function deliverDue(endpoints: readonly WebhookEndpointRecord[]): Promise<void> {
    const byId = new Map(endpoints.map((e) => [e.id, e]));
    const due = await listDueWebhookDeliveries(deps.db, now().toISOString(), 100);
    let next = 0;
    const lane = async () => {
      while (next < due.length && !closed) {
        const delivery = due[next++]!;
        const leaseUntil = new Date(now().getTime() + options.timeoutMs + 5_000).toISOString();
        if (!(await leaseWebhookDelivery(deps.db, delivery, leaseUntil))) continue;
        const attempt = attemptDelivery(delivery, byId.get(delivery.endpointId));
        inFlight.add(attempt);
        await attempt.finally(() => inFlight.delete(attempt));
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.concurrency, due.length) }, lane));
  }

  async function attemptDelivery(
    delivery: WebhookDeliveryRecord,
    endpoint: WebhookEndpointRecord | undefined,
  ): Promise<void> {
    const attempt = delivery.attempts + 1;
    const started = now();
    let statusCode: number | null = null;
    let error: string | null = null;
    if (!endpoint) {
      error = 'endpoint removed';
    } else {
      const t0 = performance.now();
      try {
        const timestamp = Math.floor(started.getTime() / 1000);
        const response = await fetch(endpoint.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'Missive-Webhooks/1',
            [SIGNATURE_HEADER]: signatureHeader(endpoint.secret, timestamp, delivery.payload),
            'missive-event-id': delivery.eventId,
            'missive-event-type': delivery.eventType,
            'missive-delivery-attempt': String(attempt),
          },
          body: delivery.payload,
          redirect: 'manual',
          signal: AbortSignal.timeout(options.timeoutMs),
        });
        statusCode = response.status;
        await response.body?.cancel().catch(() => undefined);
        if (statusCode < 200 || statusCode >= 300) error = `HTTP ${statusCode}`;
      } catch (err) {
        const e = err as Error & { cause?: { code?: string } };
        error =
          e.name === 'TimeoutError' ? `timeout after ${options.timeoutMs} ms` : (e.cause?.code ?? e.message);
      }
      const durationMs = Math.round(performance.now() - t0);
      return finish(delivery, attempt, started, statusCode, error, durationMs);
    }
    return finish(delivery, attempt, started, statusCode, error, 0, true);
  }

  async function finish(
    delivery: WebhookDeliveryRecord,
    attempt: number,
    at: Date,
    statusCode: number | null,
    error: string | null,
    durationMs: number,
    giveUp = false,
  ): Promise<void> {
    const ok = error === null;
    const last = giveUp || attempt >= options.maxAttempts;
    const delay = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
    const status = ok ? 'delivered' : last ? 'failed' : 'pending';
    const nextAttemptAt = ok || last ? at.toISOString() : new Date(now().getTime() + delay).toISOString();
    await recordWebhookAttempt(
      deps.db,
      delivery.id,
      { attempt, at: at.toISOString(), statusCode, error, durationMs },
      { status, nextAttemptAt },
    );
    if (status === 'failed') {
      deps.logger.warn(
        { deliveryId: delivery.id, eventId: delivery.eventId, attempts: attempt, error },
        'status webhook given up',
      );
    } else if (!ok) {
      // The next attempt is due later; a timer makes sure a pass happens then even without a kick.
      const timer = setTimeout(() => void schedule(), delay + 5);
      timer.unref?.();
    }
  }

  const timer = setInterval(() => void schedule(), options.intervalMs);
  timer.unref?.();
  return {
    tick: schedule,
    kick() {
      if (closed || kicked) return;
      kicked = setTimeout(() => {
        kicked = undefined;
        void schedule();
      }, 0);
    },
    async close() {
      closed = true;
      clearInterval(timer);
      if (kicked) clearTimeout(kicked);
      await running.catch(() => undefined);
      await Promise.allSettled([...inFlight]);
    },
  };
}

/** Queues deliveries for the on-demand status changes after the cursors (see the module comment). */
export async function relay(
  db: Kysely<Database>,
  endpoints: readonly WebhookEndpointRecord[],
  now: Date,
  settleMs: number,
): Promise<number> {
  const horizon = new Date(now.getTime() - settleMs).toISOString();
  let queued = 0;
  for (const source of ['history', 'events'] as const) {
    let after = await getWebhookCursor(db, source);
    if (after === undefined) {
      // The first pass ever: from the first on-demand communication's row, else from the end — a
      // ledger of millions from before on-demand is not read.
      after = await firstCursor(db, source === 'history' ? 'communication_status_history' : 'events');
      await advanceWebhookCursor(db, source, after);
    }
    // At most MAX_PAGES a pass (a big batch run's history is read over several passes, never in one go).
    for (let pages = 0; pages < MAX_PAGES; pages += 1) {
      const page = await readChanges(db, source, after);
      if (page.rows.length === 0) break;
      queued += await queueDeliveries(db, endpoints, page.changes, now);
      // Over the settled prefix only: later rows are read again next time (and queue nothing twice).
      let settled = after;
      for (const row of page.rows) {
        if (row.at >= horizon) break;
        settled = row.id;
      }
      if (settled > after) await advanceWebhookCursor(db, source, settled);
      if (page.rows.length < PAGE) break;
      after = page.rows[page.rows.length - 1]!.id;
    }
  }
  return queued;
}

async function readChanges(
  db: Kysely<Database>,
  source: 'history' | 'events',
  after: number,
): Promise<{ rows: { id: number; at: string }[]; changes: Change[] }> {
  const rows: Change[] =
    source === 'history'
      ? (await pageStatusHistory(db, after, PAGE)).map((r) => ({
          source,
          id: Number(r.id),
          communicationId: r.communication_id,
          type: HISTORY_EVENTS[r.status] ?? '',
          status: r.status,
          reason: r.reason,
          code: r.code,
          at: r.at,
        }))
      : (await pageEventChanges(db, after, PAGE)).map((r) => ({
          source,
          id: Number(r.id),
          communicationId: r.communication_id ?? '',
          type: FEEDBACK_EVENTS[r.type] ?? '',
          status: r.type,
          reason: null,
          code: null,
          at: r.recorded_at,
        }));
  const wanted = rows.filter((r) => r.type !== '' && r.communicationId !== '');
  if (wanted.length === 0) return { rows, changes: [] };
  const ids = [...new Set(wanted.map((r) => r.communicationId))];
  const onDemand = await listOnDemandCommunicationIds(db, ids);
  return { rows, changes: wanted.filter((r) => onDemand.has(r.communicationId)) };
}

async function queueDeliveries(
  db: Kysely<Database>,
  endpoints: readonly WebhookEndpointRecord[],
  changes: readonly Change[],
  now: Date,
): Promise<number> {
  if (changes.length === 0 || endpoints.length === 0) return 0;
  const ids = [...new Set(changes.map((c) => c.communicationId))];
  const rows = await listOnDemandCommunications(db, ids);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const deliveries: NewDelivery[] = [];
  for (const change of changes) {
    const c = byId.get(change.communicationId);
    if (!c) continue;
    const eventId = stableId('evt', change.source, String(change.id));
    const payload = JSON.stringify({
      id: eventId,
      type: change.type,
      createdAt: change.at,
      data: {
        communicationId: c.id,
        idempotencyKey: c.idempotency_key,
        type: c.type,
        customerId: c.customer_id,
        channel: c.channel,
        runId: c.run_id,
        status: change.status,
        reason: change.reason,
        code: change.code,
      },
    });
    for (const endpoint of endpoints) {
      // An endpoint hears of what happens after it was registered.
      if (endpoint.createdAt > change.at) continue;
      deliveries.push({
        endpointId: endpoint.id,
        eventId,
        eventType: change.type,
        communicationId: c.id,
        payload,
        createdAt: now.toISOString(),
      });
    }
  }
  await insertWebhookDeliveries(db, deliveries);
  return deliveries.length;
}
