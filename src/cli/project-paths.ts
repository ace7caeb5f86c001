import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder Missive is installed in: shipped templates and examples are found from here, not the cwd. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const SHIPPED = {
  statementTemplate: path.join(PROJECT_ROOT, 'templates', 'monthly-statement'),
  crossSellTemplate: path.join(PROJECT_ROOT, 'templates', 'cross-sell-promotion'),
  /** The call center's ad-hoc letter (issue 19 item 3): published by the demo, written by agents. */
  letterTemplate: path.join(PROJECT_ROOT, 'templates', 'general-letter'),
  bankCatalog: path.join(PROJECT_ROOT, 'catalogs', 'bank'),
  sampleCustomers: path.join(PROJECT_ROOT, 'examples', 'customers-sample.csv'),
  bankMapping: path.join(PROJECT_ROOT, 'examples', 'bank-marketing', 'mapping.json'),
} as const;
