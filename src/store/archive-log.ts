import type { Kysely, Selectable } from 'kysely';
import { MissiveError } from '../core/errors.ts';
import { appendToFrontier, foldFrontier, leafHash } from '../core/merkle.ts';
import { canonicalJson, nowIso, parseJson } from './json.ts';
import type { ArchiveLogTable, Database } from './schema.ts';
import { inTransaction } from './transaction.ts';

/**
 * The tamper-evident log's table (see archive/merkle.ts for the tree). One log, `archive`, holds
 * every kind of entry: `document` (an archived document), `audit` (an audit row), `tombstone` (what
 * retention or erasure removed). Appends happen inside the caller's transaction, so an entry exists
 * exactly when the row it describes does.
 */

export const LOG_NAME = 'archive';

export type LogEntryKind = 'document' | 'audit' | 'tombstone';

export interface NewLogEntry {
  kind: LogEntryKind;
  ref: string;
  /** The leaf data: ids, hashes and facts only (never personal data); stored as canonical JSON. */
  data: Record<string, unknown>;
  at?: string;
}

export interface LogRow {
  seq: number;
  kind: string;
  ref: string;
  entry: string;
  leafHash: string;
  treeHead: string;
  at: string;
}

export interface LogState {
  size: number;
  /** The right edge of the tree: one subtree head per set bit of `size`, largest first (hex). */
  frontier: string[];
  treeHead: string;
  createdAt: string;
}

/**
 * Appends one entry and returns its index. O(log n): the state row's frontier is the only part of the
 * tree touched. The `update … returning` takes the write lock first (SQLite: the whole database,
 * PostgreSQL: the state row), so concurrent appenders queue up and indexes never collide.
 */
export async function appendLogEntry(db: Kysely<Database>, entry: NewLogEntry): Promise<number> {
  return inTransaction(db, async (trx) => {
    const at = entry.at ?? nowIso();
    const state = await trx
      .updateTable('archive_log_state')
      .set((eb) => ({ size: eb('size', '+', 1), updated_at: at }))
      .where('name', '=', LOG_NAME)
      .returning(['size', 'frontier'])
      .executeTakeFirst();
    if (!state) throw new MissiveError('MSV_STORE_NOT_FOUND', `no log state row "${LOG_NAME}"`);
    const seq = Number(state.size) - 1;
    const text = canonicalJson({ ...entry.data, kind: entry.kind, at });
    const leaf = leafHash(text);
    const frontier = appendToFrontier(fromHexList(state.frontier), seq, leaf);
    await trx
      .insertInto('archive_log')
      .values({
        seq,
        kind: entry.kind,
        ref: entry.ref,
        entry: text,
        leaf_hash: hex(leaf),
        tree_head: hex(foldFrontier(frontier)),
        at,
      })
      .execute();
    await trx
      .updateTable('archive_log_state')
      .set({ frontier: JSON.stringify(frontier.map(hex)) })
      .where('name', '=', LOG_NAME)
      .execute();
    return seq;
  });
}

/** The access log's state: its size, frontier and tree head (the row must exist: migrations create it). */
export async function getLogState(db: Kysely<Database>): Promise<LogState> {
  const row = await db
    .selectFrom('archive_log_state')
    .selectAll()
    .where('name', '=', LOG_NAME)
    .executeTakeFirstOrThrow();
  const frontier = parseJson<string[]>(row.frontier);
  return {
    size: Number(row.size),
    frontier,
    treeHead: hex(foldFrontier(frontier.map(unhex))),
    createdAt: row.created_at,
  };
}

/** Keyset page in index order: entries with seq > afterSeq. */
export async function readLogPage(db: Kysely<Database>, afterSeq: number, limit: number): Promise<LogRow[]> {
  const rows = await db
    .selectFrom('archive_log')
    .selectAll()
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map(rowToLog);
}

/** The log entries about one thing (e.g. the document entry of a communication). */
export async function findLogEntries(
  db: Kysely<Database>,
  kind: LogEntryKind,
  ref: string,
): Promise<LogRow[]> {
  const rows = await db
    .selectFrom('archive_log')
    .selectAll()
    .where('kind', '=', kind)
    .where('ref', '=', ref)
    .orderBy('seq')
    .execute();
  return rows.map(rowToLog);
}

function rowToLog(r: Selectable<ArchiveLogTable>): LogRow {
  return {
    seq: Number(r.seq),
    kind: r.kind,
    ref: r.ref,
    entry: r.entry,
    leafHash: r.leaf_hash,
    treeHead: r.tree_head,
    at: r.at,
  };
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

function unhex(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'hex'));
}

function fromHexList(json: string): Uint8Array[] {
  return parseJson<string[]>(json).map(unhex);
}
