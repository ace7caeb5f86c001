import type { Kysely } from 'kysely';
import {
  type BlobStore,
  loadInputSnapshot,
  loadStoredBrand,
  openEnvelope,
  type RenderInput,
  recordDocument,
  sealEnvelope,
  snapshotInput,
  storeDocument,
} from '../archive/index.ts';
import type { TemplateCache } from '../batch/heavy.ts';
import { finishRun } from '../batch/index.ts';
import { MissiveError } from '../core/errors.ts';
import { stableId } from '../core/hash.ts';
import type { Logger } from '../core/logger.ts';
import type { ChannelKind } from '../core/types.ts';
import { type RenderOptions, renderForChannel } from '../render/heavy.ts';
import { attachPlannedDocuments } from '../render/index.ts';
import {
  appendAudit,
  appendEvent,
  type CommunicationRecord,
  type CorrectionRecord,
  type CorrectionSend,
  createRunIfAbsent,
  type Database,
  decideCorrection,
  getCommunication,
  getCorrection,
  getCorrectionByClient,
  getCustomer,
  getDataKey,
  getOrCreateDataKey,
  getRun,
  insertCorrection,
  inTransaction,
  type Role,
  recordAttachments,
  recordPendingBlobs,
  setRunTotal,
} from '../store/index.ts';
import {
  applyCorrections,
  type CorrectableField,
  correctableFields,
  type FieldChange,
  readField,
} from '../templates/index.ts';
import { type CopyDeps, copyCommunication } from './agent-copies.ts';
import { ON_DEMAND_SOURCE, onDemandRunId } from './communicate.ts';

/**
 * A corrected copy (issue 19 item 1): an agent re-renders a communication with corrected data — only
 * the fields its template declares (`manifest.json` → `corrections.fields`), starting from the
 * communication's sealed input snapshot — and the result is archived as a new version that names the
 * one it corrects (a ledger row of its own on-demand run, `copy_of` the original, `copy_kind`
 * correction; its own sealed inputs, so `missive verify` proves it). The original is never touched.
 *
 * Four-eyes for amounts: an agent's change of a field flagged `amount` is held `pending` until a
 * second person — an admin who is not the requester — approves it; an admin may change amounts
 * directly; anyone allowed here may correct the other fields directly. Every step (requested,
 * approved, refused, applied) is an audit row with the user and the reason and an event on the
 * original's timeline; values are never in either (they hold personal data): a pending request keeps
 * them sealed with the customer's data key. Once archived, the new version may go out like an agent's
 * copy: by e-mail (a resend) or on paper (a re-print).
 */
export interface CorrectionRequest {
  customerId: string;
  communicationId: string;
  /** Declared path → new value (see templates/correction-fields.ts). */
  changes: Record<string, unknown>;
  reason: string;
  /** The form's own id: a retried post makes one request. */
  clientId: string;
  send?: CorrectionSend | undefined;
}

/** Who acts: the audit actor (`user:name`) and their role. */
export interface CorrectionActor {
  actor: string;
  role: Role;
}

export interface CorrectionDeps {
  db: Kysely<Database>;
  blobs: BlobStore;
  now: () => Date;
  templates: Pick<TemplateCache, 'get'>;
  /** Sends an e-mail copy in the background (the on-demand service's send loop). */
  dispatch?: ((communicationId: string) => void) | undefined;
  logger?: Logger | undefined;
}

export interface CorrectionResult {
  created: boolean;
  correction: CorrectionRecord;
  /** The new version, once applied. */
  communication?: CommunicationRecord | undefined;
  /** The copy that sends it (a resend or re-print of the new version), when asked for. */
  sent?: CommunicationRecord | undefined;
}

/** The correctable fields of a communication with their values in the archived document (the form). */
export interface CorrectionForm {
  communication: CommunicationRecord;
  fields: (CorrectableField & { value: unknown })[];
}

/** The events on the original's timeline. */
export const CORRECTION_EVENTS = {
  requested: 'agent-correction-requested',
  applied: 'agent-correction',
  refused: 'agent-correction-refused',
} as const;

/**
 * The declared fields of the communication's template with the values it was rendered with.
 * @throws MissiveError MSV_STORE_NOT_FOUND, MSV_API_BAD_REQUEST (nothing to correct), archive errors.
 */
export async function correctionForm(
  deps: CorrectionDeps,
  customerId: string,
  communicationId: string,
): Promise<CorrectionForm> {
  const { original, input, fields } = await correctable(deps, customerId, communicationId);
  return {
    communication: original,
    fields: fields.map((f) => ({ ...f, value: readField(input.data, f.path) })),
  };
}

/**
 * Asks for a corrected copy: applied at once, or held for approval when an agent changes an amount.
 * A retried post (same requester and form id) returns the first answer.
 * @throws MissiveError MSV_STORE_NOT_FOUND, MSV_API_BAD_REQUEST (field named), MSV_RENDER_DATA_INVALID.
 */
export async function requestCorrection(
  deps: CorrectionDeps,
  who: CorrectionActor,
  request: CorrectionRequest,
): Promise<CorrectionResult> {
  const earlier = await getCorrectionByClient(deps.db, who.actor, request.clientId);
  if (earlier) {
    if (earlier.communicationId !== request.communicationId) {
      throw new MissiveError('MSV_API_BAD_REQUEST', 'id: this form id was used for another correction', {
        field: 'id',
      });
    }
    return { created: false, ...(await resultOf(deps, earlier)) };
  }
  const { original, input, fields } = await correctable(deps, request.customerId, request.communicationId);
  const send = request.send ?? 'none';
  await checkSend(deps, original, send);
  const corrected = applyCorrections(fields, input.data, request.changes);
  (await deps.templates.get(input.templateVersionId)).validateData(corrected.data);
  const amount = corrected.changes.some((c) => c.amount);
  const held = amount && who.role !== 'admin';
  const at = deps.now().toISOString();
  const id = stableId('cor', who.actor, request.clientId);
  const values = Object.fromEntries(corrected.changes.map((c) => [c.path, c.to]));
  const key = held
    ? await getOrCreateDataKey(deps.db, original.customerId, input.communicationType)
    : undefined;
  const record = {
    id,
    customerId: original.customerId,
    communicationId: original.id,
    requestedBy: who.actor,
    clientId: request.clientId,
    status: 'pending' as const,
    fields: corrected.changes.map((c) => ({ path: c.path, amount: c.amount })),
    changesAmount: amount,
    send,
    sealedChanges: key
      ? Buffer.from(sealEnvelope(key.key, key.id, Buffer.from(JSON.stringify(values)))).toString('base64')
      : null,
    keyId: key?.id ?? null,
    reason: request.reason,
    requestedAt: at,
  };
  const facts = { correction: id, fields: record.fields.map((f) => f.path), amount, send };
  const inserted = await inTransaction(deps.db, async (trx) => {
    if (!(await insertCorrection(trx, record))) return false;
    await appendAudit(trx, {
      actor: who.actor,
      action: 'communication.correction.request',
      targetType: 'communication',
      targetId: original.id,
      details: { ...facts, customerId: original.customerId, held, reason: request.reason },
      at,
    });
    if (held) {
      await appendEvent(trx, {
        source: 'call-center',
        sourceId: `${id}/requested`,
        type: CORRECTION_EVENTS.requested,
        communicationId: original.id,
        customerId: original.customerId,
        payload: { ...facts, agent: who.actor, reason: request.reason },
        occurredAt: at,
      });
    }
    return true;
  });
  const stored = (await getCorrection(deps.db, id))!;
  if (!inserted || held) return { created: inserted, ...(await resultOf(deps, stored)) };
  const why = amount ? 'an admin may change amounts without approval' : 'no amount changed';
  try {
    return { created: true, ...(await apply(deps, stored, who, corrected.changes, input, why)) };
  } catch (err) {
    // Not made (a render failure, a lost race): closed with the reason, never left pending without
    // sealed values for a supervisor who could not apply it.
    const code = err instanceof MissiveError ? err.code : 'MSV_RENDER_FAILED';
    await decideCorrection(deps.db, stored.id, {
      status: 'refused',
      decidedBy: 'missive',
      decidedAt: deps.now().toISOString(),
      reason: `not made: ${code}`,
      correctionId: null,
    });
    throw err;
  }
}

/**
 * Approves (applies) or refuses a pending correction: a second person, an admin who is not the
 * requester. Approving re-renders from the original's sealed inputs with the sealed values.
 * @throws MissiveError MSV_STORE_NOT_FOUND, MSV_AUTH_FORBIDDEN (four eyes, role), MSV_API_BAD_REQUEST (decided).
 */
export async function decidePendingCorrection(
  deps: CorrectionDeps,
  who: CorrectionActor,
  id: string,
  decision: { approve: boolean; reason: string },
): Promise<CorrectionResult> {
  const record = await getCorrection(deps.db, id);
  if (!record) throw new MissiveError('MSV_STORE_NOT_FOUND', `no correction ${id}`, { field: 'id' });
  const action = decision.approve ? 'approve' : 'refuse';
  const refuse = async (message: string, code: 'MSV_AUTH_FORBIDDEN' | 'MSV_API_BAD_REQUEST') => {
    await appendAudit(deps.db, {
      actor: who.actor,
      action: `communication.correction.${action}`,
      targetType: 'communication',
      targetId: record.communicationId,
      details: { correction: id, outcome: 'denied', why: message, customerId: record.customerId },
      at: deps.now().toISOString(),
    });
    return new MissiveError(code, message, { field: 'id' });
  };
  if (record.status !== 'pending')
    throw await refuse(`correction ${id} is already ${record.status}`, 'MSV_API_BAD_REQUEST');
  if (record.requestedBy === who.actor)
    throw await refuse('four eyes: a second person must decide; the requester cannot', 'MSV_AUTH_FORBIDDEN');
  if (who.role !== 'admin')
    throw await refuse(
      'only an admin (supervisor) approves or refuses a change of an amount',
      'MSV_AUTH_FORBIDDEN',
    );
  if (!decision.approve) return refuseCorrection(deps, who, record, decision.reason);
  const { input, fields } = await correctable(deps, record.customerId, record.communicationId);
  const values = await openValues(deps, record);
  const corrected = applyCorrections(fields, input.data, values);
  (await deps.templates.get(input.templateVersionId)).validateData(corrected.data);
  return { created: false, ...(await apply(deps, record, who, corrected.changes, input, decision.reason)) };
}

async function refuseCorrection(
  deps: CorrectionDeps,
  who: CorrectionActor,
  record: CorrectionRecord,
  reason: string,
): Promise<CorrectionResult> {
  const at = deps.now().toISOString();
  await inTransaction(deps.db, async (trx) => {
    const decided = await decideCorrection(trx, record.id, {
      status: 'refused',
      decidedBy: who.actor,
      decidedAt: at,
      reason,
      correctionId: null,
    });
    if (!decided)
      throw new MissiveError('MSV_API_BAD_REQUEST', `correction ${record.id} was decided meanwhile`);
    await appendAudit(trx, {
      actor: who.actor,
      action: 'communication.correction.refuse',
      targetType: 'communication',
      targetId: record.communicationId,
      details: {
        correction: record.id,
        requestedBy: record.requestedBy,
        customerId: record.customerId,
        reason,
      },
      at,
    });
    await appendEvent(trx, {
      source: 'call-center',
      sourceId: `${record.id}/refused`,
      type: CORRECTION_EVENTS.refused,
      communicationId: record.communicationId,
      customerId: record.customerId,
      payload: { correction: record.id, agent: who.actor, reason },
      occurredAt: at,
    });
  });
  return { created: false, correction: (await getCorrection(deps.db, record.id))! };
}

/** The original, its sealed inputs and the template's declared fields, or why it cannot be corrected. */
async function correctable(
  deps: CorrectionDeps,
  customerId: string,
  communicationId: string,
): Promise<{ original: CommunicationRecord; input: RenderInput; fields: CorrectableField[] }> {
  const original = await getCommunication(deps.db, communicationId);
  if (!original || original.customerId !== customerId) {
    throw new MissiveError(
      'MSV_STORE_NOT_FOUND',
      `customer ${customerId} has no communication ${communicationId}`,
      {
        field: 'communicationId',
      },
    );
  }
  const bad = (message: string) =>
    new MissiveError('MSV_API_BAD_REQUEST', message, { field: 'communicationId' });
  if (!original.artifactSha256) throw bad(`communication ${original.id} has no archived document`);
  if (original.copyKind === 'resend' || original.copyKind === 'reprint')
    throw bad(
      `communication ${original.id} is a ${original.copyKind}: correct the document it copies (${original.copyOf})`,
    );
  const { input } = await loadInputSnapshot(deps.db, deps.blobs, original.id);
  if (input.tracking) throw bad('a marketing message with tracked links cannot be corrected');
  const template = await deps.templates.get(input.templateVersionId);
  const fields = correctableFields(template.manifest);
  if (fields.length === 0) throw bad(`template ${template.name} declares no fields an agent may correct`);
  return { original, input, fields };
}

/** A copy that sends the corrected version must be possible before anything is made. */
async function checkSend(
  deps: CorrectionDeps,
  original: CommunicationRecord,
  send: CorrectionSend,
): Promise<void> {
  const bad = (message: string) =>
    new MissiveError('MSV_API_BAD_REQUEST', `send: ${message}`, { field: 'send' });
  if (send === 'print' && original.channel !== 'print')
    throw bad('only a printed document can be re-printed');
  if (send === 'email') {
    if (original.channel === 'sms') throw bad('an SMS cannot be sent by e-mail');
    if (!(await getCustomer(deps.db, original.customerId))?.email)
      throw bad('the customer has no e-mail address on file');
  }
}

/** The sealed values of a pending correction. */
async function openValues(deps: CorrectionDeps, record: CorrectionRecord): Promise<Record<string, unknown>> {
  const key = record.keyId ? await getDataKey(deps.db, record.keyId) : undefined;
  if (!record.sealedChanges || !key) {
    throw new MissiveError(
      'MSV_ARCHIVE_SHREDDED',
      `the values of correction ${record.id} are no longer readable`,
      {
        field: 'id',
      },
    );
  }
  const plain = openEnvelope(key.key, key.id, Buffer.from(record.sealedChanges, 'base64'));
  return JSON.parse(Buffer.from(plain).toString('utf8')) as Record<string, unknown>;
}

/**
 * Renders the corrected data as the original was rendered (template version, channel, as-of, locale,
 * brand, attachment plan), archives it as the new version and marks the request applied, in one
 * transaction (a second approver racing loses: nothing is recorded for it); then sends it if asked.
 */
async function apply(
  deps: CorrectionDeps,
  record: CorrectionRecord,
  who: CorrectionActor,
  changes: FieldChange[],
  input: RenderInput,
  why: string,
): Promise<Omit<CorrectionResult, 'created'>> {
  const original = (await getCommunication(deps.db, record.communicationId))!;
  const originalRun = (await getRun(deps.db, original.runId))!;
  const data = applyData(input, changes);
  const template = await deps.templates.get(input.templateVersionId);
  const brand = input.brand ? await loadStoredBrand(deps.blobs, input.brand) : undefined;
  const options: RenderOptions = { asOf: input.asOf, locale: input.locale, brand, purpose: input.purpose };
  const render = (channel: ChannelKind, d: RenderInput['data'], o: RenderOptions) =>
    renderForChannel(template, channel, d, o);
  const rendered = await render(input.channel, data, options);
  const { artifact, attached } = await attachPlannedDocuments(
    rendered.artifact,
    input.attachments ?? [],
    data,
    options,
    render,
  );
  const caller = `agent:${record.requestedBy}`;
  const runId = onDemandRunId(caller, `correction:${record.id}`);
  const { run } = await createRunIfAbsent(deps.db, {
    id: runId,
    communicationType: originalRun.communicationType,
    templateVersionId: input.templateVersionId,
    asOf: input.asOf,
    source: ON_DEMAND_SOURCE,
    status: 'running',
    options: { kind: ON_DEMAND_SOURCE, caller, action: 'correction', correctionOf: original.id },
  });
  if (run.customersTotal === null) await setRunTotal(deps.db, runId, 1);
  const at = deps.now().toISOString();
  for (const a of attached) {
    const pending = { sha256: a.pdf.sha256, runId, customerId: original.customerId, channel: input.channel };
    await recordPendingBlobs(deps.db, [{ ...pending, createdAt: at }]);
    await deps.blobs.put(a.pdf.bytes, a.pdf.sha256);
  }
  const snapshot = snapshotInput({ ...input, data });
  const stored = await storeDocument(deps.db, deps.blobs, {
    runId,
    customerId: original.customerId,
    channel: input.channel,
    templateVersionId: input.templateVersionId,
    inputSha256: snapshot.sha256,
    artifact,
    input: snapshot,
    correctionOf: original.id,
  });
  const facts = {
    correction: record.id,
    version: '',
    fields: changes.map((c) => c.path),
    amount: changes.some((c) => c.amount),
    requestedBy: record.requestedBy,
  };
  const newId = await inTransaction(deps.db, async (trx) => {
    const { communicationId } = await recordDocument(trx, stored);
    await recordAttachments(
      trx,
      communicationId,
      attached.map((a) => a.ref),
    );
    const decided = await decideCorrection(trx, record.id, {
      status: 'applied',
      decidedBy: who.actor,
      decidedAt: at,
      reason: why,
      correctionId: communicationId,
    });
    if (!decided)
      throw new MissiveError('MSV_API_BAD_REQUEST', `correction ${record.id} was decided meanwhile`);
    facts.version = communicationId;
    await appendAudit(trx, {
      actor: who.actor,
      action:
        record.requestedBy === who.actor
          ? 'communication.correction.apply'
          : 'communication.correction.approve',
      targetType: 'communication',
      targetId: original.id,
      details: { ...facts, customerId: original.customerId, runId, reason: record.reason, decision: why },
      at,
    });
    await appendEvent(trx, {
      source: 'call-center',
      sourceId: `${record.id}/applied`,
      type: CORRECTION_EVENTS.applied,
      communicationId: original.id,
      customerId: original.customerId,
      payload: { ...facts, agent: who.actor, reason: record.reason },
      occurredAt: at,
    });
    return communicationId;
  });
  if (deps.logger) await finishRun({ db: deps.db, logger: deps.logger }, runId);
  const correction = (await getCorrection(deps.db, record.id))!;
  const communication = (await getCommunication(deps.db, newId))!;
  const sent = await sendCorrected(deps, correction, communication);
  return { correction, communication, sent };
}

function applyData(input: RenderInput, changes: FieldChange[]): RenderInput['data'] {
  const data = structuredClone(input.data);
  for (const c of changes) {
    const keys = c.path.split('.');
    let at = data as Record<string, unknown>;
    for (const k of keys.slice(0, -1)) at = at[k] as Record<string, unknown>;
    at[keys[keys.length - 1]!] = c.to;
  }
  return data;
}

/** The corrected version sent as an agent's copy (resend by e-mail, or re-print), when asked for. */
async function sendCorrected(
  deps: CorrectionDeps,
  correction: CorrectionRecord,
  communication: CommunicationRecord,
): Promise<CommunicationRecord | undefined> {
  if (correction.send === 'none') return undefined;
  const copyDeps: CopyDeps = {
    db: deps.db,
    blobs: deps.blobs,
    now: deps.now,
    dispatch: deps.dispatch,
    logger: deps.logger,
  };
  const copy = await copyCommunication(copyDeps, correction.requestedBy, {
    kind: correction.send === 'email' ? 'resend' : 'reprint',
    customerId: correction.customerId,
    communicationId: communication.id,
    reason: `corrected copy: ${correction.reason}`,
    clientId: `correction-${correction.id}`,
  });
  return copy.communication;
}

/** What a stored correction made so far (a retried post, a pending request). */
async function resultOf(
  deps: CorrectionDeps,
  correction: CorrectionRecord,
): Promise<Omit<CorrectionResult, 'created'>> {
  const communication = correction.correctionId
    ? await getCommunication(deps.db, correction.correctionId)
    : undefined;
  return { correction, communication };
}
