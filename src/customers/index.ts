/** The customer import stage: files (CSV, NDJSON) + a column mapping → Customer records for the store. */
export * from './coerce.ts';
export { type CsvReader, MAX_RECORD_BYTES, openCsvReader } from './csv-reader.ts';
export { customerDocumentData } from './data-providers/customer-document-data.ts';
export { CUSTOMER_RECORD_SHAPE } from './data-providers/customer-record.ts';
export type { DocumentDataProvider } from './data-providers/document-data-provider.ts';
export { documentDataProvider, type ProviderContext } from './data-providers/registry.ts';
export {
  DATASOURCE_FILE,
  type DataSource,
  dataSourceFromText,
  listDataSources,
  loadDataSource,
  requireDataSource,
} from './feeds/datasource.ts';
export { type AssembledData, checkFeedsReady, feedsNeeded } from './feeds/feed-data.ts';
export { type FeedLoadSummary, type LoadFeedOptions, loadFeed } from './feeds/load-feed.ts';
export { describeShape, type Shape } from './feeds/shape.ts';
export {
  type CustomerSink,
  DEFAULT_BATCH_SIZE,
  fileWrittenAt,
  type ImportCustomersOptions,
  type ImportProgress,
  type ImportSummary,
  importCustomers,
} from './import.ts';
export {
  type CustomerMapping,
  DELIMITERS,
  defaultMapping,
  loadMapping,
  type MappingInput,
  parseMapping,
  ROW_NUMBER,
  SOURCE_FORMATS,
  type SourceFormat,
  SYNTHETIC_FIELDS,
  type SyntheticField,
  type TraitSpec,
} from './mapping.ts';
export { MAX_LINE_BYTES, type NdjsonReader, openNdjsonReader } from './ndjson-reader.ts';
export { type ImportReject, REJECT_REPORT_HEADER, RejectReportWriter } from './reject-report.ts';
export { compileRowMapper, FALLBACK_LOCALE, type MapResult } from './row-mapper.ts';
export { detectDelimiter, detectFormat } from './source-format.ts';
export type { RowProblem, RowValues, SourceItem, SourceRow } from './source-row.ts';
export {
  CHINESE_SHARE,
  type IdentityCulture,
  type SyntheticIdentity,
  type SyntheticIdentityOptions,
  synthesizeIdentity,
  syntheticIdentity,
} from './synthetic-identity.ts';
export { normaliseEncoding } from './text-encoding.ts';
