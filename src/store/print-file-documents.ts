import type { Kysely } from 'kysely';
import { AGENT_LETTER_KIND } from './agent-letters.ts';
import { type CommunicationRecord, rowToCommunication } from './communications.ts';
import { nowIso } from './json.ts';
import { ON_DEMAND_RUN_SOURCE } from './runs.ts';
import type { Database } from './schema.ts';

/** A letter's place in a print file (its latest): what the print house's returned manifest names. */
export interface PrintFileDocument {
  communicationId: string;
  /** The run whose print streams hold it (for an agent's re-print, the run it was printed with). */
  runId: string;
  streamId: string;
  fileName: string;
  sequence: number;
  envelope: number;
}

/** How a line of the print house's file names its piece: the communication, or its place in the file. */
export type PrintPieceKey = { communicationId: string } | { sequence: number } | { envelope: number };

/**
 * Records (or moves) each letter to its print file: one row per communication, so making a run's
 * print streams again leaves every letter in the file it is now in.
 */
export async function recordPrintFileDocuments(
  db: Kysely<Database>,
  documents: readonly PrintFileDocument[],
): Promise<void> {
  const at = nowIso();
  for (const d of documents) {
    const values = {
      run_id: d.runId,
      stream_id: d.streamId,
      file_name: d.fileName,
      sequence: d.sequence,
      envelope: d.envelope,
      created_at: at,
    };
    await db
      .insertInto('print_file_documents')
      .values({ communication_id: d.communicationId, ...values })
      .onConflict((oc) => oc.column('communication_id').doUpdateSet(values))
      .execute();
  }
}

/**
 * The letters a line of the print house's file names: by communication id (wherever it is now; the
 * caller compares the file), else the document at that sequence or every document in that envelope
 * of the file. Empty: no such piece.
 */
export async function findPrintPieces(
  db: Kysely<Database>,
  fileName: string,
  key: PrintPieceKey,
): Promise<PrintFileDocument[]> {
  let query = db.selectFrom('print_file_documents').selectAll().orderBy('sequence');
  if ('communicationId' in key) query = query.where('communication_id', '=', key.communicationId);
  else if ('sequence' in key)
    query = query.where('file_name', '=', fileName).where('sequence', '=', key.sequence);
  else query = query.where('file_name', '=', fileName).where('envelope', '=', key.envelope);
  const rows = await query.execute();
  return rows.map((r) => ({
    communicationId: r.communication_id,
    runId: r.run_id,
    streamId: r.stream_id,
    fileName: r.file_name,
    sequence: Number(r.sequence),
    envelope: Number(r.envelope),
  }));
}

/** For each of these communications that is in a print file, the run whose print streams hold it. */
export async function printFileRunsOf(
  db: Kysely<Database>,
  communicationIds: readonly string[],
): Promise<Map<string, string>> {
  if (communicationIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('print_file_documents')
    .select(['communication_id', 'run_id'])
    .where('communication_id', 'in', communicationIds)
    .execute();
  return new Map(rows.map((r) => [r.communication_id, r.run_id]));
}

/**
 * Paper made outside batch runs that goes into this run's print streams: agents' re-prints and
 * ad-hoc letters, and every print document of an on-demand run (a letter the organisation's systems
 * asked for through the API). Those still waiting (`archived`, in no print file yet) and those
 * already in this run's files (the streams made again). Oldest first.
 */
export async function listReprintsForPrint(
  db: Kysely<Database>,
  runId: string,
): Promise<CommunicationRecord[]> {
  const rows = await db
    .selectFrom('communications as c')
    .innerJoin('runs as r', 'r.id', 'c.run_id')
    .leftJoin('print_file_documents as p', 'p.communication_id', 'c.id')
    .selectAll('c')
    .where((eb) =>
      eb.or([
        eb.and([eb('c.copy_of', 'is not', null), eb('c.copy_kind', '=', 'reprint')]),
        eb('c.copy_kind', '=', AGENT_LETTER_KIND),
        eb('r.source', '=', ON_DEMAND_RUN_SOURCE),
      ]),
    )
    .where('c.channel', '=', 'print')
    .where('c.run_id', '<>', runId)
    .where((eb) =>
      eb.or([
        eb.and([eb('c.status', '=', 'archived'), eb('p.communication_id', 'is', null)]),
        eb('p.run_id', '=', runId),
      ]),
    )
    .orderBy('c.created_at')
    .orderBy('c.id')
    .execute();
  return rows.map(rowToCommunication);
}
