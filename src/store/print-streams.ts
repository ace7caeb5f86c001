import type { Kysely } from 'kysely';
import { stableId } from '../core/hash.ts';
import { canonicalJson, nowIso, parseJson } from './json.ts';
import type { Database } from './schema.ts';
import { inTransaction } from './transaction.ts';

/** A print file of a run, as stored in the archive and sent to the print house. */
export interface PrintStreamRecord {
  id: string;
  runId: string;
  optionsKey: string;
  options: Record<string, unknown>;
  index: number;
  fileName: string;
  sha256: string;
  size: number;
  manifestSha256: string;
  documents: number;
  pages: number;
  physicalPages: number;
  blankPages: number;
  sheets: number;
  envelopes: number;
  createdAt: string;
}

export type NewPrintStream = Omit<PrintStreamRecord, 'id' | 'createdAt'>;

/** A print file's id: the same run, options and index always give the same one. */
export function printStreamId(runId: string, optionsKey: string, index: number): string {
  return stableId('pst', runId, optionsKey, String(index));
}

/**
 * Replaces the files recorded for (run, options) with these, in one transaction: making the print
 * streams of a run again with the same options leaves exactly the files it made last.
 */
export async function replacePrintStreams(
  db: Kysely<Database>,
  runId: string,
  optionsKey: string,
  streams: readonly NewPrintStream[],
): Promise<void> {
  const now = nowIso();
  await inTransaction(db, async (trx) => {
    await trx
      .deleteFrom('print_streams')
      .where('run_id', '=', runId)
      .where('options_key', '=', optionsKey)
      .execute();
    for (const s of streams) {
      await trx
        .insertInto('print_streams')
        .values({
          id: printStreamId(runId, optionsKey, s.index),
          run_id: runId,
          options_key: optionsKey,
          options: canonicalJson(s.options),
          stream_index: s.index,
          file_name: s.fileName,
          sha256: s.sha256,
          size: s.size,
          manifest_sha256: s.manifestSha256,
          documents: s.documents,
          pages: s.pages,
          physical_pages: s.physicalPages,
          blank_pages: s.blankPages,
          sheets: s.sheets,
          envelopes: s.envelopes,
          created_at: now,
        })
        .execute();
    }
  });
}

/** Every print file of a run, by options then index. */
export async function listPrintStreams(db: Kysely<Database>, runId: string): Promise<PrintStreamRecord[]> {
  const rows = await db
    .selectFrom('print_streams')
    .selectAll()
    .where('run_id', '=', runId)
    .orderBy('options_key')
    .orderBy('stream_index')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    runId: r.run_id,
    optionsKey: r.options_key,
    options: parseJson<Record<string, unknown>>(r.options),
    index: Number(r.stream_index),
    fileName: r.file_name,
    sha256: r.sha256,
    size: Number(r.size),
    manifestSha256: r.manifest_sha256,
    documents: Number(r.documents),
    pages: Number(r.pages),
    physicalPages: Number(r.physical_pages),
    blankPages: Number(r.blank_pages),
    sheets: Number(r.sheets),
    envelopes: Number(r.envelopes),
    createdAt: r.created_at,
  }));
}

/** Whether the run's failure list already names this customer at this stage with this code. */
export async function hasRunFailure(
  db: Kysely<Database>,
  runId: string,
  customerId: string,
  stage: string,
  code: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('run_failures')
    .select('id')
    .where('run_id', '=', runId)
    .where('customer_id', '=', customerId)
    .where('stage', '=', stage)
    .where('code', '=', code)
    .executeTakeFirst();
  return row !== undefined;
}
