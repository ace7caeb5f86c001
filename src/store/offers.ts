import type { Kysely, Selectable } from 'kysely';
import { sha256Hex } from '../core/hash.ts';
import { canonicalJson, nowIso, parseJson } from './json.ts';
import type { CatalogVersionsTable, Database } from './schema.ts';
import { inTransaction } from './transaction.ts';

/**
 * Published offer catalogs. A catalog version is the whole definition (offers, traits, types),
 * content-addressed like template versions: publishing the same definition again changes nothing.
 * Each offer whose definition changed also gets a new row in `offers` (id, version), so an offer's
 * history can be listed on its own.
 */

export interface CatalogVersionRecord {
  id: string;
  name: string;
  version: number;
  sha256: string;
  definition: Record<string, unknown>;
  publishedAt: string;
}

export interface OfferVersionRecord {
  id: string;
  version: number;
  definition: Record<string, unknown>;
  definitionSha256: string;
  publishedAt: string;
}

export interface CatalogPublication {
  name: string;
  /** The catalog as JSON; `offers` (each with an `id`) is also versioned offer by offer. */
  definition: { offers: { id: string }[] } & Record<string, unknown>;
}

export interface PublishResult {
  catalogVersion: CatalogVersionRecord;
  created: boolean;
  /** Offers that got a new version in this publication. */
  changedOffers: { id: string; version: number }[];
}

/** A catalog version's id: `<name>@<first 12 hex digits of its sha256>`. */
export function catalogVersionId(name: string, sha256: string): string {
  return `${name}@${sha256.slice(0, 12)}`;
}

/**
 * Publishes a catalog version in a transaction, retried on a concurrent publisher's unique violation (3
 * attempts); other errors propagate.
 */
export async function publishCatalogVersion(
  db: Kysely<Database>,
  p: CatalogPublication,
): Promise<PublishResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await inTransaction(db, (trx) => publishOnce(trx, p));
    } catch (error) {
      if (db.isTransaction || attempt >= 3 || !isUniqueViolation(error)) throw error;
    }
  }
}

async function publishOnce(db: Kysely<Database>, p: CatalogPublication): Promise<PublishResult> {
  const text = canonicalJson(p.definition);
  const sha256 = sha256Hex(text);
  const existing = await db
    .selectFrom('catalog_versions')
    .selectAll()
    .where('name', '=', p.name)
    .where('sha256', '=', sha256)
    .executeTakeFirst();
  if (existing) return { catalogVersion: rowToCatalog(existing), created: false, changedOffers: [] };
  const now = nowIso();
  const latest = await db
    .selectFrom('catalog_versions')
    .select((eb) => eb.fn.max('version').as('version'))
    .where('name', '=', p.name)
    .executeTakeFirst();
  const row = {
    id: catalogVersionId(p.name, sha256),
    name: p.name,
    version: Number(latest?.version ?? 0) + 1,
    sha256,
    definition: text,
    published_at: now,
  };
  await db.insertInto('catalog_versions').values(row).execute();
  const changedOffers: { id: string; version: number }[] = [];
  for (const offer of p.definition.offers) {
    const version = await saveOfferVersion(db, offer, now);
    if (version !== undefined) changedOffers.push({ id: offer.id, version });
  }
  return { catalogVersion: rowToCatalog(row), created: true, changedOffers };
}

/** A new version of the offer unless its latest version has the same definition. */
async function saveOfferVersion(
  db: Kysely<Database>,
  offer: { id: string },
  now: string,
): Promise<number | undefined> {
  const definition = canonicalJson(offer);
  const sha = sha256Hex(definition);
  const latest = await db
    .selectFrom('offers')
    .select(['version', 'definition_sha256'])
    .where('id', '=', offer.id)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (latest?.definition_sha256 === sha) return undefined;
  const version = Number(latest?.version ?? 0) + 1;
  await db
    .insertInto('offers')
    .values({ id: offer.id, version, definition, definition_sha256: sha, published_at: now })
    .execute();
  return version;
}

/** The newest version of the named catalog, or of the most recently published catalog. */
export async function getLatestCatalogVersion(
  db: Kysely<Database>,
  name?: string,
): Promise<CatalogVersionRecord | undefined> {
  let query = db.selectFrom('catalog_versions').selectAll();
  query = name === undefined ? query.orderBy('published_at', 'desc') : query.where('name', '=', name);
  const row = await query.orderBy('version', 'desc').limit(1).executeTakeFirst();
  return row ? rowToCatalog(row) : undefined;
}

/**
 * The newest version of every published catalog (ids only, no definitions), the most recently
 * published first: what the call center names traits, types and offers by.
 */
export async function listLatestCatalogVersionIds(
  db: Kysely<Database>,
): Promise<{ id: string; name: string; publishedAt: string }[]> {
  const rows = await db
    .selectFrom('catalog_versions as cv')
    .select(['cv.id', 'cv.name', 'cv.published_at'])
    .where('cv.version', '=', (eb) =>
      eb
        .selectFrom('catalog_versions as newest')
        .select((n) => n.fn.max('newest.version').as('version'))
        .whereRef('newest.name', '=', 'cv.name'),
    )
    .orderBy('cv.published_at', 'desc')
    .orderBy('cv.name')
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.name, publishedAt: r.published_at }));
}

/** One published catalog version by id, or undefined. */
export async function getCatalogVersion(
  db: Kysely<Database>,
  id: string,
): Promise<CatalogVersionRecord | undefined> {
  const row = await db.selectFrom('catalog_versions').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? rowToCatalog(row) : undefined;
}

/** Every catalog version, newest first (without definitions: they can be large). */
export async function listCatalogVersions(
  db: Kysely<Database>,
): Promise<Omit<CatalogVersionRecord, 'definition'>[]> {
  const rows = await db
    .selectFrom('catalog_versions')
    .select(['id', 'name', 'version', 'sha256', 'published_at'])
    .orderBy('name')
    .orderBy('version', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    version: Number(r.version),
    sha256: r.sha256,
    publishedAt: r.published_at,
  }));
}

/** Every version of one offer, oldest first. */
export async function listOfferVersions(
  db: Kysely<Database>,
  offerId: string,
): Promise<OfferVersionRecord[]> {
  const rows = await db
    .selectFrom('offers')
    .selectAll()
    .where('id', '=', offerId)
    .orderBy('version')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    version: Number(r.version),
    definition: parseJson<Record<string, unknown>>(r.definition),
    definitionSha256: r.definition_sha256,
    publishedAt: r.published_at,
  }));
}

function rowToCatalog(row: Selectable<CatalogVersionsTable>): CatalogVersionRecord {
  return {
    id: row.id,
    name: row.name,
    version: Number(row.version),
    sha256: row.sha256,
    definition: parseJson<Record<string, unknown>>(row.definition),
    publishedAt: row.published_at,
  };
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
