import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { Kysely } from 'kysely';
import { MissiveError } from '../core/errors.ts';
import { stableId } from '../core/hash.ts';
import {
  fileWrittenAt,
  type ImportProgress,
  type ImportSummary,
  importCustomers,
} from '../customers/index.ts';
import { asOfParts, type CompiledCatalog, loadPublishedCatalog } from '../rules/index.ts';
import {
  addRunMembers,
  clearInputFailures,
  countCustomers,
  countRunMembers,
  type Database,
  getRun,
  listCustomersAfter,
  type RunRecord,
  recordRunFailure,
  setRunOptions,
  streamCustomerIds,
  streamRunMemberIds,
  upsertCustomers,
} from '../store/index.ts';

/**
 * Where a run's customers come from (issue: `missive run TYPE --customers FILE | --segment NAME | --all`):
 * - all: every customer in the store (`store:all`);
 * - file: the good rows of a customer file, imported into the store as the run is prepared; each bad
 *   row goes to the run's failure list (stage `input`) with its line, field and reason;
 * - segment: the members of a named segment of the published offer catalog on the run's as-of date.
 * The source is part of the run's name, so the same file (same bytes, same mapping) or the same
 * segment names the same run again and resumes it.
 */
export type RunSourceSpec =
  | { kind: 'all' }
  | {
      kind: 'file';
      file: string;
      mapping?: string | undefined;
      format?: string | undefined;
      delimiter?: string | undefined;
    }
  | { kind: 'segment'; name: string };

export const ALL_CUSTOMERS = 'store:all';
const SEGMENT = 'segment:';
const FILE = 'file:';

/** What a file run recorded in its options once its file was read. */
export interface FileSourceOptions {
  file: string;
  mapping: string | null;
  /** Data rows in the file, and how many of them went to the failure list. */
  rows: number;
  rejected: number;
}

/** The source's part of the run's name: `store:all`, `segment:<name>` or `file:<hash of file and mapping>`. */
export async function sourceKeyFor(spec: RunSourceSpec): Promise<string> {
  if (spec.kind === 'all') return ALL_CUSTOMERS;
  if (spec.kind === 'segment') return `${SEGMENT}${spec.name}`;
  const parts = [await fileSha256(spec.file), spec.mapping ? await fileSha256(spec.mapping) : '-'];
  return `${FILE}${stableId('src', ...parts, spec.format ?? '-', spec.delimiter ?? '-')}`;
}

/** `--segment NAME` or the API's `segment:NAME`, else every customer. */
export function parseSourceKey(source: string): RunSourceSpec {
  if (source.startsWith(SEGMENT)) return { kind: 'segment', name: source.slice(SEGMENT.length) };
  if (source === ALL_CUSTOMERS) return { kind: 'all' };
  throw new MissiveError(
    'MSV_RUN_SOURCE',
    `unknown run source "${source}": use store:all or segment:<name> (customer files are run from the CLI: missive run TYPE --customers FILE)`,
    { field: 'source' },
  );
}

/** The run's customer ids in id order, a keyset page at a time (the planner's input). */
export function streamRunCustomerIds(
  db: Kysely<Database>,
  run: Pick<RunRecord, 'id' | 'source'>,
  batchSize: number,
): AsyncGenerator<string[]> {
  return run.source === ALL_CUSTOMERS
    ? streamCustomerIds(db, { batchSize })
    : streamRunMemberIds(db, run.id, batchSize);
}

export async function countRunCustomers(
  db: Kysely<Database>,
  run: Pick<RunRecord, 'id' | 'source'>,
): Promise<number> {
  return run.source === ALL_CUSTOMERS ? countCustomers(db) : countRunMembers(db, run.id);
}

/**
 * Whether the run can be planned: a file run only once `prepareFileRun` has read its file (in the
 * process that has the file); a coordinator leaves it alone until then.
 */
export function isSourceReady(run: Pick<RunRecord, 'source' | 'options'>): boolean {
  return !run.source.startsWith(FILE) || run.options.input !== undefined;
}

/**
 * Makes the run's member list before it is planned. A segment's members are computed here (again
 * after a crash or on a re-plan: adding a member twice adds nothing).
 */
export async function prepareRunSource(db: Kysely<Database>, run: RunRecord): Promise<void> {
  if (!isSourceReady(run)) {
    throw new MissiveError(
      'MSV_RUN_SOURCE',
      `run ${run.id} is over a customer file that has not been read yet; run the same \`missive run … --customers FILE\` again`,
      { runId: run.id },
    );
  }
  // Members are listed once, before the first plan: a resumed or retried run keeps the same customers.
  if (run.source.startsWith(SEGMENT) && run.customersTotal === null)
    await addSegmentMembers(db, run, run.source.slice(SEGMENT.length));
}

/** Refuses a segment the published catalog does not name (the API checks before creating a run). */
export async function assertSegmentKnown(db: Kysely<Database>, segment: string): Promise<CompiledCatalog> {
  const catalog = await loadPublishedCatalog(db);
  const known = catalog.catalog.traits.segments.map((s) => s.id);
  if (!known.includes(segment)) {
    throw new MissiveError(
      'MSV_RUN_SOURCE',
      `catalog ${catalog.catalog.name} has no segment "${segment}" (it has: ${known.join(', ') || 'none'})`,
      { field: 'segment' },
    );
  }
  return catalog;
}

/** Pages through every customer, keeping the named segment's members on the run's as-of date. */
async function addSegmentMembers(db: Kysely<Database>, run: RunRecord, segment: string): Promise<void> {
  const catalog = await assertSegmentKnown(db, segment);
  const asOf = asOfParts(run.asOf);
  let after: string | null = null;
  for (;;) {
    const page = await listCustomersAfter(db, after, 1000);
    if (page.length === 0) return;
    const members = page.filter((customer) => {
      const data = catalog.traits.build(customer, asOf);
      return catalog.segments.assign(data).member.includes(segment);
    });
    await addRunMembers(
      db,
      run.id,
      members.map((c) => c.id),
    );
    after = page[page.length - 1]!.id;
  }
}

/**
 * Reads a file run's customer file: good rows are upserted into the store and become the run's
 * members; every bad row goes to the run's failure list (stage `input`) with its line, field, code
 * and reason, and the import goes on. Done once per run: a run already prepared is left as it is;
 * an interrupted preparation starts over (members are added idempotently, input failures cleared).
 */
export async function prepareFileRun(
  db: Kysely<Database>,
  runId: string,
  spec: Extract<RunSourceSpec, { kind: 'file' }>,
  options: { rejectReportPath?: string | undefined; onProgress?: (p: ImportProgress) => void } = {},
): Promise<ImportSummary | undefined> {
  const run = await getRun(db, runId);
  if (!run) throw new MissiveError('MSV_RUN_NOT_FOUND', `no run ${runId}`, { runId });
  if (run.options.input !== undefined) return undefined;
  await clearInputFailures(db, runId);
  const consentChangesAfter = await fileWrittenAt(spec.file);
  const summary = await importCustomers({
    file: spec.file,
    mapping: spec.mapping,
    format: spec.format,
    delimiter: spec.delimiter,
    rejectReportPath: options.rejectReportPath,
    onProgress: options.onProgress,
    sink: async (batch) => {
      const counts = await upsertCustomers(db, batch, { consentChangesAfter });
      await addRunMembers(
        db,
        runId,
        batch.map((c) => c.id),
      );
      return counts;
    },
    onRejectedRow: async (rejected) => {
      const first = rejected.problems[0]!;
      await recordRunFailure(db, {
        runId,
        customerId: rejected.customerId ?? '',
        stage: 'input',
        code: first.code,
        reason: rejected.problems.map((p) => (p.field ? `${p.field}: ${p.reason}` : p.reason)).join('; '),
        line: rejected.line,
        field: first.field || null,
      });
    },
  });
  const input: FileSourceOptions = {
    file: spec.file,
    mapping: spec.mapping ?? null,
    rows: summary.rows,
    rejected: summary.rejected,
  };
  await setRunOptions(db, runId, { ...run.options, input });
  return summary;
}

/** Streams the file through sha256 (customer files can be large). */
async function fileSha256(file: string): Promise<string> {
  try {
    const hash = createHash('sha256');
    for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
    return hash.digest('hex');
  } catch (err) {
    throw new MissiveError('MSV_INPUT_BAD_FILE', `cannot read ${file}: ${(err as Error).message}`, {
      file,
    });
  }
}
