import type { Kysely } from 'kysely';
import { type BlobStore, documentLogData } from '../archive/index.ts';
import { finishRun } from '../batch/index.ts';
import { MissiveError } from '../core/errors.ts';
import { sha256Hex } from '../core/hash.ts';
import type { Logger } from '../core/logger.ts';
import type { Artifact, ChannelKind } from '../core/types.ts';
import { EMAIL_MIME, encodeEmail, makeArtifact } from '../render/index.ts';
import {
  appendAudit,
  appendEvent,
  appendLogEntry,
  type CommunicationRecord,
  type CopyKind,
  canonicalJson,
  claimOnDemandRequest,
  clearPendingBlobs,
  completeOnDemandRequest,
  createRunIfAbsent,
  type Database,
  getCommunication,
  getCommunicationInput,
  getCustomer,
  getOnDemandRequest,
  getRun,
  insertCommunicationIfAbsent,
  inTransaction,
  type RunRecord,
  recordAttachments,
  recordPendingBlobs,
  releaseOnDemandRequest,
  saveCommunicationInput,
  saveRecipient,
  setRunTotal,
} from '../store/index.ts';
import { ON_DEMAND_SOURCE, onDemandRunId } from './communicate.ts';

/**
 * An agent's copy of a communication (issue 19 item 1), never a re-render:
 *
 * - **resend** by e-mail, to the address on file or to another one the agent confirmed (typed twice
 *   in the UI): an archived e-mail goes again as the same archived message (same bytes, same sha256,
 *   its attachments the same blobs); a printed PDF goes as the attachment of a short cover e-mail,
 *   by reference to the archived PDF, so the customer gets the bytes with the archive's sha256.
 * - **reprint**: the same archived PDF as a new print ledger row, `archived`, flagged as a reprint:
 *   the run's print stream carries it with `reprint` in its manifest.
 *
 * Each copy is a run of kind on-demand, made the way the on-demand API makes one (communicate.ts):
 * claimed in `on_demand_requests` under (agent, the form's id), so a retried post makes one copy;
 * one run per copy (`onDemandRunId`), its one ledger row linked to the original (`copy_of`), with
 * an entry in the archive log. The action is an event on the original's timeline (agent and reason)
 * and an audit row. Another address is kept in `communication_recipients` (erased with the customer),
 * never in the event, the audit row or the run.
 */
/** The copies of the exact bytes (a corrected copy is a re-render: corrections.ts). */
export type ExactCopyKind = Exclude<CopyKind, 'correction'>;

export interface CopyRequest {
  kind: ExactCopyKind;
  customerId: string;
  communicationId: string;
  /** Why (the customer's words, as the agent typed them): on the timeline and in the audit log. */
  reason: string;
  /** The form's own id: a retried post makes one copy. */
  clientId: string;
  /** resend: another e-mail address, confirmed twice; none: the address on file. */
  to?: string | undefined;
}

export interface CopyDeps {
  db: Kysely<Database>;
  blobs: BlobStore;
  now: () => Date;
  /** Sends an e-mail copy in the background (the on-demand service's send loop). */
  dispatch?: ((communicationId: string) => void) | undefined;
  /** A re-print's run of one closes at once (its row waits, `archived`, for the print stream). */
  logger?: Logger | undefined;
}

export interface CopyResult {
  created: boolean;
  communication: CommunicationRecord;
  run: RunRecord;
}

/** The event on the original's timeline, per kind. */
export const COPY_EVENTS: Record<CopyKind, string> = {
  resend: 'agent-resend',
  reprint: 'agent-reprint',
  correction: 'agent-correction',
};

const EMAIL = /^[^\s@<>()",;:\\[\]]+@[^\s@<>()",;:\\[\]]+\.[^\s@<>()",;:\\[\]]+$/;

/**
 * An agent's copy of a communication (resend or re-print) as an on-demand run of its own, audited.
 * @throws MissiveError MSV_STORE_NOT_FOUND, MSV_API_BAD_REQUEST.
 */
export async function copyCommunication(
  deps: CopyDeps,
  agent: string,
  request: CopyRequest,
): Promise<CopyResult> {
  const original = await getCommunication(deps.db, request.communicationId);
  if (!original || original.customerId !== request.customerId) {
    throw new MissiveError('MSV_STORE_NOT_FOUND', `no communication ${request.communicationId}`, {
      communicationId: request.communicationId,
    });
  }
  const originalRun = (await getRun(deps.db, original.runId))!;
  const channel = copyChannel(request, original);
  const caller = `agent:${agent}`;
  const runId = onDemandRunId(caller, request.clientId);
  const fingerprint = sha256Hex(
    canonicalJson({
      kind: request.kind,
      customerId: request.customerId,
      communicationId: request.communicationId,
      to: request.to ?? null,
    }),
  );
  const claimed = await claimOnDemandRequest(deps.db, {
    caller,
    idempotencyKey: request.clientId,
    requestSha256: fingerprint,
    runId,
    customerId: request.customerId,
    communicationType: originalRun.communicationType,
    createdAt: deps.now().toISOString(),
  });
  if (!claimed) {
    const existing = await getOnDemandRequest(deps.db, caller, request.clientId);
    if (existing?.requestSha256 !== fingerprint || !existing.communicationId) {
      throw new MissiveError(
        'MSV_API_BAD_REQUEST',
        'id: this form id was used for another action, or that action is still being made; reload the page',
        { field: 'id' },
      );
    }
    const [communication, run] = await Promise.all([
      getCommunication(deps.db, existing.communicationId),
      getRun(deps.db, existing.runId),
    ]);
    return { created: false, communication: communication!, run: run! };
  }
  try {
    const result = await make(deps, agent, request, original, originalRun, channel, runId, caller);
    if (channel === 'email') deps.dispatch?.(result.communication.id);
    else if (deps.logger) await finishRun({ db: deps.db, logger: deps.logger }, runId);
    return result;
  } catch (err) {
    await releaseOnDemandRequest(deps.db, caller, request.clientId);
    throw err;
  }
}

/** What the copy goes on, or why it cannot be made. */
function copyChannel(request: CopyRequest, original: CommunicationRecord): ChannelKind {
  const bad = (message: string, field = 'communicationId') =>
    new MissiveError('MSV_API_BAD_REQUEST', message, { field });
  if (!original.artifactSha256) throw bad(`communication ${original.id} has no archived document`);
  if (request.kind === 'reprint') {
    if (original.channel !== 'print') throw bad('only a printed document (a PDF) can be re-printed');
    if (request.to !== undefined) throw bad('to: a re-print goes to the postal address on file', 'to');
    return 'print';
  }
  if (original.channel === 'sms') throw bad('an SMS cannot be resent by e-mail');
  if (request.to !== undefined && (!EMAIL.test(request.to) || request.to.length > 254))
    throw bad('to: not an e-mail address', 'to');
  return 'email';
}

async function make(
  deps: CopyDeps,
  agent: string,
  request: CopyRequest,
  original: CommunicationRecord,
  originalRun: RunRecord,
  channel: ChannelKind,
  runId: string,
  caller: string,
): Promise<CopyResult> {
  const customer = await getCustomer(deps.db, request.customerId);
  if (!customer) throw new MissiveError('MSV_STORE_NOT_FOUND', `no customer ${request.customerId}`);
  if (channel === 'email' && request.to === undefined && !customer.email) {
    throw new MissiveError('MSV_API_BAD_REQUEST', 'to: the customer has no e-mail address on file', {
      field: 'to',
    });
  }
  const pdfByEmail = channel === 'email' && original.channel === 'print';
  // The bytes the copy is: the original's own, or a cover e-mail that attaches the original PDF.
  const cover = pdfByEmail
    ? coverEmail(customer.locale, originalRun, original, originalRun.communicationType)
    : undefined;
  const artifactSha256 = cover?.sha256 ?? original.artifactSha256!;
  const at = deps.now().toISOString();
  if (cover) {
    const pending = {
      sha256: cover.sha256,
      runId,
      customerId: customer.id,
      channel,
      createdAt: at,
    };
    await recordPendingBlobs(deps.db, [pending]);
    await deps.blobs.put(cover.bytes, cover.sha256);
  } else {
    // The original's bytes, read (and verified) before a copy of them is promised.
    await deps.blobs.get(artifactSha256);
  }
  const { run: created } = await createRunIfAbsent(deps.db, {
    id: runId,
    communicationType: originalRun.communicationType,
    templateVersionId: original.templateVersionId,
    asOf: originalRun.asOf,
    source: ON_DEMAND_SOURCE,
    status: 'running',
    options: { kind: ON_DEMAND_SOURCE, caller, action: request.kind, copyOf: original.id },
  });
  if (created.customersTotal === null) await setRunTotal(deps.db, runId, 1);
  const input = cover ? undefined : await getCommunicationInput(deps.db, original.id);
  const id = await inTransaction(deps.db, async (trx) => {
    const row = await insertCommunicationIfAbsent(trx, {
      runId,
      customerId: customer.id,
      channel,
      templateVersionId: original.templateVersionId,
      // The same bytes as the original: the same inputs, so `missive verify` proves the copy too.
      inputSha256: cover ? '' : original.inputSha256,
      status: 'archived',
      reason: `${request.kind} of ${original.id}`,
      artifactSha256,
      artifactSize: cover?.size ?? original.artifactSize,
      pages: cover ? null : original.pages,
      copyOf: original.id,
      copyKind: request.kind,
    });
    if (cover) await clearPendingBlobs(trx, { runId, customerId: customer.id, channel });
    if (!row.inserted) return row.id;
    await appendLogEntry(trx, {
      kind: 'document',
      ref: row.id,
      data: {
        ...documentLogData(row.id, channel, {
          sha256: artifactSha256,
          size: cover?.size ?? original.artifactSize ?? 0,
          mime: channel === 'print' ? 'application/pdf' : EMAIL_MIME,
        }),
        copyOf: original.id,
      },
    });
    if (input) {
      await saveCommunicationInput(trx, {
        communicationId: row.id,
        inputSha256: input.inputSha256,
        blobSha256: input.blobSha256,
        keyId: input.keyId,
        nodeVersion: input.nodeVersion,
        icuVersion: input.icuVersion,
      });
    }
    if (cover) {
      await recordAttachments(trx, row.id, [
        {
          name: cover.attachmentName,
          mediaType: 'application/pdf',
          sha256: original.artifactSha256!,
          size: original.artifactSize ?? 0,
        },
      ]);
    }
    if (request.to !== undefined)
      await saveRecipient(trx, { communicationId: row.id, customerId: customer.id, address: request.to, at });
    const facts = {
      copy: row.id,
      kind: request.kind,
      channel,
      sha256: original.artifactSha256,
      recipient: request.to === undefined ? 'on-file' : 'other',
    };
    await appendEvent(trx, {
      source: 'call-center',
      sourceId: `${original.id}/${request.kind}/${request.clientId}`,
      type: COPY_EVENTS[request.kind],
      communicationId: original.id,
      customerId: customer.id,
      payload: { ...facts, agent, reason: request.reason },
      occurredAt: at,
    });
    await appendAudit(trx, {
      actor: agent,
      action: `communication.${request.kind}`,
      targetType: 'communication',
      targetId: original.id,
      details: { ...facts, customerId: customer.id, runId, reason: request.reason },
      at,
    });
    await completeOnDemandRequest(trx, caller, request.clientId, row.id, at);
    return row.id;
  });
  const [communication, run] = await Promise.all([getCommunication(deps.db, id), getRun(deps.db, runId)]);
  return { created: true, communication: communication!, run: run! };
}

const COVER: Record<string, { subject: string; body: string }> = {
  'en-GB': {
    subject: 'A copy of your document',
    body: 'As you asked, here is a copy of your document. It is attached to this e-mail as a PDF, exactly as we sent it.',
  },
  'zh-CN': {
    subject: '您的文件副本',
    body: '按照您的要求，随附您的文件副本（PDF），与我们当初发送的完全相同。',
  },
};

/** A short e-mail in the customer's language that carries the archived PDF as its attachment. */
function coverEmail(
  locale: string,
  run: RunRecord,
  original: CommunicationRecord,
  type: string,
): Artifact & { attachmentName: string } {
  const words = COVER[locale] ?? COVER['en-GB']!;
  const attachmentName = `${type}-${run.asOf}.pdf`.replace(/[^A-Za-z0-9._-]/g, '-');
  const html = `<!doctype html><html lang="${locale === 'zh-CN' ? 'zh-CN' : 'en-GB'}"><body><p>${words.body}</p></body></html>`;
  const bytes = encodeEmail({
    subject: words.subject,
    html,
    text: words.body,
    attachments: [
      {
        name: attachmentName,
        mediaType: 'application/pdf',
        sha256: original.artifactSha256!,
        size: original.artifactSize ?? 0,
      },
    ],
  });
  return { ...makeArtifact(bytes, EMAIL_MIME), attachmentName };
}
