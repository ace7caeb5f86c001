import { CompiledQuery, type Kysely, PostgresAdapter, type Selectable, sql } from 'kysely';
import type { Database, FeedLoadsTable } from './schema.ts';

/** Data feed loads and their rows (migrations/0011-feeds.ts). */

export interface FeedLoad {
  id: number;
  datasource: string;
  feed: string;
  asOf: string;
  status: FeedLoadsTable['status'];
  fileName: string;
  fileSha256: string;
  definitionSha256: string;
  rows: number;
  rejected: number;
  orphans: number;
  amountSum: string | null;
  expectedRows: number | null;
  expectedAmount: string | null;
  controlStatus: FeedLoadsTable['control_status'];
  controlDetail: string | null;
  startedAt: string;
  finishedAt: string | null;
}

export interface FeedRowInsert {
  parentKey: string;
  rowKey: string | null;
  line: number;
  data: string;
}

export interface FeedLoadTotals {
  rows: number;
  rejected: number;
  orphans: number;
  amountSum: string | null;
  expectedRows: number | null;
  expectedAmount: string | null;
  controlStatus: FeedLoadsTable['control_status'];
  controlDetail: string | null;
  finishedAt: string;
}

function toFeedLoad(r: Selectable<FeedLoadsTable>): FeedLoad {
  return {
    id: Number(r.id),
    datasource: r.datasource,
    feed: r.feed,
    asOf: r.as_of,
    status: r.status,
    fileName: r.file_name,
    fileSha256: r.file_sha256,
    definitionSha256: r.definition_sha256,
    rows: Number(r.rows),
    rejected: Number(r.rejected),
    orphans: Number(r.orphans),
    amountSum: r.amount_sum,
    expectedRows: r.expected_rows === null ? null : Number(r.expected_rows),
    expectedAmount: r.expected_amount,
    controlStatus: r.control_status,
    controlDetail: r.control_detail,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}

const isPostgres = (db: Kysely<Database>): boolean => db.getExecutor().adapter instanceof PostgresAdapter;

/** The load runs use for a feed and period, if any. */
export async function currentFeedLoad(
  db: Kysely<Database>,
  datasource: string,
  feed: string,
  asOf: string,
): Promise<FeedLoad | undefined> {
  const row = await db
    .selectFrom('feed_loads')
    .selectAll()
    .where('datasource', '=', datasource)
    .where('feed', '=', feed)
    .where('as_of', '=', asOf)
    .where('status', '=', 'current')
    .executeTakeFirst();
  return row ? toFeedLoad(row) : undefined;
}

/**
 * The current loads of a feed for the `periods` latest as-of dates up to `asOf` (this period
 * first): what a run reads for a feed that looks back (a 12-month chart).
 */
export async function currentFeedLoadsUpTo(
  db: Kysely<Database>,
  datasource: string,
  feed: string,
  asOf: string,
  periods: number,
): Promise<FeedLoad[]> {
  const rows = await db
    .selectFrom('feed_loads')
    .selectAll()
    .where('datasource', '=', datasource)
    .where('feed', '=', feed)
    .where('as_of', '<=', asOf)
    .where('status', '=', 'current')
    .orderBy('as_of', 'desc')
    .limit(periods)
    .execute();
  return rows.map(toFeedLoad);
}

/** Every current load (of one as-of period, or all), by data source, feed and period. */
export async function listFeedLoads(
  db: Kysely<Database>,
  filter: { asOf?: string; datasource?: string } = {},
): Promise<FeedLoad[]> {
  let q = db.selectFrom('feed_loads').selectAll().where('status', '=', 'current');
  if (filter.asOf !== undefined) q = q.where('as_of', '=', filter.asOf);
  if (filter.datasource !== undefined) q = q.where('datasource', '=', filter.datasource);
  const rows = await q.orderBy('datasource').orderBy('as_of', 'desc').orderBy('feed').execute();
  return rows.map(toFeedLoad);
}

/** A new load in state `loading`: its rows go in under the returned id. */
export async function startFeedLoad(
  db: Kysely<Database>,
  load: Pick<
    FeedLoad,
    'datasource' | 'feed' | 'asOf' | 'fileName' | 'fileSha256' | 'definitionSha256' | 'startedAt'
  >,
): Promise<number> {
  const row = await db
    .insertInto('feed_loads')
    .values({
      datasource: load.datasource,
      feed: load.feed,
      as_of: load.asOf,
      status: 'loading',
      file_name: load.fileName,
      file_sha256: load.fileSha256,
      definition_sha256: load.definitionSha256,
      started_at: load.startedAt,
      rows: 0,
      rejected: 0,
      orphans: 0,
      amount_sum: null,
      expected_rows: null,
      expected_amount: null,
      control_status: 'none',
      control_detail: null,
      finished_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

const SQLITE_ROWS_PER_STATEMENT = 400;
const FEED_ROW_COLUMNS = 'insert into feed_rows (load_id, parent_key, row_key, line, data) values ';
/** The same SQL text for every full statement, so SQLite prepares it once per connection. */
const SQLITE_INSERT = `${FEED_ROW_COLUMNS}${Array.from({ length: SQLITE_ROWS_PER_STATEMENT }, () => '(?, ?, ?, ?, ?)').join(', ')}`;

/**
 * Appends rows to a load: one multi-row INSERT per 400 rows on SQLite (a fixed SQL text, so the
 * prepared statement is reused; built as raw SQL because Kysely's builder costs more than the insert
 * itself at this volume), one INSERT … SELECT FROM unnest(arrays) per call on PostgreSQL. Call it
 * inside a transaction with a few thousand rows at a time.
 */
export async function insertFeedRows(
  db: Kysely<Database>,
  loadId: number,
  rows: readonly FeedRowInsert[],
): Promise<void> {
  if (rows.length === 0) return;
  if (isPostgres(db)) {
    await sql`insert into feed_rows (load_id, parent_key, row_key, line, data)
      select ${loadId}, * from unnest(${rows.map((r) => r.parentKey)}::text[], ${rows.map((r) => r.rowKey)}::text[],
        ${rows.map((r) => r.line)}::int[], ${rows.map((r) => r.data)}::text[])`.execute(db);
    return;
  }
  for (let i = 0; i < rows.length; i += SQLITE_ROWS_PER_STATEMENT) {
    const count = Math.min(SQLITE_ROWS_PER_STATEMENT, rows.length - i);
    const params: unknown[] = new Array(count * 5);
    for (let j = 0; j < count; j++) {
      const r = rows[i + j]!;
      params[j * 5] = loadId;
      params[j * 5 + 1] = r.parentKey;
      params[j * 5 + 2] = r.rowKey;
      params[j * 5 + 3] = r.line;
      params[j * 5 + 4] = r.data;
    }
    const text =
      count === SQLITE_ROWS_PER_STATEMENT
        ? SQLITE_INSERT
        : `${FEED_ROW_COLUMNS}${Array.from({ length: count }, () => '(?, ?, ?, ?, ?)').join(', ')}`;
    await db.executeQuery(CompiledQuery.raw(text, params));
  }
}

/**
 * Makes a finished load the current one for its feed and period, in one transaction: the load it
 * replaces (a corrected file) becomes `replaced` and its rows are deleted. Returns that load's id.
 */
export async function completeFeedLoad(
  db: Kysely<Database>,
  loadId: number,
  totals: FeedLoadTotals,
): Promise<number | undefined> {
  return db.transaction().execute(async (trx) => {
    const load = await trx
      .selectFrom('feed_loads')
      .selectAll()
      .where('id', '=', loadId)
      .executeTakeFirstOrThrow();
    const previous = await trx
      .selectFrom('feed_loads')
      .select('id')
      .where('datasource', '=', load.datasource)
      .where('feed', '=', load.feed)
      .where('as_of', '=', load.as_of)
      .where('status', '=', 'current')
      .executeTakeFirst();
    if (previous) {
      await trx.updateTable('feed_loads').set({ status: 'replaced' }).where('id', '=', previous.id).execute();
      await trx.deleteFrom('feed_rows').where('load_id', '=', Number(previous.id)).execute();
    }
    await trx
      .updateTable('feed_loads')
      .set({
        status: 'current',
        rows: totals.rows,
        rejected: totals.rejected,
        orphans: totals.orphans,
        amount_sum: totals.amountSum,
        expected_rows: totals.expectedRows,
        expected_amount: totals.expectedAmount,
        control_status: totals.controlStatus,
        control_detail: totals.controlDetail,
        finished_at: totals.finishedAt,
      })
      .where('id', '=', loadId)
      .execute();
    return previous ? Number(previous.id) : undefined;
  });
}

/** Deletes the rows a load has so far (its file is being read again from the start). */
export async function clearFeedLoadRows(db: Kysely<Database>, loadId: number): Promise<void> {
  await db.deleteFrom('feed_rows').where('load_id', '=', loadId).execute();
}

/** Removes a load that did not finish (its rows and its row). */
export async function abandonFeedLoad(db: Kysely<Database>, loadId: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('feed_rows').where('load_id', '=', loadId).execute();
    await trx.deleteFrom('feed_loads').where('id', '=', loadId).execute();
  });
}

/** Loads left `loading` by a process that died: abandoned before a new load of the same feed. */
export async function staleFeedLoads(
  db: Kysely<Database>,
  datasource: string,
  feed: string,
): Promise<number[]> {
  const rows = await db
    .selectFrom('feed_loads')
    .select('id')
    .where('datasource', '=', datasource)
    .where('feed', '=', feed)
    .where('status', '=', 'loading')
    .execute();
  return rows.map((r) => Number(r.id));
}

export interface Orphans {
  count: number;
  /** The first ones, in file order. */
  sample: { line: number; parentKey: string }[];
}

/**
 * Rows of a load whose parent does not exist: no customer with that id, or no row with that key in
 * the parent feed's load of the same period.
 */
export async function findFeedOrphans(
  db: Kysely<Database>,
  loadId: number,
  parent: { customers: true } | { loadId: number },
  sampleSize: number,
): Promise<Orphans> {
  const base = db
    .selectFrom('feed_rows as r')
    .where('r.load_id', '=', loadId)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          'customers' in parent
            ? selectFrom('customers as c').select('c.id').whereRef('c.id', '=', 'r.parent_key')
            : selectFrom('feed_rows as p')
                .select('p.line')
                .where('p.load_id', '=', parent.loadId)
                .whereRef('p.row_key', '=', 'r.parent_key'),
        ),
      ),
    );
  const counted = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const sample = await base.select(['r.line', 'r.parent_key']).orderBy('r.line').limit(sampleSize).execute();
  return {
    count: Number(counted.n),
    sample: sample.map((s) => ({ line: Number(s.line), parentKey: s.parent_key })),
  };
}

export interface StoredFeedRow {
  loadId: number;
  parentKey: string;
  rowKey: string | null;
  line: number;
  data: string;
}

/** The rows of some loads whose parent is one of `parentKeys`, in load then file order. */
export async function readFeedRows(
  db: Kysely<Database>,
  loadIds: readonly number[],
  parentKeys: readonly string[],
): Promise<StoredFeedRow[]> {
  if (loadIds.length === 0 || parentKeys.length === 0) return [];
  const out: StoredFeedRow[] = [];
  // Bounded IN lists: a chunk's customers (100 by default) or their accounts.
  for (let i = 0; i < parentKeys.length; i += 500) {
    const rows = await db
      .selectFrom('feed_rows')
      .select(['load_id', 'parent_key', 'row_key', 'line', 'data'])
      .where('load_id', 'in', [...loadIds])
      .where('parent_key', 'in', parentKeys.slice(i, i + 500))
      .execute();
    for (const r of rows) {
      out.push({
        loadId: Number(r.load_id),
        parentKey: r.parent_key,
        rowKey: r.row_key,
        line: Number(r.line),
        data: r.data,
      });
    }
  }
  return out.sort((a, b) => a.loadId - b.loadId || a.line - b.line);
}

/** The rows of one load under one parent (a customer's accounts, a subscription's usage), in file order. */
export async function listFeedRowsOfParent(
  db: Kysely<Database>,
  loadId: number,
  parentKey: string,
  limit: number,
): Promise<{ line: number; data: Record<string, unknown> }[]> {
  const rows = await db
    .selectFrom('feed_rows')
    .select(['line', 'data'])
    .where('load_id', '=', loadId)
    .where('parent_key', '=', parentKey)
    .orderBy('line')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ line: Number(r.line), data: JSON.parse(r.data) as Record<string, unknown> }));
}
