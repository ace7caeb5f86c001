import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Config } from '../core/config.ts';
import { MissiveError } from '../core/errors.ts';
import type { StoreDialect } from './dialect.ts';
import { migrateToLatest } from './migrate.ts';
import type { Database } from './schema.ts';
import { MissiveSqliteDialect } from './sqlite-dialect.ts';

export type { StoreDialect } from './dialect.ts';

/** An open, migrated database. Close it when done: it holds a file handle or a connection pool. */
export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: StoreDialect;
  close(): Promise<void>;
}

export interface StoreLocation {
  /** SQLite file; its folder is created. Used when `databaseUrl` is not set. */
  sqlitePath?: string;
  /** postgres:// URL; wins over `sqlitePath`. */
  databaseUrl?: string;
  /** PostgreSQL schema to live in (created if missing); tests use one fresh schema per file. */
  schema?: string;
  /** PostgreSQL pool size (default 10). */
  poolSize?: number;
}

/** Opens the store the configuration names: PostgreSQL when DATABASE_URL is set, else the SQLite file. */
export function openStore(config: Config): Promise<Store> {
  return config.databaseUrl
    ? openStoreAt({ databaseUrl: config.databaseUrl })
    : openStoreAt({ sqlitePath: config.sqlitePath });
}

/** Opens (and migrates) a store at an explicit location. */
export async function openStoreAt(location: StoreLocation): Promise<Store> {
  if (location.databaseUrl) return openPostgres(location.databaseUrl, location);
  if (location.sqlitePath) return openSqlite(location.sqlitePath);
  throw new MissiveError('MSV_CONFIG_INVALID', 'a store needs a sqlitePath or a databaseUrl');
}

async function openSqlite(file: string): Promise<Store> {
  const sqlite = unavailableOnError(`SQLite file ${file}`, () => openSqliteFile(file));
  const db = new Kysely<Database>({ dialect: new MissiveSqliteDialect({ database: sqlite }) });
  return migrated({ db, dialect: 'sqlite', close: () => db.destroy() });
}

async function openPostgres(url: string, location: StoreLocation): Promise<Store> {
  const schema = location.schema === undefined ? undefined : checkedSchemaName(location.schema);
  if (schema) await unavailableOnReject('PostgreSQL', () => createSchemaIfMissing(url, schema));
  const pool = new pg.Pool({
    connectionString: url,
    max: location.poolSize ?? 10,
    types: { getTypeParser: parserWithNumericInt8 },
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // An idle client's error (server restart, admin termination) is emitted on the pool; unhandled, it
  // would crash the process. The pool drops that client and the next query connects afresh.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const store: Store = { db, dialect: 'postgres', close: () => db.destroy() };
  const current = schema ?? (await unavailableOnReject('PostgreSQL', () => currentSchema(store)));
  return migrated(store, current);
}

async function migrated(store: Store, schema?: string): Promise<Store> {
  try {
    await migrateToLatest(store.db, store.dialect, schema);
    return store;
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
}

function openSqliteFile(file: string): SqliteDatabase.Database {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  return sqlite;
}

const INT8_OID = 20;

/**
 * bigint/bigserial/count(*) come back from pg as strings; Missive's sizes, ids and counts fit in a
 * double, so read them as numbers, as SQLite does. Per pool, so other pg users are not affected.
 */
const parserWithNumericInt8 = ((oid: number, format?: 'text' | 'binary') =>
  oid === INT8_OID && format !== 'binary'
    ? (value: string) => Number(value)
    : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser;

function checkedSchemaName(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new MissiveError('MSV_CONFIG_INVALID', `invalid PostgreSQL schema name: ${schema}`, {
      field: 'schema',
    });
  }
  return schema;
}

async function createSchemaIfMissing(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`create schema if not exists ${schema}`);
  } finally {
    await client.end();
  }
}

async function currentSchema(store: Store): Promise<string | undefined> {
  try {
    const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(
      store.db,
    );
    return rows[0]?.schema ?? undefined;
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
}

function unavailable(what: string, cause: unknown): MissiveError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new MissiveError('MSV_STORE_UNAVAILABLE', `${what} could not be opened: ${reason}`, {}, { cause });
}

function unavailableOnError<T>(what: string, open: () => T): T {
  try {
    return open();
  } catch (cause) {
    throw unavailable(what, cause);
  }
}

async function unavailableOnReject<T>(what: string, open: () => Promise<T>): Promise<T> {
  try {
    return await open();
  } catch (cause) {
    throw unavailable(what, cause);
  }
}
