/**
 * The database said "not now", not "no": SQLite's busy or locked database (another process held the
 * write lock past busy_timeout — seen on a loaded 2-core machine), PostgreSQL's serialization
 * failure, deadlock, lock timeout or a lost connection. Such an error is no fault of the customer
 * being written: a chunk that meets one stops and is retried (BullMQ's attempts, then resume), and
 * the customers it had not finished are left for the retry, never marked failed. Also when only
 * the message survived (an error from a sandboxed render child).
 */
export function isStoreBusy(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth += 1) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && BUSY_CODES.has(code)) return true;
    const message = (e as { message?: unknown }).message;
    if (typeof message === 'string' && BUSY_TEXT.test(message)) return true;
  }
  return false;
}

const BUSY_CODES = new Set([
  // better-sqlite3 (extended codes start with the primary one)
  'SQLITE_BUSY',
  'SQLITE_BUSY_SNAPSHOT',
  'SQLITE_BUSY_RECOVERY',
  'SQLITE_BUSY_TIMEOUT',
  'SQLITE_LOCKED',
  'SQLITE_LOCKED_SHAREDCACHE',
  // PostgreSQL SQLSTATEs: serialization_failure, deadlock_detected, lock_not_available,
  // admin/crash shutdown, cannot_connect_now, connection exceptions
  '40001',
  '40P01',
  '55P03',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08003',
  '08006',
]);

const BUSY_TEXT = /\bdatabase (table )?is locked\b|\bSQLITE_BUSY\b|\bSQLITE_LOCKED\b/i;
