/**
 * What a Redis error means for a run, from its code or reply (pure):
 * - `unreachable`: no connection (refused, reset, timed out, closed) — wait for Redis to come back,
 *   for at most MISSIVE_REDIS_UNAVAILABLE_MS;
 * - `cannot-persist`: Redis answers `MISCONF` — it cannot write its append-only or snapshot file
 *   (usually a full disk) and refuses every write until it can: waiting only loops, so the run stops;
 * - `full`: `OOM` — maxmemory reached under noeviction (explainRedisError, MSV_REDIS_FULL);
 * - `other`: anything else, left to whoever made the call.
 */
export type RedisFault = 'unreachable' | 'cannot-persist' | 'full' | 'other';

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

export function classifyRedisError(err: unknown): RedisFault {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return 'unreachable';
  const message = err instanceof Error ? err.message : String(err);
  if (message.startsWith('MISCONF')) return 'cannot-persist';
  if (message.startsWith('OOM ')) return 'full';
  if (
    /^connect (ECONNREFUSED|ETIMEDOUT)|Connection is closed|Stream isn't writeable|enableOfflineQueue options is false|Command timed out/.test(
      message,
    )
  )
    return 'unreachable';
  return 'other';
}

/**
 * A key for counting repeats of an error (log-throttle.ts): the error code, or the message without
 * the numbers that change between attempts (ports, ids, times).
 */
export function repeatKeyOf(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  const message = err instanceof Error ? err.message : String(err);
  // A Redis error reply starts with its kind (MISCONF, OOM, NOSCRIPT…); what follows names scripts and keys.
  const reply = /^([A-Z]{3,}) /.exec(message)?.[1];
  return reply ?? message.replace(/\d+/g, '#').slice(0, 200);
}
