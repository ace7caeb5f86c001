import type { Kysely } from 'kysely';
import { MissiveError } from '../../core/errors.ts';
import type { Customer } from '../../core/types.ts';
import {
  currentFeedLoad,
  currentFeedLoadsUpTo,
  type Database,
  type FeedLoad,
  readFeedRows,
} from '../../store/index.ts';
import { CUSTOMER_PARENT, type DataSource } from './datasource.ts';
import type { FeedRow } from './document-spec.ts';

/** One customer's assembled document data, or why it could not be made (that customer fails alone). */
export type AssembledData = { ok: true; data: Record<string, unknown> } | { ok: false; error: MissiveError };

/** The feeds a document needs: the ones it reads and every parent they join through, parents first. */
export function feedsNeeded(datasource: DataSource): string[] {
  const needed = new Set<string>();
  const add = (feed: string): void => {
    if (needed.has(feed)) return;
    needed.add(feed);
    const parent = datasource.spec.feeds[feed]?.parent;
    if (parent && parent !== CUSTOMER_PARENT) add(parent);
  };
  for (const feed of datasource.program.feeds) add(feed);
  for (const [name, feed] of Object.entries(datasource.spec.feeds)) if (feed.required) add(name);
  return datasource.feedOrder.filter((f) => needed.has(f));
}

/**
 * Whether a run of the data source for `asOf` can start: every feed it needs has a load for that
 * period, and no load's control totals disagree. Throws one error listing every problem (the run is
 * refused before any customer is touched).
 */
export async function checkFeedsReady(
  db: Kysely<Database>,
  datasource: DataSource,
  asOf: string,
): Promise<FeedLoad[]> {
  const loads: FeedLoad[] = [];
  const missing: string[] = [];
  const mismatched: string[] = [];
  for (const feed of feedsNeeded(datasource)) {
    const load = await currentFeedLoad(db, datasource.name, feed, asOf);
    if (!load) missing.push(feed);
    else if (load.controlStatus === 'mismatch')
      mismatched.push(`${feed} (${load.fileName}: ${load.controlDetail})`);
    else loads.push(load);
  }
  if (missing.length > 0) {
    throw new MissiveError(
      'MSV_FEED_NOT_LOADED',
      `data source ${datasource.name} has no load for ${asOf} of feed${missing.length > 1 ? 's' : ''} ${missing.join(', ')}: load ${missing.length > 1 ? 'them' : 'it'} with missive feeds load ${datasource.name} ${missing[0]} FILE --as-of ${asOf} (missive feeds status lists what is loaded)`,
      { datasource: datasource.name, asOf, feed: missing[0] },
    );
  }
  if (mismatched.length > 0) {
    throw new MissiveError(
      'MSV_FEED_CONTROL_MISMATCH',
      `the control totals of ${asOf} do not match for ${mismatched.join('; ')}: load the corrected file before running`,
      { datasource: datasource.name, asOf },
    );
  }
  return loads;
}

/**
 * Reads what a data source needs for a group of customers (a chunk) in a few indexed queries — one
 * per feed, by parent key — and assembles each customer's document data. Never the whole period:
 * memory follows the chunk, not the feed.
 */
export class FeedDataReader {
  readonly #loads = new Map<string, Promise<FeedLoad[]>>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly datasource: DataSource,
    private readonly asOf: string,
  ) {}

  async assemble(customers: readonly Customer[]): Promise<Map<string, AssembledData>> {
    const byFeed = await this.readRows(customers.map((c) => c.id));
    const out = new Map<string, AssembledData>();
    for (const customer of customers) {
      out.set(customer.id, this.assembleOne(customer, byFeed));
    }
    return out;
  }

  private assembleOne(customer: Customer, byFeed: Map<string, Map<string, FeedRow[]>>): AssembledData {
    const rowsOf = (feed: string): readonly FeedRow[] => byFeed.get(feed)?.get(customer.id) ?? [];
    for (const [name, feed] of Object.entries(this.datasource.spec.feeds)) {
      if (feed.required && rowsOf(name).length === 0) {
        return {
          ok: false,
          error: new MissiveError(
            'MSV_DATA_MISSING',
            `customer ${customer.id} has no rows in feed ${name} of data source ${this.datasource.name} for ${this.asOf}`,
            { customerId: customer.id, feed: name, asOf: this.asOf },
          ),
        };
      }
    }
    try {
      const data = this.datasource.program.assemble({ customer, asOf: this.asOf, rows: rowsOf });
      return { ok: true, data };
    } catch (err) {
      const error =
        err instanceof MissiveError
          ? err
          : new MissiveError(
              'MSV_DATASOURCE_INVALID',
              `assembling the document failed: ${(err as Error).message}`,
              {
                customerId: customer.id,
              },
            );
      return { ok: false, error };
    }
  }

  private loadsOf(feed: string): Promise<FeedLoad[]> {
    let loads = this.#loads.get(feed);
    if (!loads) {
      const periods = this.datasource.spec.feeds[feed]?.periods ?? 1;
      loads = currentFeedLoadsUpTo(this.db, this.datasource.name, feed, this.asOf, periods);
      this.#loads.set(feed, loads);
    }
    return loads;
  }

  /** feed → customer id → rows (load order: oldest period first, then file order). */
  private async readRows(customerIds: readonly string[]): Promise<Map<string, Map<string, FeedRow[]>>> {
    const out = new Map<string, Map<string, FeedRow[]>>();
    /** feed → row key → customer id, for the feeds others join on. */
    const owners = new Map<string, Map<string, string>>();
    for (const feedName of feedsNeeded(this.datasource)) {
      const feed = this.datasource.spec.feeds[feedName]!;
      const loads = (await this.loadsOf(feedName)).filter((l) => l.asOf <= this.asOf);
      const periodOrder = new Map(
        [...loads].sort((a, b) => (a.asOf < b.asOf ? -1 : 1)).map((l, i) => [l.id, i]),
      );
      const ownerOf =
        feed.parent === CUSTOMER_PARENT
          ? new Map(customerIds.map((id) => [id, id]))
          : (owners.get(feed.parent) ?? new Map<string, string>());
      const stored = await readFeedRows(
        this.db,
        loads.map((l) => l.id),
        [...ownerOf.keys()],
      );
      stored.sort(
        (a, b) => (periodOrder.get(a.loadId) ?? 0) - (periodOrder.get(b.loadId) ?? 0) || a.line - b.line,
      );
      const perCustomer = new Map<string, FeedRow[]>();
      const keys = new Map<string, string>();
      for (const row of stored) {
        const customerId = ownerOf.get(row.parentKey);
        if (customerId === undefined) continue;
        const list = perCustomer.get(customerId) ?? [];
        list.push(JSON.parse(row.data) as FeedRow);
        perCustomer.set(customerId, list);
        if (row.rowKey !== null) keys.set(row.rowKey, customerId);
      }
      out.set(feedName, perCustomer);
      owners.set(feedName, keys);
    }
    return out;
  }
}
