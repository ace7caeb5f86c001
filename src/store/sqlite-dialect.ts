import {
  CompiledQuery,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
  SqliteAdapter,
  type SqliteDatabase,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
  type SqliteStatement,
} from 'kysely';

/**
 * Kysely's SQLite dialect with two changes for a database that several processes write at once:
 *
 * - transactions start with `BEGIN IMMEDIATE`, so a transaction that reads and then writes takes the
 *   write lock up front and waits (busy_timeout) instead of failing with SQLITE_BUSY on the upgrade;
 * - migrations run inside one transaction (SQLite has transactional DDL; Kysely's adapter says it
 *   has not), so two processes opening a new database cannot both apply the same migration;
 * - prepared statements are kept and reused (withStatementCache).
 */
export class MissiveSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    const database = config.database;
    const cached = {
      ...config,
      database:
        typeof database === 'function'
          ? async () => withStatementCache(await database())
          : withStatementCache(database),
    };
    super(cached);
    this.#config = cached;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

/** Prepared statements kept per database connection (the SQL text differs with IN-list lengths). */
const STATEMENTS_KEPT = 500;

/**
 * Kysely's SQLite driver prepares every query again; in a run that is ~10 % of a process's CPU
 * (profiled: better-sqlite3's `prepare` beside the queries themselves). This keeps the most recently
 * used statements by SQL text. Kysely runs one query at a time on the connection, and a statement
 * still iterating (a stream) is never handed out twice: a busy one is prepared afresh.
 */
export function withStatementCache(database: SqliteDatabase, size = STATEMENTS_KEPT): SqliteDatabase {
  const kept = new Map<string, SqliteStatement & { busy?: boolean }>();
  return {
    close: () => {
      kept.clear();
      database.close();
    },
    prepare(sql) {
      const hit = kept.get(sql);
      if (hit && !hit.busy) {
        kept.delete(sql); // re-inserted below: the Map's order is the recency order
        kept.set(sql, hit);
        return hit;
      }
      const statement = database.prepare(sql);
      if (hit) return statement; // the kept one is busy iterating: this one is used once
      kept.set(sql, statement);
      if (kept.size > size) kept.delete(kept.keys().next().value!);
      return statement;
    },
  };
}
