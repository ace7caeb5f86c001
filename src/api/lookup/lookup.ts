import type { Kysely } from 'kysely';
import type { BlobStore } from '../../archive/index.ts';
import type { Logger } from '../../core/logger.ts';
import type { CopyRequest, CopyResult } from '../../on-demand/heavy.ts';
import type { Decision } from '../../rules/index.ts';
import {
  type AttachmentRecord,
  type CommunicationRecord,
  type Database,
  listAttachments,
  listCustomerAccounts,
  type SearchKind,
  searchCustomers,
} from '../../store/index.ts';
import { actorOf, type Principal } from '../auth/principal.ts';
import { requireBlobs } from '../require-blobs.ts';
import { agentCopy } from './agent-copy.ts';
import { type CommunicationDetail, communicationDetail } from './communication-detail.ts';
import { type CustomerViewer, requireCustomer, viewCustomer } from './customer-access.ts';
import { changePreferences, type NoteBody, type PreferencesBody, writeNote } from './customer-actions.ts';
import { type CustomerSummary, type CustomerView, customerSummary, customerView } from './customer-view.ts';
import { agentReasons } from './decision-reasons.ts';
import { type DispositionInput, recordAgentDisposition } from './dispositions.ts';
import { authorizeCommunication, readCommunicationDocument, type ViewContext } from './document-access.ts';
import { type DocumentState, documentWithState } from './document-state.ts';
import { type EmailEnvelope, emailEnvelope } from './email-envelope.ts';
import { customerHoldings, type Holding } from './holdings.ts';
import { latestPageLabels, type PageLabels } from './page-labels.ts';
import { customerTimeline } from './timeline.ts';

/** What the call center's lookup works with. */
export interface LookupDeps {
  db: Kysely<Database>;
  /** The archive; without it the document routes answer MSV_ARCHIVE_NOT_FOUND. */
  blobs: BlobStore | undefined;
  now: () => Date;
  /** Where the data source definitions are (holdings from the feeds); none: no holdings shown. */
  datasourcesDir?: string | undefined;
  logger?: Logger | undefined;
  /** Sends an agent's e-mail copy (the on-demand service's send loop); none: it stays `archived`. */
  sendCopy?: ((communicationId: string) => void) | undefined;
}

type Target = { customerId: string; communicationId: string };
type Timeline = Awaited<ReturnType<typeof customerTimeline>>;

/**
 * The call center's lookup, once for the JSON API and the agent's pages: search, one customer
 * (masked, every view audited), holdings, the timeline, one communication with its document
 * (reached through its customer, verified, audited), and what the agent does on the phone
 * (dispositions, copies, preferences, notes). The routes only translate HTTP to these calls.
 */
export interface Lookup {
  search(query: {
    q: string;
    kind?: SearchKind | undefined;
    limit?: number | undefined;
  }): Promise<CustomerSummary[]>;
  /** One customer (audited `customer.view`); MSV_STORE_NOT_FOUND if unknown. */
  customer(viewer: CustomerViewer, customerId: string): Promise<CustomerView>;
  /**
   * The customer page: the customer (audited `customer.view`), their timeline and holdings, and the
   * names of traits, types and offers from the latest published catalogs (page-labels.ts).
   */
  customerPage(
    viewer: CustomerViewer,
    customerId: string,
  ): Promise<{ customer: CustomerView; timeline: Timeline; holdings: Holding[]; labels: PageLabels }>;
  /** What the customer holds from the latest feeds (audited `customer.holdings`). */
  holdings(viewer: CustomerViewer, customerId: string): Promise<Holding[]>;
  /** Every communication and event; MSV_STORE_NOT_FOUND for a customer with none who is unknown. */
  timeline(customerId: string, limit: number | undefined): Promise<Timeline>;
  /** One communication's record and detail (audited `communication.view`), with its attachments. */
  communication(
    ctx: ViewContext,
    target: Target,
  ): Promise<CommunicationDetail & { communication: CommunicationRecord; attachments: AttachmentRecord[] }>;
  /** The viewer's communication: the document's state (the read audited) and its detail. */
  viewer(
    ctx: ViewContext,
    target: Target,
  ): Promise<
    CommunicationDetail & {
      communication: CommunicationRecord;
      state: DocumentState;
      bytes: Uint8Array | undefined;
      /** A verified e-mail's subject, sender and (masked) recipient. */
      envelope: EmailEnvelope | undefined;
    }
  >;
  /** The archived bytes, verified (audited `document.view`); MSV_ARCHIVE_TAMPERED if they changed. */
  document(
    ctx: ViewContext,
    target: Target,
  ): Promise<{ communication: CommunicationRecord; bytes: Uint8Array }>;
  /** "Why this was sent": the decision's reasons as sentences in the agent's language. */
  reasons(decision: Decision, uiLocale: string): Promise<string[]>;
  recordDisposition(
    ctx: ViewContext,
    target: Target,
    input: DispositionInput,
  ): Promise<{ recorded: boolean }>;
  copy(ctx: ViewContext, request: CopyRequest): Promise<CopyResult>;
  changePreferences(
    principal: Principal,
    customerId: string,
    body: PreferencesBody,
  ): ReturnType<typeof changePreferences>;
  writeNote(principal: Principal, customerId: string, body: NoteBody): ReturnType<typeof writeNote>;
}

/** The lookup over one store and archive (the lookup plugin decorates its scope with it). */
export function createLookup(deps: LookupDeps): Lookup {
  const { db } = deps;
  const blobs = (): BlobStore => requireBlobs(deps);
  const at = () => deps.now().toISOString();
  return {
    search: async (query) => (await searchCustomers(db, query)).map(customerSummary),
    customer: async (viewer, customerId) => {
      const customer = await viewCustomer(db, viewer, 'customer.view', customerId);
      return customerView(customer, await listCustomerAccounts(db, customerId));
    },
    customerPage: async (viewer, customerId) => {
      const customer = await viewCustomer(db, viewer, 'customer.view', customerId);
      const [accounts, timeline, holdings] = await Promise.all([
        listCustomerAccounts(db, customerId),
        customerTimeline(db, customerId),
        customerHoldings(db, deps.datasourcesDir, customerId),
      ]);
      const labels = await latestPageLabels(
        db,
        timeline.communications.map((c) => c.type),
      );
      return { customer: customerView(customer, accounts), timeline, holdings, labels };
    },
    holdings: async (viewer, customerId) => {
      await viewCustomer(db, viewer, 'customer.holdings', customerId);
      return customerHoldings(db, deps.datasourcesDir, customerId);
    },
    timeline: async (customerId, limit) => {
      const timeline = await customerTimeline(db, customerId, { limit });
      if (timeline.communications.length === 0) await requireCustomer(db, customerId);
      return timeline;
    },
    communication: async (ctx, { customerId, communicationId }) => {
      const c = await authorizeCommunication(db, customerId, communicationId, ctx, 'communication.view');
      const [detail, attachments] = await Promise.all([
        communicationDetail(db, c, 500),
        listAttachments(db, c.id),
      ]);
      return { communication: c, ...detail, attachments };
    },
    viewer: async (ctx, { customerId, communicationId }) => {
      const document = await documentWithState(db, deps.blobs, customerId, communicationId, ctx);
      const envelope =
        document.bytes && document.communication.channel === 'email'
          ? await emailEnvelope(db, document.communication, document.bytes)
          : undefined;
      return { ...document, envelope, ...(await communicationDetail(db, document.communication, 200)) };
    },
    document: (ctx, { customerId, communicationId }) =>
      readCommunicationDocument(db, blobs(), customerId, communicationId, ctx),
    reasons: (decision, uiLocale) => agentReasons(db, decision, uiLocale),
    recordDisposition: (ctx, target, input) => recordAgentDisposition(db, target, input, { ctx, at: at() }),
    copy: (ctx, request) =>
      agentCopy(
        db,
        () => ({ db, blobs: blobs(), now: deps.now, dispatch: deps.sendCopy, logger: deps.logger }),
        ctx,
        request,
      ),
    changePreferences: (principal, customerId, body) =>
      changePreferences(db, customerId, body, { actor: actorOf(principal), at: at() }),
    writeNote: (principal, customerId, body) =>
      writeNote(db, customerId, body, { actor: actorOf(principal), at: at() }),
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The call center's lookup: decorated in the lookup plugin's scope only (lookup/plugin.ts). */
    lookup: Lookup;
  }
}
