/** The database behind every stage: open it with `openStore(config)`, pass `store.db` to the repositories. */
export * from './audit.ts';
export * from './communications.ts';
export * from './customer-search.ts';
export * from './customers.ts';
export * from './db.ts';
export * from './decisions.ts';
export * from './events.ts';
export * from './model-stats.ts';
export * from './offers.ts';
export * from './print-streams.ts';
export * from './retry-failures.ts';
export * from './run-failures.ts';
export * from './runs.ts';
export type { Database } from './schema.ts';
export * from './templates.ts';
export { inTransaction } from './transaction.ts';
export * from './users.ts';
