import type { Kysely } from 'kysely';
import { errorMessage } from '../core/errors.ts';
import {
  appendToFrontier,
  consistencyProof,
  foldFrontier,
  leafHash,
  PackedHashes,
  subtreeHead,
  verifyConsistency,
} from '../core/merkle.ts';
import {
  auditLogData,
  canonicalJson,
  type Database,
  getArtifactHashes,
  getAuditRows,
  getLogState,
  type LogState,
  parseJson,
  readLogPage,
} from '../store/index.ts';
import { assertCheckpointSignature, type Checkpoint } from './checkpoint.ts';

/**
 * Recomputes the log's Merkle tree from its rows and checks, in order: indexes are contiguous
 * (nothing removed or inserted), each entry still hashes to its recorded leaf hash and tree head,
 * each document/audit entry still matches the ledger/audit row it describes, the log state (size,
 * right edge) matches the rows (nothing cut from the tail), and — given a signed checkpoint — that the
 * checkpoint's tree is a prefix of today's tree (RFC 6962 consistency proof). The first problem's
 * index is named; the walk stops there, since every later tree head depends on it.
 */

export interface LogProblem {
  /** The first entry index the problem concerns, when it concerns one. */
  index?: number | undefined;
  message: string;
}

export interface LogVerification {
  ok: boolean;
  /** Entries read and verified (the valid prefix when a problem stopped the walk). */
  verified: number;
  /** The size the log state claims. */
  size: number;
  treeHead: string;
  firstBadIndex: number | undefined;
  problems: LogProblem[];
  checkpoint?: { size: number; rootHash: string; consistent: boolean } | undefined;
}

export interface LogVerifyOptions {
  checkpoint?: Checkpoint | undefined;
  /** The log key's public half (base64 raw): the only key a checkpoint is trusted from. */
  trustedPublicKey?: string | undefined;
  pageSize?: number;
}

export async function verifyLog(
  db: Kysely<Database>,
  options: LogVerifyOptions = {},
): Promise<LogVerification> {
  const state = await getLogState(db);
  const walk = await walkLog(db, options.pageSize ?? 2000);
  const problems = [...walk.problems];
  if (problems.length === 0) problems.push(...stateProblems(state, walk.leaves.length, walk.frontier));
  const treeHead = hex(foldFrontier(walk.frontier));
  const checkpoint = options.checkpoint
    ? checkCheckpoint(options.checkpoint, options.trustedPublicKey, walk.leaves, problems)
    : undefined;
  const firstBadIndex = problems
    .map((p) => p.index)
    .filter((i): i is number => i !== undefined)
    .sort((a, b) => a - b)[0];
  return {
    ok: problems.length === 0,
    verified: walk.leaves.length,
    size: state.size,
    treeHead,
    firstBadIndex,
    problems,
    checkpoint,
  };
}

interface Walk {
  leaves: PackedHashes;
  frontier: Uint8Array[];
  problems: LogProblem[];
}

async function walkLog(db: Kysely<Database>, pageSize: number): Promise<Walk> {
  const leaves = new PackedHashes(pageSize);
  let frontier: Uint8Array[] = [];
  for (let after = -1; ; ) {
    const page = await readLogPage(db, after, pageSize);
    if (page.length === 0) return { leaves, frontier, problems: [] };
    const crossProblems = await crossCheck(db, page);
    // Fast path: fold the tree head once per page. Only when the page's last recorded head differs
    // is the page walked again entry by entry, to name the first entry whose head differs.
    const start = { frontier, size: leaves.length };
    const fast = walkPage(page, leaves, frontier, crossProblems, false);
    if (!fast.problem && hex(foldFrontier(fast.frontier)) === page[page.length - 1]!.treeHead) {
      frontier = fast.frontier;
    } else {
      // Something is wrong in this page: walk it again checking every head, so the earliest problem wins.
      leaves.truncate(start.size);
      const slow = walkPage(page, leaves, start.frontier, crossProblems, true);
      return { leaves, frontier: slow.frontier, problems: slow.problem ? [slow.problem] : [] };
    }
    after = page[page.length - 1]!.seq;
  }
}

/** Appends a page's leaves; stops at the first bad entry. `everyHead` checks each recorded tree head. */
function walkPage(
  page: Awaited<ReturnType<typeof readLogPage>>,
  leaves: PackedHashes,
  startFrontier: Uint8Array[],
  crossProblems: Map<number, string>,
  everyHead: boolean,
): { frontier: Uint8Array[]; problem?: LogProblem } {
  let frontier = startFrontier;
  for (const row of page) {
    const index = leaves.length;
    if (row.seq !== index) {
      const message =
        row.seq > index
          ? `entry ${index} is missing (the next stored entry is ${row.seq}): entries were removed`
          : `entry ${row.seq} appears twice or out of order`;
      return { frontier, problem: { index, message } };
    }
    const leaf = leafHash(row.entry);
    if (hex(leaf) !== row.leafHash) {
      return {
        frontier,
        problem: {
          index,
          message: `entry ${index} was changed: its content no longer hashes to its leaf hash`,
        },
      };
    }
    frontier = appendToFrontier(frontier, index, leaf);
    leaves.push(leaf);
    if (everyHead && hex(foldFrontier(frontier)) !== row.treeHead) {
      const message = `entry ${index}: the tree head differs from the one recorded when it was appended (an entry was inserted, removed or rewritten at or before ${index})`;
      return { frontier, problem: { index, message } };
    }
    const cross = crossProblems.get(row.seq);
    if (cross) return { frontier, problem: { index, message: cross } };
  }
  return { frontier };
}

/** Each document/audit entry against the row it describes: a changed ledger or audit row is caught here. */
async function crossCheck(
  db: Kysely<Database>,
  page: Awaited<ReturnType<typeof readLogPage>>,
): Promise<Map<number, string>> {
  const problems = new Map<number, string>();
  const documents = page.filter((r) => r.kind === 'document');
  const audits = page.filter((r) => r.kind === 'audit');
  const hashes = await getArtifactHashes(
    db,
    documents.map((r) => r.ref),
  );
  for (const row of documents) {
    const recorded = parseJson<{ docHash?: string }>(row.entry).docHash;
    const actual = hashes.get(row.ref);
    if (actual === undefined) problems.set(row.seq, `entry ${row.seq}: ledger row ${row.ref} was deleted`);
    else if (actual !== recorded) {
      problems.set(
        row.seq,
        `entry ${row.seq}: ledger row ${row.ref} now points at ${actual}, the log recorded ${recorded}`,
      );
    }
  }
  const rows = await getAuditRows(
    db,
    audits.map((r) => Number(r.ref)),
  );
  for (const row of audits) {
    const audit = rows.get(Number(row.ref));
    const entry = parseJson<Record<string, unknown>>(row.entry);
    if (!audit) problems.set(row.seq, `entry ${row.seq}: audit row ${row.ref} was deleted`);
    else if (!sameFields(entry, auditLogData(audit)) || audit.at !== entry.at) {
      problems.set(row.seq, `entry ${row.seq}: audit row ${row.ref} was changed after it was logged`);
    }
  }
  return problems;
}

function sameFields(entry: Record<string, unknown>, expected: Record<string, unknown>): boolean {
  return Object.entries(expected).every(([k, v]) => canonicalJson(entry[k]) === canonicalJson(v));
}

function stateProblems(state: LogState, rows: number, frontier: Uint8Array[]): LogProblem[] {
  if (state.size > rows) {
    return [
      {
        index: rows,
        message: `the log holds ${rows} entries but recorded ${state.size}: entries ${rows}..${state.size - 1} were cut from the end`,
      },
    ];
  }
  if (state.size < rows) {
    return [
      { index: state.size, message: `entries from ${state.size} on were added outside the log's append` },
    ];
  }
  if (state.frontier.join() !== frontier.map(hex).join()) {
    return [{ message: "the log state's right edge does not match its entries (state row rewritten)" }];
  }
  return [];
}

function checkCheckpoint(
  checkpoint: Checkpoint,
  trustedPublicKey: string | undefined,
  leaves: PackedHashes,
  problems: LogProblem[],
): LogVerification['checkpoint'] {
  const result = { size: checkpoint.size, rootHash: checkpoint.rootHash, consistent: false };
  if (trustedPublicKey === undefined) {
    problems.push({ message: 'no trusted log key to check the checkpoint with' });
    return result;
  }
  try {
    assertCheckpointSignature(checkpoint, trustedPublicKey);
  } catch (err) {
    problems.push({ message: errorMessage(err) });
    return result;
  }
  const n = leaves.length;
  if (checkpoint.size > n) {
    problems.push({
      index: n,
      message: `the checkpoint signed ${checkpoint.size} entries but only ${n} verify: entries ${n}..${checkpoint.size - 1} are missing or bad (truncated or removed)`,
    });
    return result;
  }
  const oldRoot = Buffer.from(checkpoint.rootHash, 'hex');
  const newRoot = subtreeHead(leaves, 0, n);
  const proof = consistencyProof(leaves, checkpoint.size, n);
  result.consistent = verifyConsistency(checkpoint.size, n, oldRoot, newRoot, proof);
  if (!result.consistent) {
    problems.push({
      message: `the first ${checkpoint.size} entries no longer form the signed tree ${checkpoint.rootHash.slice(0, 16)}…: entries before ${checkpoint.size} were changed, inserted or removed and their hashes recomputed`,
    });
  }
  return result;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}
