import type { Kysely } from 'kysely';
import { MissiveError } from '../core/errors.ts';
import { stableId } from '../core/hash.ts';
import { getCustomer } from '../store/customers.ts';
import { type PublishResult, publishCatalogVersion } from '../store/offers.ts';
import type { Database } from '../store/schema.ts';
import { listPublishedTemplateNames } from '../store/templates.ts';
import type { Catalog } from './catalog.ts';
import { loadCatalogDir } from './catalog-loader.ts';
import { loadCustomerHistory, loadModel, loadPublishedCatalog } from './context-loader.ts';
import { decide } from './decide.ts';
import type { Decision } from './decision.ts';
import { issuesError, type RuleIssue } from './issues.ts';
import { resolveRunType } from './run-type.ts';
import { loadSampleCustomers } from './sample-customers.ts';
import { validateCatalog } from './validate.ts';

/** The use cases behind `missive offers lint|publish` and `missive decide` / `POST /api/decide`. */

export async function lintCatalogDir(
  dir: string,
  asOf: string,
): Promise<{ catalog?: Catalog; issues: RuleIssue[] }> {
  const { catalog, issues } = await loadCatalogDir(dir);
  if (!catalog) return { issues };
  const sample = await loadSampleCustomers(dir, catalog);
  return { catalog, issues: validateCatalog(catalog, { sample, asOf }) };
}

/** Validates, then publishes; a catalog with any issue is refused (the first issue is the error). */
export async function publishCatalogDir(
  db: Kysely<Database>,
  dir: string,
  asOf: string,
): Promise<PublishResult> {
  const { catalog, issues } = await lintCatalogDir(dir, asOf);
  if (!catalog || issues.length > 0) throw issuesError(issues);
  const { offerFiles: _where, ...definition } = catalog;
  return publishCatalogVersion(db, { name: catalog.name, definition });
}

export interface DecideRequest {
  customerId: string;
  asOf: string;
  now: string;
  /** Default: the catalog's first communication type with offer slots. */
  type?: string | undefined;
  catalog?: string | undefined;
  /** Default: a preview run id derived from (type, as-of), so asking again gives the same answer. */
  runId?: string | undefined;
}

/** Loads what the customer's decision needs from the store and decides (nothing is written). */
export async function decideForCustomer(
  db: Kysely<Database>,
  req: DecideRequest,
): Promise<{ decision: Decision; offerNames: Record<string, string> }> {
  const catalog = await loadPublishedCatalog(db, req.catalog);
  const customer = await getCustomer(db, req.customerId);
  if (!customer)
    throw new MissiveError('MSV_STORE_NOT_FOUND', `no customer ${req.customerId}`, {
      customerId: req.customerId,
    });
  const type =
    req.type ??
    Object.entries(catalog.types).find(([, t]) => t.offerSlots > 0)?.[0] ??
    Object.keys(catalog.types)[0]!;
  if (!(type in catalog.types)) throw await undecidableType(db, type, catalog.catalog);
  const [model, history] = await Promise.all([
    loadModel(db),
    loadCustomerHistory(db, customer.id, catalog, req.now),
  ]);
  const decision = decide(customer, {
    asOf: req.asOf,
    now: req.now,
    runId: req.runId ?? stableId('preview', type, req.asOf),
    communicationType: type,
    catalog,
    model,
    history,
  });
  const offerNames = Object.fromEntries(
    catalog.offers.map((o) => [
      o.id,
      o.offer.name[customer.locale] ?? Object.values(o.offer.name)[0] ?? o.id,
    ]),
  );
  return { decision, offerNames };
}

/**
 * Why `decide` cannot decide for `type`: as `missive run` says it (the same names run), plus that a
 * service document without a catalog entry runs without decisions.
 */
async function undecidableType(db: Kysely<Database>, type: string, catalog: Catalog): Promise<MissiveError> {
  const templates = await listPublishedTemplateNames(db);
  try {
    resolveRunType(type, catalog, templates);
  } catch (err) {
    return err as MissiveError;
  }
  return new MissiveError(
    'MSV_RULES_UNKNOWN_TYPE',
    `"${type}" is not a communication type of catalog ${catalog.name}: it runs as a service document, without decisions (nothing to decide). Known types: ${Object.keys(catalog.communicationTypes).join(', ')}`,
    { field: 'type', catalog: catalog.name },
  );
}
