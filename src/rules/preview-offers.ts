import type { Kysely } from 'kysely';
import { isMissiveError } from '../core/errors.ts';
import { stableId } from '../core/hash.ts';
import type { ChannelKind, Customer } from '../core/types.ts';
import { type Database, getDecision } from '../store/index.ts';
import { loadCustomerHistory, loadModel, loadPublishedCatalog } from './context-loader.ts';
import { decide } from './decide.ts';
import type { Decision } from './decision.ts';
import { type OfferContent, offerContentFor } from './offer-content.ts';
import { typeForTemplate } from './run-type.ts';

export interface PreviewOffersRequest {
  /** A communication type of the catalog, or a template name (the first type that renders it). */
  communicationType: string;
  asOf: string;
  channel: ChannelKind;
  /** Show the offers this run decided for the customer (what the customer received). */
  runId?: string | undefined;
}

/**
 * The offers a preview shows for a customer: the stored decision of `runId` when given — so the
 * preview is the very document the run made — else a fresh decision as a run today would make it.
 * No published catalog, or a name that is neither a type of it nor the template of one, means no offers.
 */
export async function previewOffers(
  db: Kysely<Database>,
  customer: Customer,
  req: PreviewOffersRequest,
): Promise<OfferContent[]> {
  let catalog: Awaited<ReturnType<typeof loadPublishedCatalog>>;
  try {
    catalog = await loadPublishedCatalog(db);
  } catch (err) {
    if (isMissiveError(err) && err.code === 'MSV_RULES_NOT_PUBLISHED') return [];
    throw err;
  }
  const type = typeForTemplate(catalog.catalog, req.communicationType);
  if (type === undefined) return [];
  const stored = req.runId ? await getDecision<Decision>(db, req.runId, customer.id) : undefined;
  let decision = stored?.decision;
  if (!decision) {
    const now = new Date().toISOString();
    decision = decide(customer, {
      asOf: req.asOf,
      now,
      runId: req.runId ?? stableId('preview', type, req.asOf),
      communicationType: type,
      catalog,
      model: await loadModel(db),
      history: await loadCustomerHistory(db, customer.id, catalog, now),
    });
  }
  return offerContentFor(decision, catalog.catalog, customer.locale, req.channel);
}
