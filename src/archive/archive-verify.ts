import type { Kysely } from 'kysely';
import { errorMessage } from '../core/errors.ts';
import {
  type Database,
  getLogState,
  listAttachmentsOf,
  listLedgerDocuments,
  listUnloggedAudits,
  listUnloggedDocuments,
} from '../store/index.ts';
import type { BlobStore } from './blob-store.ts';
import { type LogProblem, type LogVerification, type LogVerifyOptions, verifyLog } from './log-verify.ts';
import { findOrphanBlobs, type OrphanReport } from './orphan-blobs.ts';

/**
 * `missive archive verify`: the log (log-verify.ts), then every ledger row and audit row has its log
 * entry (rows older than the log itself are only reported), then every archived document's blob, and
 * each PDF its e-mail carried, still hashes to its sha256 (documents removed by retention or erasure are skipped: their tombstone
 * says so); and the orphans: blobs a crashed run wrote but never recorded.
 */
export interface ArchiveVerification {
  ok: boolean;
  log: LogVerification;
  documents: { checked: number; removed: number };
  /** Blobs a crashed run wrote and never recorded (orphan-blobs.ts): not damage, but to purge. */
  orphans: OrphanReport;
  problems: LogProblem[];
  warnings: string[];
}

export interface ArchiveVerifyDeps {
  db: Kysely<Database>;
  blobs: BlobStore;
}

const LISTED = 20;

/**
 * `missive archive verify`: the access log's proofs, rows missing from it, every ledger blob against its
 * sha256, and orphan blobs; `ok` only when all hold.
 */
export async function verifyArchive(
  deps: ArchiveVerifyDeps,
  options: LogVerifyOptions = {},
): Promise<ArchiveVerification> {
  const log = await verifyLog(deps.db, options);
  const { problems, warnings } = await unloggedRows(deps.db);
  const documents = await checkBlobs(deps, problems);
  const orphans = await findOrphanBlobs(deps.db);
  return {
    ok: log.ok && problems.length === 0,
    log,
    documents,
    orphans,
    problems,
    warnings,
  };
}

async function unloggedRows(db: Kysely<Database>): Promise<{ problems: LogProblem[]; warnings: string[] }> {
  const { createdAt } = await getLogState(db);
  const problems: LogProblem[] = [];
  let older = 0;
  for (const row of await listUnloggedDocuments(db, 10_000)) {
    if (row.createdAt < createdAt) older += 1;
    else if (problems.length < LISTED) {
      problems.push({ message: `ledger row ${row.id} has no log entry: it was inserted around the archive` });
    }
  }
  for (const row of await listUnloggedAudits(db, 10_000)) {
    if (row.at < createdAt) older += 1;
    else if (problems.length < LISTED) {
      problems.push({ message: `audit row ${row.id} has no log entry: it was inserted around appendAudit` });
    }
  }
  const warnings =
    older > 0 ? [`${older} ledger/audit rows predate the log (${createdAt}) and are not in it`] : [];
  return { problems, warnings };
}

async function checkBlobs(
  deps: ArchiveVerifyDeps,
  problems: LogProblem[],
): Promise<ArchiveVerification['documents']> {
  let checked = 0;
  let removed = 0;
  const seen = new Set<string>();
  for (let after: string | null = null; ; ) {
    const page = await listLedgerDocuments(deps.db, after, 1000);
    if (page.length === 0) break;
    const live: string[] = [];
    for (const doc of page) {
      if (doc.removed) {
        removed += 1;
        continue;
      }
      checked += 1;
      live.push(doc.id);
      await checkBlob(deps, doc.artifactSha256, `communication ${doc.id}`, seen, problems);
    }
    for (const a of await listAttachmentsOf(deps.db, live)) {
      await checkBlob(
        deps,
        a.sha256,
        `communication ${a.communicationId}, attached ${a.name}`,
        seen,
        problems,
      );
    }
    seen.clear();
    after = page[page.length - 1]!.id;
  }
  return { checked, removed };
}

/** One blob read back (the store checks its sha256); each distinct blob once per page. */
async function checkBlob(
  deps: ArchiveVerifyDeps,
  sha256: string,
  what: string,
  seen: Set<string>,
  problems: LogProblem[],
): Promise<void> {
  if (seen.has(sha256)) return;
  seen.add(sha256);
  try {
    await deps.blobs.get(sha256);
  } catch (err) {
    if (problems.length < LISTED) problems.push({ message: `${what}: ${errorMessage(err)}` });
  }
}
