import type { Kysely } from 'kysely';
import { invariant } from '../../core/invariant.ts';
import type { Database } from '../../store/index.ts';
import type { DataSource } from '../feeds/datasource.ts';
import { createCustomerRecordProvider } from './customer-record.ts';
import { createDataSourceProvider } from './datasource-feeds.ts';
import type { DocumentDataProvider } from './document-data-provider.ts';

/**
 * The one place document-data providers are made: a plain map from kind to factory (as
 * src/channels/registry.ts does for channels). A communication type with a data source
 * (datasources/<type>/datasource.yaml) renders from its feeds; one without renders from the
 * customer record, and its template's contract decides whether that is enough.
 */
export interface ProviderContext {
  db: Kysely<Database>;
  datasource?: DataSource | undefined;
}

type Factory = (context: ProviderContext) => DocumentDataProvider | undefined;

const FACTORIES: Readonly<Record<string, Factory>> = {
  datasource: (c) => (c.datasource ? createDataSourceProvider(c.db, c.datasource) : undefined),
  'customer-record': () => createCustomerRecordProvider(),
};

/** The provider for a communication type: its data source's feeds when it has one, else the customer record. */
export function documentDataProvider(context: ProviderContext): DocumentDataProvider {
  const kind = context.datasource ? 'datasource' : 'customer-record';
  const provider = FACTORIES[kind]?.(context);
  // The kind was chosen from the context above, so its factory makes a provider.
  invariant(provider, `no document data provider of kind ${kind}`);
  return provider;
}
