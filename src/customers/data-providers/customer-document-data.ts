import type { Kysely } from 'kysely';
import { invariant } from '../../core/invariant.ts';
import type { Customer } from '../../core/types.ts';
import { type Database, listFeedLoads } from '../../store/index.ts';
import { loadDataSource } from '../feeds/datasource.ts';
import { feedsNeeded } from '../feeds/feed-data.ts';
import { documentDataProvider } from './registry.ts';

/**
 * One customer's document data outside a run (a preview in the studio, the API or the CLI): from the
 * communication type's data source and the feeds loaded for `asOf` — or, without an as-of date, for
 * the latest period its feeds are loaded for — else from the customer record. Throws the reason
 * (MSV_FEED_NOT_LOADED, MSV_DATA_MISSING…) instead of showing a document made of nothing.
 */
export async function customerDocumentData(
  db: Kysely<Database>,
  dir: string,
  communicationType: string,
  customer: Customer,
  asOf: { given?: string | undefined; fallback: string },
): Promise<{ data: Record<string, unknown>; asOf: string }> {
  const datasource = await loadDataSource(dir, communicationType);
  const date =
    asOf.given ??
    (datasource ? await latestLoadedAsOf(db, datasource.name, feedsNeeded(datasource)) : undefined) ??
    asOf.fallback;
  const provider = documentDataProvider({ db, datasource });
  await provider.ready(date);
  const assembled = (await provider.assemble([customer], date)).get(customer.id);
  // assemble() answers for every customer it is given.
  invariant(assembled, 'no document data for the customer');
  if (!assembled.ok) throw assembled.error;
  return { data: assembled.data, asOf: date };
}

/** The latest as-of date for which every needed feed has a load. */
async function latestLoadedAsOf(
  db: Kysely<Database>,
  datasource: string,
  feeds: readonly string[],
): Promise<string | undefined> {
  const loads = await listFeedLoads(db, { datasource });
  const periods = [...new Set(loads.map((l) => l.asOf))].sort().reverse();
  return periods.find((p) => feeds.every((f) => loads.some((l) => l.feed === f && l.asOf === p)));
}
