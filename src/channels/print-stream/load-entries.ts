import type { Kysely } from 'kysely';
import { type BlobStore, loadInputSnapshot } from '../../archive/index.ts';
import { isMissiveError } from '../../core/errors.ts';
import type { PostalAddress } from '../../core/types.ts';
import {
  type CommunicationRecord,
  type Database,
  getCustomersWithChangeTime,
  getRun,
  listCommunicationsForRun,
  listReprintsForPrint,
  ON_DEMAND_RUN_SOURCE,
  printFileRunsOf,
} from '../../store/index.ts';
import type { PrintEntry } from './print-entry.ts';
import { usableAddress } from './usable-address.ts';

/** A document of the run that cannot be printed before any PDF is read (ids and reason only). */
export interface Unprintable {
  readonly communicationId: string;
  readonly customerId: string;
  readonly code: string;
  readonly reason: string;
}

/**
 * Ledger statuses whose documents go on paper: archived, already handed over once (`sent`), or in
 * a print file of this run made before (the streams made again). Printed, mailed or spoiled letters
 * (the print house said so) are not printed again.
 */
export const PRINTABLE_STATUSES = ['archived', 'sent', 'in_print_file'] as const;

const PAGE = 1000;

/**
 * The run's print documents with their customers' addresses, a ledger page (1,000 rows) at a time:
 * only ids, hashes, page counts and addresses are kept, never the PDFs. A customer without a
 * usable address, or a ledger row without a document, is returned as unprintable with the reason.
 * Paper waiting for the next print file joins the run's own documents: agents' re-prints and
 * letters (issue 19) and on-demand runs' letters (the API's); a document already in another run's
 * print file (one of those, printed there) is left to that one.
 */
export async function loadPrintEntries(
  db: Kysely<Database>,
  runId: string,
  blobs?: BlobStore,
): Promise<{ entries: PrintEntry[]; unprintable: Unprintable[] }> {
  const entries: PrintEntry[] = [];
  const unprintable: Unprintable[] = [];
  // Only an on-demand run's paper (a letter, an agent's copy) or a copy can already be in another
  // run's print file (handed to a statement run's streams); a batch run's own documents never are,
  // so their pages ask nothing (printFileRunsOf of no ids makes no query).
  const mayBeElsewhere = (await getRun(db, runId))?.source === ON_DEMAND_RUN_SOURCE;
  let afterId: string | null = null;
  for (;;) {
    const rows = await listCommunicationsForRun(db, runId, {
      statuses: PRINTABLE_STATUSES,
      afterId,
      limit: PAGE,
    });
    if (rows.length === 0) break;
    afterId = rows[rows.length - 1]!.id;
    const print = rows.filter((r) => r.channel === 'print');
    // A document already in another run's print file stays there: never printed twice.
    const elsewhere = await printFileRunsOf(
      db,
      print.filter((r) => mayBeElsewhere || r.copyKind !== null).map((r) => r.id),
    );
    await addEntries(
      { db, blobs, ownAddress: mayBeElsewhere },
      print.filter((r) => (elsewhere.get(r.id) ?? runId) === runId),
      entries,
      unprintable,
    );
    if (rows.length < PAGE) break;
  }
  await addEntries(
    { db, blobs, ownAddress: true },
    await listReprintsForPrint(db, runId),
    entries,
    unprintable,
  );
  return { entries, unprintable };
}

/**
 * Ledger rows → entries with their addresses, or unprintable with the reason. The address is the one
 * the document shows in its window: for copies (an agent's corrected copy, a re-print of one, a
 * letter) and on-demand documents (`ownAddress`), the `customer.address` of the document's own sealed
 * inputs — a corrected address is in the document, not in the customer record; for a batch run's
 * own documents, made from the customer record moments before, the record (one key and snapshot
 * read per document would cost a million reads on a statement run), unless the record changed
 * after the document's ledger row was written (a customer who moved during the run): then the
 * document's own.
 */
async function addEntries(
  source: { db: Kysely<Database>; blobs: BlobStore | undefined; ownAddress: boolean },
  print: readonly CommunicationRecord[],
  entries: PrintEntry[],
  unprintable: Unprintable[],
): Promise<void> {
  if (print.length === 0) return;
  const { db } = source;
  const customers = new Map(
    (
      await getCustomersWithChangeTime(
        db,
        print.map((r) => r.customerId),
      )
    ).map((c) => [c.customer.id, c]),
  );
  for (const row of print) {
    const base = { communicationId: row.id, customerId: row.customerId };
    if (!row.artifactSha256 || !row.pages) {
      unprintable.push({
        ...base,
        code: 'MSV_ARCHIVE_NOT_FOUND',
        reason: 'the ledger row has no document',
      });
      continue;
    }
    const record = customers.get(row.customerId);
    const own =
      source.blobs && (source.ownAddress || row.copyKind !== null || changedSince(record, row))
        ? await documentAddress(db, source.blobs, row)
        : undefined;
    const check = usableAddress(own ?? record?.customer.address);
    if (!check.ok) {
      unprintable.push({ ...base, code: 'MSV_PRINT_ADDRESS_INVALID', reason: check.reason });
      continue;
    }
    entries.push({
      ...base,
      sha256: row.artifactSha256,
      pages: row.pages,
      address: check.address,
      ...(row.copyKind === 'reprint' && row.copyOf ? { reprintOf: row.copyOf } : {}),
    });
  }
}

/**
 * Whether the customer record changed after the ledger row was written (an import during the run):
 * its address may then differ from the one the document was rendered with, so the document's own is
 * read. Both are ISO-8601 UTC texts, compared as text.
 */
function changedSince(record: { changedAt: string } | undefined, row: CommunicationRecord): boolean {
  return record !== undefined && record.changedAt >= row.createdAt;
}

/**
 * The postal address a print document was rendered with (`customer.address` of its sealed inputs; a
 * re-print's are those of the document it re-prints), or undefined when its inputs hold none or can
 * no longer be read (shredded, or made before inputs were kept): the customer record is used then.
 */
async function documentAddress(
  db: Kysely<Database>,
  blobs: BlobStore,
  row: CommunicationRecord,
): Promise<PostalAddress | undefined> {
  const id = row.copyKind === 'reprint' && row.copyOf ? row.copyOf : row.id;
  try {
    const { input } = await loadInputSnapshot(db, blobs, id);
    const customer = input.data.customer as { address?: unknown } | undefined;
    const address = customer?.address as Partial<PostalAddress> | null | undefined;
    return address && Array.isArray(address.lines) ? (address as PostalAddress) : undefined;
  } catch (err) {
    if (isMissiveError(err) && ['MSV_ARCHIVE_INPUT_MISSING', 'MSV_ARCHIVE_SHREDDED'].includes(err.code))
      return undefined;
    throw err;
  }
}
