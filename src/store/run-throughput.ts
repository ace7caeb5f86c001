import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.ts';

/** Documents a run made in one UTC minute on one channel. */
export interface MinuteCount {
  /** `2026-11-30T14:05` (UTC). */
  minute: string;
  channel: string;
  documents: number;
}

/**
 * The run's own ledger rows per minute and channel (fallback paper is not a customer's document
 * made by the run; it is left out, as in the report's `perMinute`): the throughput chart's data.
 */
export async function documentsPerMinuteByChannel(
  db: Kysely<Database>,
  runId: string,
): Promise<MinuteCount[]> {
  const { rows } = await sql<{ minute: string; channel: string; n: number | string }>`
    select substr(created_at, 1, 16) as minute, channel, count(*) as n from communications
    where run_id = ${runId} and fallback_of is null
    group by substr(created_at, 1, 16), channel order by minute, channel`.execute(db);
  return rows.map((r) => ({ minute: r.minute, channel: r.channel, documents: Number(r.n) }));
}
