import fs from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { DATASOURCE_FILE, type DataSource, listDataSources, loadDataSource } from '../../customers/index.ts';
import { currentFeedLoadsUpTo, type Database, listFeedRowsOfParent } from '../../store/index.ts';

/**
 * What a customer holds, from the latest loaded feeds: the rows of every feed joined straight to the
 * customer (accounts with balances, subscriptions and plans, policies, arrears…), one group per data
 * source and feed, with the period they are as of — so the agent sees holdings and past contacts on
 * one screen. The customer's own key field is left out (it is the customer).
 */
export interface Holding {
  datasource: string;
  feed: string;
  asOf: string;
  columns: string[];
  /** The feed's and its fields' names for people per locale, where the definition gives them. */
  label?: Record<string, string> | undefined;
  columnLabels: Record<string, Record<string, string>>;
  rows: Record<string, unknown>[];
}

/** At most this many rows per feed (a customer's accounts, not their transactions). */
const ROWS_PER_FEED = 20;

export async function customerHoldings(
  db: Kysely<Database>,
  datasourcesDir: string | undefined,
  customerId: string,
): Promise<Holding[]> {
  if (!datasourcesDir) return [];
  const holdings: Holding[] = [];
  for (const name of await listDataSources(datasourcesDir)) {
    const datasource = await cachedDataSource(datasourcesDir, name);
    if (!datasource) continue;
    for (const [feed, spec] of Object.entries(datasource.spec.feeds)) {
      if (spec.parent !== 'customer') continue;
      const [latest] = await currentFeedLoadsUpTo(db, datasource.name, feed, '9999-12-31', 1);
      if (!latest) continue;
      const rows = await listFeedRowsOfParent(db, latest.id, customerId, ROWS_PER_FEED);
      if (rows.length === 0) continue;
      const columns = Object.keys(spec.fields).filter((f) => f !== spec.parentKey);
      holdings.push({
        datasource: datasource.name,
        feed,
        asOf: latest.asOf,
        columns,
        label: spec.label,
        columnLabels: columnLabels(spec.fields, columns),
        rows: rows.map((r) => r.data),
      });
    }
  }
  return holdings;
}

function columnLabels(
  fields: DataSource['spec']['feeds'][string]['fields'],
  columns: readonly string[],
): Record<string, Record<string, string>> {
  const labels: Record<string, Record<string, string>> = {};
  for (const column of columns) {
    const label = (fields[column] as { label?: Record<string, string> } | undefined)?.label;
    if (label) labels[column] = label;
  }
  return labels;
}

/**
 * Definitions as last read, per file and modification time: parsing and compiling the four shipped
 * ones took ~30 ms, on every customer page an agent opens. An edited definition is read again.
 */
const definitions = new Map<string, { mtimeMs: number; datasource: DataSource | undefined }>();

async function cachedDataSource(dir: string, name: string): Promise<DataSource | undefined> {
  const file = path.join(dir, name, DATASOURCE_FILE);
  const mtimeMs = await fs.stat(file).then(
    (s) => s.mtimeMs,
    () => -1,
  );
  const known = definitions.get(file);
  if (known && known.mtimeMs === mtimeMs) return known.datasource;
  const datasource = await loadDataSource(dir, name).catch(() => undefined);
  definitions.set(file, { mtimeMs, datasource });
  return datasource;
}
