import type { Kysely } from 'kysely';
import { MissiveError } from '../core/errors.ts';
import { stableId } from '../core/hash.ts';
import {
  type Database,
  getCustomer,
  listPublishedTemplateNames,
  type PublishResult,
  publishCatalogVersion,
} from '../store/index.ts';
import type { Catalog } from './catalog.ts';
import { loadCatalogDir } from './catalog-loader.ts';
import { loadCustomerHistory, loadModel, loadPublishedCatalog } from './context-loader.ts';
import { decide } from './decide.ts';
import type { Decision } from './decision.ts';
import { errorsOf, issuesError, type RuleIssue } from './issues.ts';
import { type RealityChecked, sampleRealityIssues, storedRealityIssues } from './reality-check.ts';
import { resolveRunType } from './run-type.ts';
import { loadSampleCustomers } from './sample-customers.ts';
import { validateCatalog } from './validate.ts';

/** The use cases behind `missive offers lint|publish` and `missive decide` / `POST /api/decide`. */

/**
 * `missive offers lint`: the catalog folder's schema and rules (validate.ts), then its traits and
 * segments against reality — its sample customers and, given a store, the stored customers
 * (reality-check.ts). Warnings are among the issues with `severity: 'warning'`.
 */
export async function lintCatalogDir(
  dir: string,
  asOf: string,
  options: { db?: Kysely<Database> | undefined } = {},
): Promise<{ catalog?: Catalog; issues: RuleIssue[]; checked?: RealityChecked }> {
  const { catalog, issues } = await loadCatalogDir(dir);
  if (!catalog) return { issues };
  const sample = await loadSampleCustomers(dir, catalog);
  const found = [
    ...validateCatalog(catalog, { sample, asOf }),
    ...sampleRealityIssues(catalog, sample, asOf),
  ];
  const stored = options.db ? await storedRealityIssues(options.db, catalog, asOf) : undefined;
  if (stored) found.push(...stored.issues);
  return { catalog, issues: found, checked: { sample: sample.length, stored: stored?.stored } };
}

/**
 * Validates against the sample and the stored customers, then publishes; a catalog with any error
 * is refused (the first error is the thrown one). Warnings come back with the result.
 */
export async function publishCatalogDir(
  db: Kysely<Database>,
  dir: string,
  asOf: string,
): Promise<PublishResult & { warnings: RuleIssue[] }> {
  const { catalog, issues } = await lintCatalogDir(dir, asOf, { db });
  const errors = errorsOf(issues);
  if (!catalog || errors.length > 0) throw issuesError(errors);
  const { offerFiles: _where, ...definition } = catalog;
  const published = await publishCatalogVersion(db, { name: catalog.name, definition });
  return { ...published, warnings: issues.filter((i) => i.severity === 'warning') };
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
