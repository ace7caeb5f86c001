import fs from 'node:fs';
import path from 'node:path';
import { prepareFileRun } from '../batch/index.ts';
import {
  fileWrittenAt,
  type ImportProgress,
  type ImportSummary,
  importCustomers,
} from '../customers/index.ts';
import { upsertCustomers } from '../store/index.ts';
import { createProgressBar, estimateRows } from './progress-bar.ts';
import type { Runtime } from './runtime.ts';

export interface ImportRequest {
  file: string;
  mapping?: string | undefined;
  format?: string | undefined;
  delimiter?: string | undefined;
  encoding?: string | undefined;
  /** The file's as-of (ISO date or time): consent changes recorded after it are kept. Default: its mtime. */
  asOf?: string | undefined;
  rejectReportPath?: string | undefined;
}

/**
 * Imports a customer file into the store with a progress bar; every reject goes to a report file.
 * With `runId`, the file is the run's source (src/batch/run-source.ts): its good rows become the
 * run's customers and its bad rows the run's input failures; undefined when that was done before.
 */
export async function importWithProgress(rt: Runtime, request: ImportRequest): Promise<ImportSummary>;
export async function importWithProgress(
  rt: Runtime,
  request: ImportRequest,
  runId: string,
): Promise<ImportSummary | undefined>;
export async function importWithProgress(
  rt: Runtime,
  request: ImportRequest,
  runId?: string,
): Promise<ImportSummary | undefined> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const rejectReportPath =
    request.rejectReportPath ??
    path.join(rt.config.dataDir, 'rejects', `${path.basename(request.file)}.${stamp}.rejects.csv`);
  fs.mkdirSync(path.dirname(rejectReportPath), { recursive: true });
  const asOf = request.asOf === undefined ? fileWrittenAt(request.file) : Promise.resolve(request.asOf);
  const bar = createProgressBar({ label: 'importing', unit: 'rows', countFrom: 0 });
  try {
    const onProgress = (p: ImportProgress) => {
      const { total, estimated } = estimateRows(p);
      bar.update(p.rows, total, { rejected: p.rejected }, estimated);
    };
    const summary = runId
      ? await prepareFileRun(
          rt.store.db,
          runId,
          { kind: 'file', ...request },
          { rejectReportPath, onProgress },
        )
      : await importCustomers({
          ...request,
          rejectReportPath,
          sink: async (batch) => upsertCustomers(rt.store.db, batch, { consentChangesAfter: await asOf }),
          onProgress,
        });
    if (!summary) return undefined;
    bar.finish(summary.rows, summary.rows, { rejected: summary.rejected });
    // No rejects, no report: an empty file would only make people look for problems.
    if (summary.rejected === 0 && summary.rejectReportPath && !request.rejectReportPath) {
      fs.rmSync(summary.rejectReportPath, { force: true });
      return { ...summary, rejectReportPath: null };
    }
    return summary;
  } finally {
    bar.stop();
  }
}

export function formatImportSummary(s: ImportSummary): string {
  const lines = [
    `imported ${s.file} (${s.format}): ${s.rows} rows — ${s.imported} new, ${s.updated} updated, ${s.unchanged} unchanged, ${s.rejected} rejected`,
  ];
  for (const r of s.rejects.slice(0, 10)) {
    lines.push(`  line ${r.line}${r.field ? ` ${r.field}` : ''}: ${r.reason} [${r.code}]`);
  }
  if (s.rejected > 10) lines.push(`  … ${s.rejected - 10} more`);
  if (s.rejected > 0 && s.rejectReportPath) lines.push(`  every reject: ${s.rejectReportPath}`);
  if (!s.complete) lines.push('  the file could not be read to its end (see the rejects above)');
  return `${lines.join('\n')}\n`;
}
