import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { openStoreAt, type Store } from '../../src/store/db.ts';
import { openTempStore } from './stores.ts';

/** A fresh store on SQLite (temp folder) or PostgreSQL (a schema of its own, dropped on close). */
export async function openFeedbackStore(
  dialect: 'sqlite' | 'postgres',
): Promise<{ store: Store; dir: string | null; close(): Promise<void> }> {
  if (dialect === 'sqlite') {
    const temp = await openTempStore('feedback');
    return { store: temp.store, dir: temp.dir, close: temp.close };
  }
  const url = inject('databaseUrl');
  const schema = `feedback_${randomUUID().replaceAll('-', '')}`;
  const store = await openStoreAt({ databaseUrl: url, schema, poolSize: 4 });
  return {
    store,
    dir: null,
    close: async () => {
      await store.close();
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`).finally(() => client.end());
    },
  };
}
