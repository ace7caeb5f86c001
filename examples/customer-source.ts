import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Customer } from '../src/core/types.ts';
import { openCsvReader } from '../src/customers/csv-reader.ts';
import { loadMapping } from '../src/customers/mapping.ts';
import { openNdjsonReader } from '../src/customers/ndjson-reader.ts';
import { compileRowMapper } from '../src/customers/row-mapper.ts';
import { detectFormat } from '../src/customers/source-format.ts';
import type { SourceRow } from '../src/customers/source-row.ts';
import { syntheticIdentity } from '../src/customers/synthetic-identity.ts';

/** What the example generators read of a customer: the id feeds join on, the locale, the traits. */
export type FeedCustomer = Pick<Customer, 'id' | 'locale' | 'traits'>;

/** A customer and, when read from a file, the record it came from (its columns as in the file). */
export interface SourcedCustomer {
  customer: FeedCustomer;
  row?: SourceRow;
}

export const EXAMPLES_DIR = path.dirname(fileURLToPath(import.meta.url));
/** The shared bank-marketing customers (the first 200 rows of bank-full.csv) and their mapping. */
export const BANK_CUSTOMERS = path.join(EXAMPLES_DIR, 'customers-sample.csv');
export const BANK_MAPPING = path.join(EXAMPLES_DIR, 'bank-marketing', 'mapping.json');

/**
 * The customers of a file exactly as `missive customers import FILE --mapping MAPPING` makes them
 * (same reader, same mapping compiler: same ids, locales and traits), one at a time, streaming.
 * Rows the import would refuse are skipped: they get no feed rows, as no customer exists for them.
 */
export async function* customersOf(
  file: string,
  mappingFile: string,
  limit?: number,
): AsyncGenerator<{ customer: Customer; row: SourceRow }> {
  const mapping = await loadMapping(mappingFile);
  const format = detectFormat(file, mapping.format);
  const reader =
    format === 'ndjson'
      ? await openNdjsonReader(file)
      : await openCsvReader(file, mapping.delimiter === undefined ? {} : { delimiter: mapping.delimiter });
  const mapRow = compileRowMapper(mapping);
  let count = 0;
  try {
    for await (const item of reader) {
      if (limit !== undefined && count >= limit) break;
      if (item.kind !== 'row') continue;
      const mapped = mapRow(item);
      if (!mapped.ok) continue;
      count += 1;
      yield { customer: mapped.customer, row: item };
    }
  } finally {
    reader.close();
  }
}

/**
 * Customers "1" … "N" without a file, for benchmarks: the locale is the one a synthetic identity
 * gives the id (what importing a file with `"id": {"from": "$row"}` and `"synthetic": true` would
 * store), and there are no traits (so closing balances are seeded, not read).
 */
export async function* syntheticCustomers(count: number): AsyncGenerator<SourcedCustomer> {
  for (let i = 1; i <= count; i++) {
    const id = String(i);
    yield { customer: { id, locale: syntheticIdentity(id).locale, traits: {} } };
  }
}
