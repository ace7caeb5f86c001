import { type Kysely, sql } from 'kysely';
import type { StoreDialect } from '../dialect.ts';

/**
 * The archive's integrity and data-protection tables:
 * - `archive_log`: the append-only, tamper-evident log (RFC 6962 Merkle tree) of archived documents,
 *   audit rows and tombstones; `seq` is the leaf index. Each row keeps its leaf hash and the tree head
 *   after it, so verification can name the first entry that no longer matches.
 * - `archive_log_state`: one row per log: its size and right-edge subtree hashes (appends are O(log n)).
 * - `communication_inputs`: the exact merge data a document was rendered from (an encrypted blob) and
 *   the Node/ICU versions that rendered it, for `missive verify` replay.
 * - `customer_keys`: per-customer, per-communication-type AES-256-GCM data keys (crypto-shredding).
 * - `archive_tombstones`: PII-free records of purged documents and erased customers.
 */
export async function up(db: Kysely<unknown>, dialect: StoreDialect): Promise<void> {
  const big = dialect === 'postgres' ? 'bigint' : 'integer';
  await db.schema
    .createTable('archive_log')
    .addColumn('seq', big, (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('ref', 'text', (c) => c.notNull())
    .addColumn('entry', 'text', (c) => c.notNull())
    .addColumn('leaf_hash', 'text', (c) => c.notNull())
    .addColumn('tree_head', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('archive_log_kind_ref_idx')
    .on('archive_log')
    .columns(['kind', 'ref'])
    .execute();
  await db.schema
    .createTable('archive_log_state')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('size', big, (c) => c.notNull())
    .addColumn('frontier', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  const now = new Date().toISOString();
  await sql`insert into archive_log_state (name, size, frontier, created_at, updated_at)
            values ('archive', 0, '[]', ${now}, ${now})`.execute(db);
  await db.schema
    .createTable('communication_inputs')
    .addColumn('communication_id', 'text', (c) => c.primaryKey())
    .addColumn('input_sha256', 'text', (c) => c.notNull())
    .addColumn('blob_sha256', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('node_version', 'text', (c) => c.notNull())
    .addColumn('icu_version', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('communication_inputs_blob_idx')
    .on('communication_inputs')
    .column('blob_sha256')
    .execute();
  await db.schema
    .createTable('customer_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('customer_keys_customer_idx')
    .on('customer_keys')
    .column('customer_id')
    .execute();
  await createTombstones(db, dialect);
  await db.schema
    .createIndex('communications_artifact_sha256_idx')
    .on('communications')
    .column('artifact_sha256')
    .execute();
}

async function createTombstones(db: Kysely<unknown>, dialect: StoreDialect): Promise<void> {
  const table = db.schema.createTable('archive_tombstones');
  await (dialect === 'postgres'
    ? table.addColumn('id', 'bigserial', (c) => c.primaryKey())
    : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
  )
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('target_type', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('archive_tombstones_target_idx')
    .on('archive_tombstones')
    .columns(['target_type', 'target_id'])
    .execute();
}
