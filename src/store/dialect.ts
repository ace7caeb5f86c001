/** The two databases Missive runs on: an embedded SQLite file by default, PostgreSQL at scale. */
export type StoreDialect = 'sqlite' | 'postgres';
