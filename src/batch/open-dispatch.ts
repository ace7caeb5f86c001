import { catalogDeliveryPolicy, openSendJournal } from '../channels/index.ts';
import { recordExposures } from '../feedback/index.ts';
import type { BatchDeps } from './batch-deps.ts';
import { type DispatchStage, startDispatchStage } from './workers/dispatch-worker.ts';

/**
 * The dispatch stage: one dispatch worker per configured electronic channel (`deps.channels`), with
 * the catalog's delivery policy, the send journal and exposures counted when a message is sent. The
 * ledger is the outbox: a relay queues every email/SMS not yet final, each under its delivery key,
 * so queuing a row twice adds one job. Undefined when no electronic channel is configured.
 * Opened by startBatchStages (batch-stages.ts) and, for a run found rendered, by dispatchRun.
 */
export function openDispatch(deps: BatchDeps): DispatchStage | undefined {
  const channels = deps.channels ?? {};
  if (!channels.email && !channels.sms) return undefined;
  return startDispatchStage(
    {
      db: deps.db,
      blobs: deps.blobs,
      logger: deps.logger,
      channels,
      policy: catalogDeliveryPolicy(deps.db),
      journal: deps.sendJournalDir ? openSendJournal(deps.sendJournalDir) : undefined,
      stopping: deps.signal, // a lost Redis or a full disk: no new send starts
      // The feedback loop's exposures are counted when a message is sent, not only on `model update`.
      onSent: async (communicationId, trx) => void (await recordExposures(trx, communicationId)),
    },
    {
      connect: deps.connect,
      prefix: deps.queuePrefix,
      rates: deps.dispatchRates ?? { email: 200, sms: 100 },
      lockMs: deps.jobLockMs,
      idleMs: deps.workerIdleMs,
      diskFull: deps.diskFull,
    },
  );
}
