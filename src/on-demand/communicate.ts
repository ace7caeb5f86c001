import type { Kysely } from 'kysely';
import {
  type BlobStore,
  type RunBrands,
  recordDocument,
  snapshotInput,
  storeDocument,
} from '../archive/index.ts';
import type { TemplateCache } from '../batch/heavy.ts';
import { recordCustomerFailure } from '../batch/heavy.ts';
import { type ResolvedRun, type RunDecisions, resolveRun } from '../batch/index.ts';
import { MissiveError } from '../core/errors.ts';
import { sha256Hex, stableId } from '../core/hash.ts';
import type { Logger } from '../core/logger.ts';
import type { ChannelKind, Customer } from '../core/types.ts';
import { customerDocumentData } from '../customers/index.ts';
import { type LinkTracking, withPortalLink } from '../feedback/index.ts';
import { type ChannelRender, type RenderOptions, renderForChannel } from '../render/heavy.ts';
import { attachPlannedDocuments, emailAttachmentPlan } from '../render/index.ts';
import { type Decision, hasConsent, isReachable, offerContentFor, withOffers } from '../rules/index.ts';
import {
  type CommunicationRecord,
  canonicalJson,
  claimOnDemandRequest,
  completeOnDemandRequest,
  createRunIfAbsent,
  type Database,
  getCommunication,
  getCustomer,
  getOnDemandRequest,
  getRun,
  insertCommunicationIfAbsent,
  inTransaction,
  communicationId as ledgerId,
  ON_DEMAND_RUN_SOURCE,
  type OnDemandRequestRecord,
  type RunRecord,
  recordAttachments,
  recordCustomerAccount,
  recordPendingBlobs,
  releaseOnDemandRequest,
  setRunTotal,
  touchOnDemandRequest,
} from '../store/index.ts';
import type { CompiledTemplate } from '../templates/heavy.ts';
import { type DocumentData, resolveSections } from '../templates/index.ts';

/**
 * One communication now, for the organisation's systems (a payment failed, a card was blocked):
 * `POST /api/communications`. The same stages as a run, for one customer: the type resolves as a run's
 * does (a communication type of the published catalog, or a service document), the rules decide
 * (catalog types), the document data comes from the request or the type's data source feeds, the
 * template renders it, the archive keeps the bytes and the sealed inputs (so `missive verify` proves
 * it), and the ledger row is dispatched at once.
 *
 * Each request is its own run of kind on-demand (source `on-demand`, one customer): the ledger is
 * unique on run × customer × channel, so two letters to one customer on one day are two runs, and a
 * retried request is the same run. The request is claimed under (caller, idempotency key) before any
 * work, so the same key returns the same communication and two identical requests racing make one.
 */
export interface OnDemandRequest {
  type: string;
  customerId: string;
  /** The document data; without it, the type's data source feeds (or the customer record). */
  data?: Record<string, unknown> | undefined;
  /** The channel to use instead of the decision's (checked: the template has it, reachable, consented). */
  channel?: ChannelKind | undefined;
  idempotencyKey: string;
  /**
   * What a letter template's editable sections say (issue 19 item 3: `sections.<id>`, checked against
   * the template's declaration, src/templates/editable-sections.ts); only for such a template.
   */
  sections?: Record<string, unknown> | undefined;
}

/**
 * What the caller writes with the ledger row, in the same transaction (an agent's letter: its event,
 * audit row and print-queue mark), whatever the outcome (archived, suppressed or failed).
 */
export type OnDemandRecorder = (
  trx: Kysely<Database>,
  communicationId: string,
  outcome: 'archived' | 'suppressed' | 'failed',
) => Promise<void>;

export interface OnDemandDeps {
  db: Kysely<Database>;
  blobs: BlobStore;
  logger: Logger;
  now: () => Date;
  templates: TemplateCache;
  /** The rules stage (a catalog type gets a Decision, stored with the run). */
  decisions: () => RunDecisions;
  brands: RunBrands;
  /** Where the data source definitions are (datasources/<template>/datasource.yaml). */
  datasourcesDir: string;
  /**
   * Renders one document under per-document caps (a render thread with a time and heap limit, as a
   * run's chunks do: RELIABILITY B1), so a poison document fails alone and never stalls the server;
   * unset: in this thread.
   */
  renderDocument?:
    | ((
        templateVersionId: string,
        channel: ChannelKind,
        data: DocumentData,
        options: RenderOptions,
      ) => Promise<ChannelRender>)
    | undefined;
  /** Sends the archived email/SMS communication in the background (the API answers once archived). */
  dispatch?: ((communicationId: string) => void) | undefined;
  /**
   * The public URL and key a statement or bill e-mail's signed portal link needs (as a run's
   * e-mails carry one); unset: no link.
   */
  tracking?: LinkTracking | undefined;
  /** Called once a communication exists (the status webhooks look at once). */
  onCommunication?: (() => void) | undefined;
  /** How long a duplicate waits for the first request with its key, and when a claim counts as abandoned. */
  waitMs?: number;
  staleMs?: number;
}

export interface OnDemandResult {
  /** False when an earlier request with the key made the communication (an idempotent replay). */
  created: boolean;
  request: OnDemandRequestRecord;
  communication: CommunicationRecord;
  run: RunRecord;
}

/** The run source of every on-demand request (the store's name for it). */
export const ON_DEMAND_SOURCE = ON_DEMAND_RUN_SOURCE;

/** The run of one on-demand request: named by who asked and their key, so a retry is the same run. */
export function onDemandRunId(caller: string, idempotencyKey: string): string {
  return stableId('run', ON_DEMAND_SOURCE, caller, idempotencyKey);
}

/** sha256 of the request's canonical JSON: a key may only be used again with the same request. */
export function requestFingerprint(request: OnDemandRequest): string {
  return sha256Hex(
    canonicalJson({
      type: request.type,
      customerId: request.customerId,
      data: request.data ?? null,
      channel: request.channel ?? null,
      // Only when given, so the fingerprints of requests made before sections existed stay the same.
      ...(request.sections ? { sections: request.sections } : {}),
    }),
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Makes (or finds again) the communication for the request. Throws for a request that cannot be made
 * (unknown type or customer, a channel the customer cannot get, data against the template's contract,
 * a key used before with another request) — nothing is kept then and the key is free again. A
 * document that fails to render once the request was accepted ends as a `failed` ledger row, as in a
 * run, and is returned.
 */
export async function communicateOnDemand(
  deps: OnDemandDeps,
  caller: string,
  request: OnDemandRequest,
  record?: OnDemandRecorder,
): Promise<OnDemandResult> {
  const fingerprint = requestFingerprint(request);
  const runId = onDemandRunId(caller, request.idempotencyKey);
  const waitUntil = Date.now() + (deps.waitMs ?? 10_000);
  for (;;) {
    const createdAt = deps.now().toISOString();
    const claimed = await claimOnDemandRequest(deps.db, {
      caller,
      idempotencyKey: request.idempotencyKey,
      requestSha256: fingerprint,
      runId,
      customerId: request.customerId,
      communicationType: request.type,
      createdAt,
    });
    if (claimed) return make(deps, caller, request, runId, record);
    const existing = await getOnDemandRequest(deps.db, caller, request.idempotencyKey);
    if (!existing) continue; // the first request was refused and let the key go: try again
    if (existing.requestSha256 !== fingerprint) {
      throw new MissiveError(
        'MSV_API_BAD_REQUEST',
        'idempotencyKey: this key was used before with another request (type, customer, data or channel); use a new key',
        { field: 'idempotencyKey' },
      );
    }
    if (existing.status === 'done' && existing.communicationId)
      return findOnDemandResult(deps, existing, false);
    // Another request with this key is at work: wait for it; take over a claim abandoned by a crash.
    const stale = Date.parse(existing.updatedAt) < deps.now().getTime() - (deps.staleMs ?? 60_000);
    if (stale) {
      const now = deps.now().toISOString();
      if (await touchOnDemandRequest(deps.db, caller, request.idempotencyKey, existing.updatedAt, now)) {
        deps.logger.warn({ runId }, 'on-demand request: taking over a claim left unfinished');
        return make(deps, caller, request, runId, record);
      }
    }
    if (Date.now() > waitUntil) {
      throw new MissiveError(
        'MSV_RUN_STATE',
        'idempotencyKey: a request with this key is still being made; ask again shortly',
        { field: 'idempotencyKey', runId },
      );
    }
    await sleep(20);
  }
}

/** The result for a request that has its communication. */
export async function findOnDemandResult(
  deps: Pick<OnDemandDeps, 'db'>,
  request: OnDemandRequestRecord,
  created: boolean,
): Promise<OnDemandResult> {
  const [communication, run] = await Promise.all([
    getCommunication(deps.db, request.communicationId!),
    getRun(deps.db, request.runId),
  ]);
  if (!communication || !run) {
    throw new MissiveError('MSV_STORE_NOT_FOUND', `the communication of run ${request.runId} is gone`, {
      runId: request.runId,
    });
  }
  return { created, request, communication, run };
}

/** What was checked before anything is kept: the request is sound, the run can be made. */
interface Accepted {
  resolved: ResolvedRun;
  template: CompiledTemplate;
  customer: Customer;
  purpose: 'service' | 'marketing';
  asOf: string;
  data: DocumentData;
}

async function make(
  deps: OnDemandDeps,
  caller: string,
  request: OnDemandRequest,
  runId: string,
  record: OnDemandRecorder | undefined,
): Promise<OnDemandResult> {
  let accepted: Accepted;
  try {
    accepted = await accept(deps, request);
  } catch (err) {
    await releaseOnDemandRequest(deps.db, caller, request.idempotencyKey);
    throw err;
  }
  const { resolved, customer, template, asOf } = accepted;
  const { run: created } = await createRunIfAbsent(deps.db, {
    id: runId,
    communicationType: request.type,
    templateVersionId: resolved.templateVersion.id,
    asOf,
    source: ON_DEMAND_SOURCE,
    status: 'running',
    options: { kind: ON_DEMAND_SOURCE, caller, idempotencyKey: request.idempotencyKey },
  });
  if (created.customersTotal === null) await setRunTotal(deps.db, runId, 1);
  const run = (await getRun(deps.db, runId))!;
  const complete = async (trx: Kysely<Database>, communicationId: string) =>
    completeOnDemandRequest(trx, caller, request.idempotencyKey, communicationId, deps.now().toISOString());
  let communicationId: string;
  let channel: ChannelKind | undefined;
  try {
    const decisions = resolved.runType.kind === 'catalog' ? deps.decisions() : undefined;
    const unsaved = decisions ? await decisions.decideUnsaved(customer, run) : undefined;
    const decision = unsaved?.decision;
    if (decision?.suppressed) {
      // The rules say stay silent (do-not-contact, consent…): recorded, with the reason, like a run.
      const { rule, reason } = decision.suppressed;
      communicationId = await inTransaction(deps.db, async (trx) => {
        await unsaved?.save(trx);
        const row = await insertCommunicationIfAbsent(trx, {
          runId,
          customerId: customer.id,
          channel: request.channel ?? 'print',
          templateVersionId: run.templateVersionId,
          status: 'suppressed',
          reason: `${rule}: ${reason}`,
          inputSha256: '',
        });
        await complete(trx, row.id);
        await record?.(trx, row.id, 'suppressed');
        return row.id;
      });
    } else {
      channel = chooseChannel(request, decision, template, customer, accepted.purpose);
      const catalog = decision ? await decisions?.catalog() : undefined;
      const offers = decision && catalog ? offerContentFor(decision, catalog, customer.locale, channel) : [];
      const data = withPortalLink(
        deps.tracking,
        {
          channel,
          purpose: accepted.purpose,
          attachesDocument: template.manifest.email?.document === 'attach',
          communicationId: ledgerId(runId, customer.id, channel),
          customerId: customer.id,
        },
        withOffers(accepted.data, offers),
        deps.now().getTime(),
      );
      const brand = await deps.brands.forRun(run, catalog);
      const purpose = channel === 'email' ? accepted.purpose : undefined;
      const renderOptions = { asOf, locale: customer.locale, brand: brand.source, purpose };
      const render = (ch: ChannelKind, d: DocumentData, o: RenderOptions) =>
        deps.renderDocument
          ? deps.renderDocument(run.templateVersionId, ch, d, o)
          : renderForChannel(template, ch, d, o);
      const rendered = await render(channel, data, renderOptions);
      // A statement or bill e-mail carries its PDF (the template's `email.document: attach`), as in a run.
      const attachPlan =
        channel === 'email' ? emailAttachmentPlan(template, run.communicationType, asOf) : [];
      const { artifact, attached } = await attachPlannedDocuments(
        rendered.artifact,
        attachPlan,
        data,
        renderOptions,
        render,
      );
      for (const a of attached) {
        await recordPendingBlobs(deps.db, [
          {
            sha256: a.pdf.sha256,
            runId,
            customerId: customer.id,
            channel,
            createdAt: deps.now().toISOString(),
          },
        ]);
        await deps.blobs.put(a.pdf.bytes, a.pdf.sha256);
      }
      const input = snapshotInput({
        templateVersionId: run.templateVersionId,
        communicationType: run.communicationType,
        channel,
        asOf,
        locale: customer.locale,
        data,
        ...(attachPlan.length > 0 ? { attachments: attachPlan } : {}),
        brand: brand.ref,
        purpose,
      });
      const stored = await storeDocument(deps.db, deps.blobs, {
        runId,
        customerId: customer.id,
        channel,
        templateVersionId: run.templateVersionId,
        inputSha256: input.sha256,
        artifact,
        input,
      });
      // Decision, ledger row, log entry, sealed inputs and the request's link in one transaction:
      // the status webhooks see the `archived` only together with the request it answers.
      communicationId = await inTransaction(deps.db, async (trx) => {
        await unsaved?.save(trx);
        const { communicationId: id } = await recordDocument(trx, stored);
        await recordAttachments(
          trx,
          id,
          attached.map((a) => a.ref),
        );
        await complete(trx, id);
        await record?.(trx, id, 'archived');
        const account = (data as { account?: { number?: unknown } }).account?.number;
        if (typeof account === 'string') await recordCustomerAccount(trx, customer.id, account);
        return id;
      });
    }
  } catch (err) {
    // Accepted, then it could not be made: a failed ledger row with the reason, as a run records it.
    await recordCustomerFailure(deps, runId, customer.id, run.templateVersionId, 'render', err);
    const failed = await insertCommunicationIfAbsent(deps.db, {
      runId,
      customerId: customer.id,
      channel: 'print',
      templateVersionId: run.templateVersionId,
      status: 'failed',
      inputSha256: '',
    });
    communicationId = failed.id;
    await inTransaction(deps.db, async (trx) => {
      await complete(trx, failed.id);
      await record?.(trx, failed.id, 'failed');
    });
  }
  deps.onCommunication?.();
  const result = await findOnDemandResult(
    deps,
    (await getOnDemandRequest(deps.db, caller, request.idempotencyKey))!,
    true,
  );
  if (result.communication.status === 'archived' && channel !== 'print') deps.dispatch?.(communicationId);
  return result;
}

/** Everything that can refuse the request before anything is kept. */
async function accept(deps: OnDemandDeps, request: OnDemandRequest): Promise<Accepted> {
  const resolved = await resolveRun(deps.db, request.type);
  const purpose = resolved.runType.purpose;
  if (purpose === 'marketing') {
    throw new MissiveError(
      'MSV_API_BAD_REQUEST',
      `type: ${request.type} is a marketing communication; on demand are service communications (marketing goes out in runs, with tracked links and the holdout)`,
      { field: 'type' },
    );
  }
  const customer = await getCustomer(deps.db, request.customerId);
  if (!customer) {
    throw new MissiveError('MSV_STORE_NOT_FOUND', `no customer ${request.customerId}`, {
      field: 'customerId',
    });
  }
  const template = await deps.templates.get(resolved.templateVersion.id);
  if (request.channel) channelProblem(request.channel, template, customer, purpose);
  const today = deps.now().toISOString().slice(0, 10);
  if (request.data) {
    if ('customer' in request.data) {
      throw new MissiveError(
        'MSV_API_BAD_REQUEST',
        'data.customer: the customer block comes from the customer record; send only the document fields',
        { field: 'data.customer' },
      );
    }
    const asOf = typeof request.data.asOf === 'string' ? request.data.asOf : today;
    const data = withSections(template, request, customer, {
      ...request.data,
      customer: customerBlock(customer),
      asOf,
    });
    template.validateData(data); // the template's data contract (its JSON Schema), before anything is kept
    return { resolved, template, customer, purpose, asOf, data };
  }
  // No data in the request: the type's data source feeds for the latest period they are loaded for
  // (or the customer record, for a template that needs nothing more).
  const found = await customerDocumentData(
    deps.db,
    deps.datasourcesDir,
    template.manifest.dataSource ?? template.name,
    customer,
    {
      fallback: today,
    },
  );
  const data = withSections(template, request, customer, found.data);
  template.validateData(data);
  return { resolved, template, customer, purpose, asOf: found.asOf, data };
}

/**
 * The document data with a letter's editable sections (`sections`), checked against the template's
 * declaration and resolved in the customer's language; a template without them refuses `sections`.
 */
function withSections(
  template: CompiledTemplate,
  request: OnDemandRequest,
  customer: Customer,
  data: Record<string, unknown>,
): DocumentData {
  const declared = template.manifest.editableSections;
  if (!declared) {
    if (request.sections === undefined) return data as DocumentData;
    throw new MissiveError(
      'MSV_API_BAD_REQUEST',
      `sections: template ${template.name} has no editable sections (only a letter template has)`,
      { field: 'sections' },
    );
  }
  if (request.data && 'sections' in request.data) {
    throw new MissiveError('MSV_API_BAD_REQUEST', 'data.sections: send what the agent wrote in `sections`', {
      field: 'data.sections',
    });
  }
  const locale = template.manifest.locales.includes(customer.locale)
    ? customer.locale
    : template.manifest.locales[0]!;
  const { data: sections } = resolveSections(declared, request.sections ?? {}, locale);
  return { ...data, sections } as DocumentData;
}

/**
 * A letter's PDF as it would be made now, kept nowhere (an agent's preview): the same checks and
 * document data as `communicateOnDemand`, rendered for print in the customer's language and brand.
 * @throws MissiveError as communicateOnDemand refuses a request (MSV_API_BAD_REQUEST, MSV_STORE_NOT_FOUND…).
 */
export async function previewOnDemand(
  deps: OnDemandDeps,
  request: Omit<OnDemandRequest, 'idempotencyKey'>,
): Promise<{ pdf: Uint8Array; sha256: string; pages: number }> {
  const accepted = await accept(deps, { ...request, idempotencyKey: 'preview' });
  if (!accepted.template.manifest.channels.includes('print')) {
    throw new MissiveError('MSV_API_BAD_REQUEST', `type: template ${accepted.template.name} makes no PDF`, {
      field: 'type',
    });
  }
  const brand = await deps.brands.forRun({ communicationType: request.type }, undefined);
  const options = { asOf: accepted.asOf, locale: accepted.customer.locale, brand: brand.source };
  const rendered = deps.renderDocument
    ? await deps.renderDocument(accepted.resolved.templateVersion.id, 'print', accepted.data, options)
    : await renderForChannel(accepted.template, 'print', accepted.data, options);
  const { artifact } = rendered;
  return { pdf: artifact.bytes, sha256: artifact.sha256, pages: artifact.pages ?? 1 };
}

function customerBlock(customer: Customer): Record<string, unknown> {
  const a = customer.address;
  return {
    id: customer.id,
    name: customer.name,
    locale: customer.locale,
    address: a ? { lines: [...a.lines], postalCode: a.postalCode, city: a.city, country: a.country } : null,
  };
}

/**
 * The channel: the caller's, else the decision's, else — without a decision (a service document) —
 * e-mail for a customer who consented to electronic delivery and has an address, else paper.
 * A channel the template lacks falls back to paper, as in a run.
 */
function chooseChannel(
  request: OnDemandRequest,
  decision: Decision | undefined,
  template: CompiledTemplate,
  customer: Customer,
  purpose: 'service' | 'marketing',
): ChannelKind {
  const channels = template.manifest.channels as readonly ChannelKind[];
  if (request.channel) return request.channel;
  if (decision?.channel && channels.includes(decision.channel)) return decision.channel;
  if (decision) return 'print';
  const electronic = (['email', 'sms'] as const).find(
    (c) =>
      channels.includes(c) &&
      isReachable(customer, c) &&
      hasConsent(customer, c, purpose) &&
      (customer.eDelivery || !channels.includes('print')),
  );
  return electronic ?? 'print';
}

function channelProblem(
  channel: ChannelKind,
  template: CompiledTemplate,
  customer: Customer,
  purpose: 'service' | 'marketing',
): void {
  const problem = !template.manifest.channels.includes(channel)
    ? `template ${template.name} has no ${channel} channel (it has: ${template.manifest.channels.join(', ')})`
    : !isReachable(customer, channel)
      ? `customer ${customer.id} cannot be reached by ${channel}`
      : !hasConsent(customer, channel, purpose)
        ? `customer ${customer.id} has not consented to ${purpose} ${channel}`
        : undefined;
  if (problem) throw new MissiveError('MSV_API_BAD_REQUEST', `channel: ${problem}`, { field: 'channel' });
}
