import type { Kysely } from 'kysely';
import type { Database } from '../../store/index.ts';
import type { DataSource } from '../feeds/datasource.ts';
import { checkFeedsReady, FeedDataReader } from '../feeds/feed-data.ts';
import type { DocumentDataProvider } from './document-data-provider.ts';

/** Document data assembled from a data source's loaded feeds (src/customers/feeds/). */
export function createDataSourceProvider(db: Kysely<Database>, datasource: DataSource): DocumentDataProvider {
  const readers = new Map<string, FeedDataReader>();
  return {
    kind: 'datasource',
    name: datasource.name,
    shape: datasource.program.shape,
    async ready(asOf) {
      await checkFeedsReady(db, datasource, asOf);
    },
    assemble(customers, asOf) {
      let reader = readers.get(asOf);
      if (!reader) {
        reader = new FeedDataReader(db, datasource, asOf);
        readers.set(asOf, reader);
      }
      return reader.assemble(customers);
    },
  };
}
