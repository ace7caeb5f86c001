import path from 'node:path';
import type { Customer } from '../core/types.ts';
import type { Catalog } from './catalog.ts';

/**
 * The catalog's sample customers (its `sample` file, read through the import stage), for validation.
 * The import stage (readers, encodings, mappings) loads here, only for a catalog with a sample, so
 * rules' entry point does not bring it to every command that reads a catalog (start-up, issue 18).
 */
export async function loadSampleCustomers(dir: string, catalog: Catalog): Promise<Customer[]> {
  if (!catalog.sample) return [];
  const { importCustomers } = await import('../customers/index.ts');
  const customers: Customer[] = [];
  await importCustomers({
    file: path.resolve(dir, catalog.sample.file),
    mapping: catalog.sample.mapping ? path.resolve(dir, catalog.sample.mapping) : undefined,
    sink: async (batch) => {
      customers.push(...batch);
      return { inserted: batch.length, updated: 0, unchanged: 0 };
    },
  });
  return customers;
}
