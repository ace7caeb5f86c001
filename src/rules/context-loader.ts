import type { Kysely } from 'kysely';
import { didYouMeanSentence } from '../core/did-you-mean.ts';
import { MissiveError } from '../core/errors.ts';
import {
  type Database,
  getLatestCatalogVersion,
  listCatalogVersions,
  listContactsSince,
  listEvents,
  loadModelStats,
} from '../store/index.ts';
import type { Catalog } from './catalog.ts';
import { type CompiledCatalog, compileCatalog } from './compile.ts';
import type { CustomerHistory } from './decision.ts';
import { type ModelSnapshot, modelSnapshot } from './ranking.ts';

/**
 * The rules' only I/O: what decide() needs from the store, read and shaped into plain data —
 * the published catalog (compiled once per version), the model statistics, and one customer's
 * history (ledger rows for frequency caps, feedback events for declines, conversions and
 * do-not-contact).
 */

const DAY_MS = 86_400_000;
const compiledById = new Map<string, CompiledCatalog>();

/**
 * The latest published catalog (of a name), compiled.
 * @throws MissiveError MSV_RULES_NOT_PUBLISHED when none is.
 */
export async function loadPublishedCatalog(db: Kysely<Database>, name?: string): Promise<CompiledCatalog> {
  const record = await getLatestCatalogVersion(db, name);
  if (!record) {
    const which = name ? `catalog ${name}` : 'offer catalog';
    const known = name ? [...new Set((await listCatalogVersions(db)).map((v) => v.name))] : [];
    const published =
      known.length > 0 ? `; published: ${known.join(', ')}.${didYouMeanSentence(name!, known)}` : '';
    throw new MissiveError(
      'MSV_RULES_NOT_PUBLISHED',
      `no ${which} is published (missive offers publish DIR)${published}`,
      name && known.length > 0 ? { field: 'catalog', usage: true } : {},
    );
  }
  let compiled = compiledById.get(record.id);
  if (!compiled) {
    compiled = compileCatalog({ ...(record.definition as unknown as Catalog), offerFiles: {} });
    compiledById.set(record.id, compiled);
  }
  return compiled;
}

/** The model's current snapshot from the stored statistics. */
export async function loadModel(db: Kysely<Database>): Promise<ModelSnapshot> {
  return modelSnapshot(await loadModelStats(db));
}

/** What frequency caps need of a customer: communications in the longest cap window before `now`. */
export async function loadCustomerHistory(
  db: Kysely<Database>,
  customerId: string,
  catalog: CompiledCatalog,
  now: string,
): Promise<CustomerHistory> {
  const windowDays = Math.max(...Object.values(catalog.types).map((t) => t.frequencyCap.days), 1);
  const since = new Date(Date.parse(now) - windowDays * DAY_MS).toISOString();
  const rows = await listContactsSince(db, customerId, since);
  const communications = rows.map((r) => ({
    runId: r.run_id,
    at: r.created_at,
    purpose: catalog.types[r.communication_type]?.purpose ?? ('service' as const),
  }));
  const productOf = new Map(catalog.offers.map((o) => [o.id, o.product]));
  const declined: { offerId: string; at: string }[] = [];
  const heldProducts: string[] = [];
  let doNotContact = false;
  for (const e of await listEvents(db, { customerId, limit: 10_000 })) {
    const outcome = e.payload.outcome;
    if (e.offerId && (e.type === 'declined' || (e.type === 'disposition' && outcome === 'declined'))) {
      declined.push({ offerId: e.offerId, at: e.occurredAt });
    } else if (e.offerId && e.type === 'converted') {
      heldProducts.push(productOf.get(e.offerId) ?? e.offerId);
    } else if (
      e.type === 'do-not-contact' ||
      (e.type === 'unsubscribed' && e.payload.scope === 'marketing')
    ) {
      doNotContact = true;
    }
  }
  return { communications, declined, heldProducts, doNotContact };
}
