import type { Kysely } from 'kysely';
import {
  type Database,
  inTransaction,
  type PrintFileDocument,
  recordPrintFileDocuments,
  transitionCommunicationStatus,
} from '../../store/index.ts';

/** Letters marked per transaction. */
const BATCH = 500;

/** What a letter's move into a print file says in its history: the file and its place in it. */
export function inPrintFileReason(d: Pick<PrintFileDocument, 'fileName' | 'sequence'>): string {
  return `print file ${d.fileName}, sequence ${d.sequence}`;
}

/**
 * After a run's print files are recorded: each letter they hold is recorded in its file
 * (`print_file_documents`) and moves `archived` (or `sent`) → `in_print_file` through the ledger's
 * compare-and-set, its history row naming the file and sequence. A letter already in a print file
 * (the streams made again) keeps its status and moves to its new place. Returns how many moved.
 */
export async function markInPrintFile(
  db: Kysely<Database>,
  documents: readonly PrintFileDocument[],
): Promise<number> {
  let moved = 0;
  for (let i = 0; i < documents.length; i += BATCH) {
    const batch = documents.slice(i, i + BATCH);
    moved += await inTransaction(db, async (trx) => {
      await recordPrintFileDocuments(trx, batch);
      let n = 0;
      for (const d of batch) {
        const changed = await transitionCommunicationStatus(trx, d.communicationId, {
          from: ['archived', 'sent'],
          to: 'in_print_file',
          reason: inPrintFileReason(d),
        });
        if (changed) n += 1;
      }
      return n;
    });
  }
  return moved;
}
