import path from 'node:path';
import type { Customer } from '../src/core/types.ts';
import { type DataSource, requireDataSource } from '../src/customers/feeds/datasource.ts';
import { type AssembledData, checkFeedsReady, FeedDataReader } from '../src/customers/feeds/feed-data.ts';
import { type FeedLoadSummary, loadFeed } from '../src/customers/feeds/load-feed.ts';
import { importCustomers } from '../src/customers/import.ts';
import { getCustomers, upsertCustomers } from '../src/store/customers.ts';
import { openStoreAt, type Store } from '../src/store/db.ts';
import { EXAMPLES_DIR } from './customer-source.ts';
import type { WrittenFeed } from './feed-writer.ts';

/** The shipped data sources (datasources/ beside examples/). */
export const DATASOURCES_DIR = path.join(EXAMPLES_DIR, '..', 'datasources');

export interface TryFeedsOptions {
  /** A SQLite file to create (a fresh one per try). */
  sqlitePath: string;
  customersFile: string;
  mappingFile: string;
  /** The feed files a generator wrote (only those of `datasource` are loaded). */
  files: readonly WrittenFeed[];
  datasource: string;
  asOf: string;
  datasourcesDir?: string;
  /** Assemble only the first N imported customers (default: all). */
  assemble?: number;
}

export interface TriedFeeds {
  datasource: DataSource;
  loads: FeedLoadSummary[];
  customers: Customer[];
  /** The customers assembled (in file order), and their document data (or why it could not be made). */
  documents: Map<string, AssembledData>;
}

/**
 * The path a run takes, without the CLI or a queue: import the customers into a fresh SQLite store,
 * `missive feeds load` each feed file of the data source (parents first), check the period is ready
 * (control totals), then assemble every customer's document data the way a run's chunk does.
 * For trying an example's feeds and for the examples' tests; all of it in memory of one process,
 * so meant for example-sized files.
 */
export async function tryFeeds(options: TryFeedsOptions): Promise<TriedFeeds> {
  const store = await openStoreAt({ sqlitePath: options.sqlitePath });
  try {
    return await tryIn(store, options);
  } finally {
    await store.close();
  }
}

async function tryIn(store: Store, options: TryFeedsOptions): Promise<TriedFeeds> {
  const { db } = store;
  const ids: string[] = [];
  await importCustomers({
    file: options.customersFile,
    mapping: options.mappingFile,
    sink: async (batch) => {
      ids.push(...batch.map((c) => c.id));
      return upsertCustomers(db, batch);
    },
  });
  const datasource = await requireDataSource(options.datasourcesDir ?? DATASOURCES_DIR, options.datasource);
  const loads: FeedLoadSummary[] = [];
  for (const feed of datasource.feedOrder) {
    const file = options.files.find((f) => f.datasource === datasource.name && f.feed === feed);
    if (!file) continue;
    loads.push(await loadFeed({ db, datasource, feed, file: file.file, asOf: options.asOf }));
  }
  await checkFeedsReady(db, datasource, options.asOf);
  const customers = await getCustomers(db, ids.slice(0, options.assemble ?? ids.length));
  const documents = await new FeedDataReader(db, datasource, options.asOf).assemble(customers);
  return { datasource, loads, customers, documents };
}
