import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import { MissiveError } from '../../core/errors.ts';
import { formatPath } from '../mapping.ts';
import { type DataSourceSpec, dataSourceSchema, type FeedSpec } from './datasource-schema.ts';
import { compileDocumentSpec, type DocumentProgram } from './document-spec.ts';

export type { DataSourceSpec, FeedSpec };

/**
 * A data source: how one communication type gets its document data from the organisation's own
 * extracts. One folder per communication type, `datasources/<type>/datasource.yaml`, with
 * - `feeds`: the extracts (file pattern, format, typed fields in the customer-mapping language, the
 *   feed's key, its parent — the customer master or another feed — and whether every customer must
 *   have rows in it, and which field its control totals sum);
 * - `let` and `document`: how a customer's rows assemble into the template's document data
 *   (document-spec.ts describes the expression language).
 * See docs/DATA-SOURCES.md.
 */

/** The customer master: a feed whose parent is `customer` joins on the customer id. */
export const CUSTOMER_PARENT = 'customer';

export interface DataSource {
  /** The communication type it serves (the folder name). */
  readonly name: string;
  readonly file: string;
  /** sha256 of the definition's bytes: recorded with each run. */
  readonly sha256: string;
  /** The definition's text (YAML), as stored with the runs that use it. */
  readonly definition: string;
  readonly spec: DataSourceSpec;
  /** Feeds in join order: every feed comes after its parent. */
  readonly feedOrder: readonly string[];
  readonly program: DocumentProgram;
}

/** Validates a parsed definition; every problem is listed with its path. */
export function parseDataSource(nameOf: string, input: unknown, file: string, definition = ''): DataSource {
  const parsed = dataSourceSchema.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
    throw invalid(file, formatPath(parsed.error.issues[0]?.path ?? []), issues.join('; '));
  }
  const spec = parsed.data;
  const feedOrder = orderFeeds(spec, file);
  for (const [feedName, feed] of Object.entries(spec.feeds)) checkFeed(feedName, feed, spec, file);
  const program = compileDocumentSpec(spec, file);
  const sha256 = createHash('sha256').update(definition).digest('hex');
  return Object.freeze({ name: nameOf, file, sha256, definition, spec, feedOrder, program });
}

function checkFeed(feedName: string, feed: FeedSpec, spec: DataSourceSpec, file: string): void {
  const where = `feeds.${feedName}`;
  if (!(feed.parentKey in feed.fields)) {
    throw invalid(file, `${where}.parentKey`, `"${feed.parentKey}" is not one of the feed's fields`);
  }
  if (feed.key !== undefined && !(feed.key in feed.fields)) {
    throw invalid(file, `${where}.key`, `"${feed.key}" is not one of the feed's fields`);
  }
  if (feed.parent !== CUSTOMER_PARENT) {
    const parent = spec.feeds[feed.parent];
    if (!parent)
      throw invalid(file, `${where}.parent`, `no feed "${feed.parent}" (nor "${CUSTOMER_PARENT}")`);
    if (parent.key === undefined) {
      throw invalid(file, `${where}.parent`, `feed "${feed.parent}" has no key for "${feedName}" to join on`);
    }
  }
  const amount = feed.control?.amount;
  if (amount !== undefined) {
    const type = feed.fields[amount]?.type;
    if (type !== 'number' && type !== 'integer') {
      throw invalid(file, `${where}.control.amount`, `"${amount}" must be a number field of the feed`);
    }
  }
}

/** Parents before children; a cycle is an error naming the feeds in it. */
function orderFeeds(spec: DataSourceSpec, file: string): string[] {
  const order: string[] = [];
  const visiting = new Set<string>();
  const visit = (feedName: string, trail: string[]): void => {
    if (order.includes(feedName)) return;
    if (visiting.has(feedName)) {
      throw invalid(
        file,
        `feeds.${feedName}.parent`,
        `feeds form a cycle: ${[...trail, feedName].join(' → ')}`,
      );
    }
    visiting.add(feedName);
    const parent = spec.feeds[feedName]?.parent;
    if (parent && parent !== CUSTOMER_PARENT && spec.feeds[parent]) visit(parent, [...trail, feedName]);
    order.push(feedName);
  };
  for (const feedName of Object.keys(spec.feeds)) visit(feedName, []);
  return order;
}

function invalid(file: string, field: string, reason: string): MissiveError {
  return new MissiveError('MSV_DATASOURCE_INVALID', `${path.basename(file)} ${field}: ${reason}`, {
    file,
    field,
  });
}

export const DATASOURCE_FILE = 'datasource.yaml';

/** Reads and validates `<dir>/<type>/datasource.yaml`; undefined when the type has no data source. */
export async function loadDataSource(
  dir: string,
  communicationType: string,
): Promise<DataSource | undefined> {
  const file = path.join(dir, communicationType, DATASOURCE_FILE);
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw invalid(file, '(file)', `cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  return dataSourceFromText(communicationType, bytes.toString('utf8'), file);
}

/** A definition from its YAML text (a file's, or the copy a run stored). */
export function dataSourceFromText(communicationType: string, text: string, file: string): DataSource {
  let doc: unknown;
  try {
    doc = YAML.parse(text, { prettyErrors: true });
  } catch (err) {
    throw invalid(file, '(yaml)', (err as Error).message.split('\n')[0] ?? 'not valid YAML');
  }
  return parseDataSource(communicationType, doc, file, text);
}

/** The data sources in `dir` (one folder each), by name. */
export async function listDataSources(dir: string): Promise<string[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const names: string[] = [];
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    try {
      await fs.access(path.join(dir, e.name, DATASOURCE_FILE));
      names.push(e.name);
    } catch {
      // not a data source folder
    }
  }
  return names.sort();
}

/** The loaded data source or MSV_DATASOURCE_NOT_FOUND naming the folder it looked in. */
export async function requireDataSource(dir: string, communicationType: string): Promise<DataSource> {
  const source = await loadDataSource(dir, communicationType);
  if (source) return source;
  const known = await listDataSources(dir);
  throw new MissiveError(
    'MSV_DATASOURCE_NOT_FOUND',
    `no data source "${communicationType}" (no ${path.join(path.basename(dir), communicationType, DATASOURCE_FILE)}; data sources: ${known.join(', ') || 'none'})`,
    { communicationType },
  );
}
