import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { withStatementCache } from '../../src/store/sqlite-dialect.ts';

/** The SQLite statement cache: reused by SQL text, bounded, and never handed out while iterating. */
describe('SQLite statement cache', () => {
  it('reuses statements, keeps the most recent, and prepares afresh while one iterates', () => {
    const raw = new Database(':memory:');
    raw.exec('create table t (n integer)');
    for (let n = 0; n < 5; n += 1) raw.prepare('insert into t values (?)').run(n);
    const db = withStatementCache(raw, 2);
    const a = db.prepare('select n from t where n > ?');
    expect(db.prepare('select n from t where n > ?')).toBe(a);
    expect(a.all([2])).toEqual([{ n: 3 }, { n: 4 }]);
    // Iterating holds the statement: the same SQL meanwhile gets its own statement.
    const rows = a.iterate([0]);
    rows.next();
    const b = db.prepare('select n from t where n > ?');
    expect(b).not.toBe(a);
    expect(b.all([3])).toEqual([{ n: 4 }]);
    rows.return?.();
    expect(db.prepare('select n from t where n > ?')).toBe(a);
    // Two more statements push the least recently used one out.
    db.prepare('select count(*) as c from t');
    db.prepare('select max(n) as m from t');
    expect(db.prepare('select n from t where n > ?')).not.toBe(a);
    db.close();
  });
});
