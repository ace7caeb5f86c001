import fs from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { BlobStore } from '../../archive/index.ts';
import { MissiveError } from '../../core/errors.ts';
import { sha256Hex } from '../../core/hash.ts';
import type { Logger } from '../../core/logger.ts';
import {
  canonicalJson,
  type Database,
  getRun,
  hasRunFailure,
  type NewPrintStream,
  type PrintFileDocument,
  printStreamId,
  recordRunFailure,
  replacePrintStreams,
} from '../../store/index.ts';
import { type AssembledStream, assembleStream, type LeftOut } from './assemble-stream.ts';
import { loadPrintEntries } from './load-entries.ts';
import {
  CSV_HEADER,
  csvRow,
  manifestDocument,
  markDescription,
  type RunInfo,
  type RunManifest,
  type RunManifestFailure,
  type StreamSummary,
  streamManifest,
  sumTotals,
} from './manifest.ts';
import { markInPrintFile } from './mark-in-print-file.ts';
import { shortRunId } from './mark-payload.ts';
import { SHEET_MARKS } from './marks.ts';
import type { PrintStreamOptions } from './options.ts';
import type { Placement } from './placement.ts';
import { planPrintStreams } from './plan-streams.ts';

export interface PrintStreamDeps {
  db: Kysely<Database>;
  blobs: BlobStore;
  logger: Logger;
  /**
   * Called with the communications the print files hold, once the files are recorded: the letters
   * are handed to the print house then, and the feedback loop counts their offers' exposures
   * (src/feedback/model-stats.ts recordPrintedExposures), as dispatch's `onSent` does for an e-mail.
   */
  onPrinted?: ((communicationIds: readonly string[]) => Promise<void>) | undefined;
}

export interface PrintStreamRequest {
  runId: string;
  options: PrintStreamOptions;
  /** Folder for the print files and manifests (created if missing). */
  outDir: string;
  onProgress?: (documents: number, total: number) => void;
}

export interface PrintStreamOutcome {
  run: RunInfo;
  optionsKey: string;
  outDir: string;
  streams: StreamSummary[];
  totals: RunManifest['totals'];
  failures: RunManifestFailure[];
  /** The run's manifest files (JSON, CSV). */
  manifests: { json: string; csv: string };
}

/** The failure list's stage for documents that could not go into a print file. */
export const PRINT_STAGE = 'print';

/**
 * Makes a run's print streams: the run's print documents in postal order, grouped into envelopes
 * (householding optional), split into files of `size` documents, each file assembled, stored in the
 * archive (it is what the print house gets), written to `outDir` with its manifest (JSON + CSV) and
 * recorded in `print_streams`; plus the run's manifest. Documents that cannot be printed go to the
 * run's failure list and the files go on without them. Same run and options ⇒ same bytes.
 */
export async function buildPrintStreams(
  deps: PrintStreamDeps,
  request: PrintStreamRequest,
): Promise<PrintStreamOutcome> {
  const { options, outDir } = request;
  const stored = await getRun(deps.db, request.runId);
  if (!stored)
    throw new MissiveError('MSV_RUN_NOT_FOUND', `no run ${request.runId}`, { runId: request.runId });
  const run: RunInfo = {
    id: stored.id,
    short: shortRunId(stored.id),
    communicationType: stored.communicationType,
    asOf: stored.asOf,
  };
  const optionsKey = sha256Hex(canonicalJson(options)).slice(0, 12);
  const { entries, unprintable } = await loadPrintEntries(deps.db, run.id, deps.blobs);
  const plan = planPrintStreams(entries, options);
  const failures: RunManifestFailure[] = unprintable.map((u) => ({ ...u }));
  await fs.mkdir(outDir, { recursive: true });
  await removeOldFiles(outDir, run.id);
  const ctx: StreamContext = {
    deps,
    run,
    options,
    optionsKey,
    outDir,
    runCsv: path.join(outDir, `${run.id}-manifest.csv`),
  };
  await fs.writeFile(ctx.runCsv, CSV_HEADER);
  const mark = SHEET_MARKS[options.marks]();
  const made: { summary: StreamSummary; record: NewPrintStream }[] = [];
  const printed: string[] = [];
  const placed: PrintFileDocument[] = [];
  let done = 0;
  request.onProgress?.(0, entries.length);
  for (const [i, envelopes] of plan.entries()) {
    const assembled = await assembleStream({
      runId: run.id,
      asOf: run.asOf,
      title: `${run.id} print stream ${i + 1} of ${plan.length}`,
      envelopes,
      duplex: options.duplex,
      mark,
      load: (entry) => deps.blobs.get(entry.sha256),
      onProgress: (n) => request.onProgress?.(done + n, entries.length),
    });
    done += envelopes.reduce((n, e) => n + e.entries.length, 0);
    failures.push(...assembled.leftOut.map(leftOutFailure));
    printed.push(...assembled.placements.map((p) => p.entry.communicationId));
    const stored = await storeStream(ctx, i + 1, assembled);
    made.push(stored);
    placed.push(...assembled.placements.map((p) => placedIn(ctx, i + 1, stored.summary.file, p)));
  }
  await recordFailures(deps, run.id, failures);
  await replacePrintStreams(
    deps.db,
    run.id,
    optionsKey,
    made.map((s) => s.record),
  );
  await deps.onPrinted?.(printed);
  // The print lifecycle (issue 19): each letter is now `in_print_file`, and known to be in its file.
  await markInPrintFile(deps.db, placed);
  const streams = made.map((s) => s.summary);
  const totals = { ...sumTotals(streams), streams: streams.length, failed: failures.length };
  const runManifest: RunManifest = {
    format: 'missive-print-run/1',
    run,
    options,
    mark: markDescription(options),
    streams,
    totals,
    failures,
  };
  const runJson = path.join(outDir, `${run.id}-manifest.json`);
  await fs.writeFile(runJson, `${JSON.stringify(runManifest, null, 2)}\n`);
  return {
    run,
    optionsKey,
    outDir,
    streams,
    totals,
    failures,
    manifests: { json: runJson, csv: ctx.runCsv },
  };
}

interface StreamContext {
  deps: PrintStreamDeps;
  run: RunInfo;
  options: PrintStreamOptions;
  optionsKey: string;
  outDir: string;
  runCsv: string;
}

const placedIn = (ctx: StreamContext, index: number, file: string, p: Placement): PrintFileDocument => ({
  communicationId: p.entry.communicationId,
  runId: ctx.run.id,
  streamId: printStreamId(ctx.run.id, ctx.optionsKey, index),
  fileName: file,
  sequence: p.sequence,
  envelope: p.envelope,
});

const leftOutFailure = (left: LeftOut): RunManifestFailure => ({
  customerId: left.entry.customerId,
  communicationId: left.entry.communicationId,
  code: left.code,
  reason: left.reason,
});

/**
 * One assembled file: into the archive, then to the output folder with its manifest (JSON, also
 * archived, and CSV), its rows appended to the run's CSV. Returns its summary and its table row.
 */
async function storeStream(
  ctx: StreamContext,
  index: number,
  assembled: AssembledStream,
): Promise<{ summary: StreamSummary; record: NewPrintStream }> {
  const { run, options, outDir, deps } = ctx;
  const name = `${run.id}-p${String(index).padStart(3, '0')}`;
  const blob = await deps.blobs.put(assembled.bytes);
  const { totals } = assembled;
  const summary: StreamSummary = {
    index,
    file: `${name}.pdf`,
    sha256: blob.sha256,
    size: blob.size,
    documents: totals.documents,
    pages: totals.pages,
    physicalPages: totals.physicalPages,
    blankPages: totals.blankPages,
    sheets: totals.sheets,
    envelopes: totals.envelopes,
  };
  const documents = assembled.placements.map((p) => manifestDocument(summary.file, p));
  const manifest = `${JSON.stringify(streamManifest(run, options, summary, documents), null, 2)}\n`;
  const manifestBlob = await deps.blobs.put(new TextEncoder().encode(manifest));
  const csv = documents.map(csvRow).join('');
  await fs.writeFile(path.join(outDir, summary.file), assembled.bytes);
  await fs.writeFile(path.join(outDir, `${name}.manifest.json`), manifest);
  await fs.writeFile(path.join(outDir, `${name}.manifest.csv`), CSV_HEADER + csv);
  await fs.appendFile(ctx.runCsv, csv);
  const { sha256, documents: n, sheets } = summary;
  deps.logger.info({ runId: run.id, stream: index, documents: n, sheets, sha256 }, 'print stream archived');
  const record: NewPrintStream = {
    ...summary,
    runId: run.id,
    optionsKey: ctx.optionsKey,
    options: { ...options },
    fileName: summary.file,
    manifestSha256: manifestBlob.sha256,
  };
  return { summary, record };
}

/** Each failure once in the run's failure list, however often the print streams are made. */
async function recordFailures(
  deps: PrintStreamDeps,
  runId: string,
  failures: readonly RunManifestFailure[],
): Promise<void> {
  for (const f of failures) {
    deps.logger.warn(
      { runId, customerId: f.customerId, communicationId: f.communicationId, code: f.code },
      'left out of the print stream',
    );
    if (await hasRunFailure(deps.db, runId, f.customerId, PRINT_STAGE, f.code)) continue;
    await recordRunFailure(deps.db, {
      runId,
      customerId: f.customerId,
      stage: PRINT_STAGE,
      code: f.code,
      reason: f.reason,
    });
  }
}

/** Files of an earlier making of this run's streams (there may have been more of them). */
async function removeOldFiles(outDir: string, runId: string): Promise<void> {
  const id = runId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const ours = new RegExp(`^${id}-(p\\d{3,}(\\.manifest)?\\.(pdf|json|csv)|manifest\\.(json|csv))$`);
  for (const name of await fs.readdir(outDir)) {
    if (ours.test(name)) await fs.rm(path.join(outDir, name));
  }
}
