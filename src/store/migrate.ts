import { type Kysely, Migrator } from 'kysely';
import { MissiveError } from '../core/errors.ts';
import type { StoreDialect } from './dialect.ts';
import { migrationProvider } from './migrations/index.ts';
import type { Database } from './schema.ts';

/**
 * Brings the database to the latest schema. Safe to call on every open and from several processes
 * at once (PostgreSQL: advisory lock; SQLite: one `BEGIN IMMEDIATE` transaction).
 * `schema` pins Kysely's own bookkeeping tables to the PostgreSQL schema the store lives in.
 */
export async function migrateToLatest(
  db: Kysely<Database>,
  dialect: StoreDialect,
  schema?: string,
): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: migrationProvider(dialect),
    // Migrations are numbered by feature and may land out of number order (0004 before 0003 on a
    // store that ran an earlier build); each one only adds its own tables and columns.
    allowUnorderedMigrations: true,
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  let outcome: Awaited<ReturnType<Migrator['migrateToLatest']>>;
  try {
    outcome = await migrator.migrateToLatest();
  } catch (cause) {
    throw migrationFailed(undefined, cause);
  }
  if (outcome.error !== undefined) {
    const failed = outcome.results?.find((r) => r.status === 'Error');
    throw migrationFailed(failed?.migrationName, outcome.error);
  }
}

function migrationFailed(migration: string | undefined, cause: unknown): MissiveError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  const which = migration ? ` ${migration}` : '';
  return new MissiveError(
    'MSV_STORE_MIGRATION_FAILED',
    `database migration${which} failed: ${reason}`,
    migration ? { migration } : {},
    {
      cause,
    },
  );
}
