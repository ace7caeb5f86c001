import type { Kysely } from 'kysely';
import { MissiveError } from '../core/errors.ts';
import type { Customer } from '../core/types.ts';
import {
  asOfParts,
  type Catalog,
  compileCatalog,
  formatPath,
  type Offer,
  offerSchema,
  type RuleIssue,
  truthy,
  validateCatalog,
} from '../rules/index.ts';
import {
  appendAudit,
  countCustomers,
  type Database,
  getLatestCatalogVersion,
  listCustomersAfter,
  type PublishResult,
  publishCatalogVersion,
} from '../store/index.ts';
import { canApprove, type StudioActor } from './workflow.ts';

/**
 * Offers in the studio: the latest published catalog's offers, one offer edited as JSON (texts per
 * channel and locale, validity, prior, exclusion group, the json-logic eligibility rule), checked
 * against the same zod schema and rule validation as `missive offers lint`, and "who qualifies" —
 * the stored customers the edited rule selects — before an approver publishes the new catalog version.
 */

/** At most this many stored customers are tried for "who qualifies" (in id order); the page says so. */
export const QUALIFY_SCAN_LIMIT = 20_000;
const PAGE = 1000;

export interface EditableCatalog {
  versionId: string;
  catalog: Catalog;
}

/**
 * The published catalog as the studio edits it.
 * @throws MissiveError MSV_RULES_NOT_PUBLISHED when none is.
 */
export async function latestCatalog(db: Kysely<Database>): Promise<EditableCatalog> {
  const record = await getLatestCatalogVersion(db);
  if (!record)
    throw new MissiveError(
      'MSV_RULES_NOT_PUBLISHED',
      'no offer catalog is published (missive offers publish DIR)',
    );
  return { versionId: record.id, catalog: { ...(record.definition as unknown as Catalog), offerFiles: {} } };
}

export interface QualifyResult {
  /** Customers (of those scanned) whose data pass validity and the eligibility rule at `asOf`. */
  count: number;
  scanned: number;
  total: number;
  /** The first few matching customer ids (ids only: the page links them for agents, names stay out). */
  sample: string[];
}

export interface OfferCheck {
  issues: RuleIssue[];
  offer?: Offer;
  qualifies?: QualifyResult;
}

/** The catalog with `offer` replacing the offer of the same id (or added). */
export function withOffer(catalog: Catalog, offer: Offer): Catalog {
  const offers = catalog.offers.some((o) => o.id === offer.id)
    ? catalog.offers.map((o) => (o.id === offer.id ? offer : o))
    : [...catalog.offers, offer];
  return { ...catalog, offers };
}

/** Shape, rule and type checks of one edited offer in its catalog; then who qualifies in the store. */
export async function checkOffer(db: Kysely<Database>, input: unknown, asOf: string): Promise<OfferCheck> {
  const parsed = offerSchema.safeParse(input);
  if (!parsed.success) {
    return {
      issues: parsed.error.issues.map((i) => ({
        code: 'MSV_RULES_CATALOG_INVALID',
        offerId:
          typeof (input as { id?: unknown })?.id === 'string' ? (input as { id: string }).id : undefined,
        path: formatPath(i.path),
        message: i.message,
      })),
    };
  }
  const offer = parsed.data;
  const { catalog } = await latestCatalog(db);
  const edited = withOffer(catalog, offer);
  // Rule checks (operators, variables, types) on the whole catalog, reported for this offer only;
  // "never true" is judged on the store below, not on a sample file.
  const issues = validateCatalog(edited, { asOf }).filter(
    (i) => i.offerId === offer.id || i.offerId === undefined,
  );
  if (issues.length > 0) return { issues, offer };
  return { issues, offer, qualifies: await whoQualifies(db, edited, offer.id, asOf) };
}

export async function whoQualifies(
  db: Kysely<Database>,
  catalog: Catalog,
  offerId: string,
  asOf: string,
): Promise<QualifyResult> {
  const compiled = compileCatalog(catalog);
  const offer = compiled.offers.find((o) => o.id === offerId);
  if (!offer)
    throw new MissiveError('MSV_API_BAD_REQUEST', `no offer ${offerId} in the catalog`, { field: 'id' });
  const { validFrom, validTo } = offer.offer;
  const valid = (validFrom === undefined || asOf >= validFrom) && (validTo === undefined || asOf <= validTo);
  const parts = asOfParts(asOf);
  const result: QualifyResult = { count: 0, scanned: 0, total: await countCustomers(db), sample: [] };
  let after: string | null = null;
  while (result.scanned < QUALIFY_SCAN_LIMIT) {
    const page: Customer[] = await listCustomersAfter(
      db,
      after,
      Math.min(PAGE, QUALIFY_SCAN_LIMIT - result.scanned),
    );
    if (page.length === 0) break;
    for (const customer of page) {
      result.scanned += 1;
      if (!valid) continue;
      const data = compiled.traits.build(customer, parts);
      compiled.segments.assign(data);
      if (offer.held !== null && truthy(offer.held(data))) continue;
      if (offer.eligibility.firstFailing(data) >= 0) continue;
      result.count += 1;
      if (result.sample.length < 10) result.sample.push(customer.id);
    }
    after = page.at(-1)!.id;
  }
  return result;
}

/** An approver publishes the catalog with the edited offer as a new catalog version (audited). */
export async function publishOffer(
  db: Kysely<Database>,
  who: StudioActor,
  input: unknown,
  asOf: string,
): Promise<PublishResult & { check: OfferCheck }> {
  const offerId =
    typeof (input as { id?: unknown })?.id === 'string' ? (input as { id: string }).id : '(unknown)';
  if (!(await canApprove(db, who))) {
    await appendAudit(db, {
      actor: who.actor,
      action: 'studio.offer.publish.refused',
      targetType: 'offer',
      targetId: offerId,
      details: { reason: 'not an approver', ...(who.ip ? { ip: who.ip } : {}) },
    });
    throw new MissiveError('MSV_AUTH_FORBIDDEN', `${who.user} does not have the approver right`);
  }
  const check = await checkOffer(db, input, asOf);
  if (!check.offer || check.issues.length > 0) {
    const first = check.issues[0]!;
    throw new MissiveError(first.code, `offer ${offerId} at ${first.path || '(root)'}: ${first.message}`, {
      field: first.path,
      issues: check.issues.length,
    });
  }
  const { catalog } = await latestCatalog(db);
  const { offerFiles: _where, ...definition } = withOffer(catalog, check.offer);
  const result = await publishCatalogVersion(db, { name: catalog.name, definition });
  await appendAudit(db, {
    actor: who.actor,
    action: 'studio.offer.publish',
    targetType: 'offer',
    targetId: check.offer.id,
    details: {
      catalogVersion: result.catalogVersion.id,
      created: result.created,
      qualifies: check.qualifies?.count ?? 0,
      ...(who.ip ? { ip: who.ip } : {}),
    },
  });
  return { ...result, check };
}
