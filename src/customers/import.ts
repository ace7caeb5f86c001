import fs from 'node:fs/promises';
import { closest, distance } from 'fastest-levenshtein';
import { MissiveError } from '../core/errors.ts';
import type { Customer } from '../core/types.ts';
import { openCsvReader } from './csv-reader.ts';
import {
  type CustomerMapping,
  defaultMapping,
  loadMapping,
  type MappingInput,
  mappedColumns,
  parseMapping,
  ROW_NUMBER,
  type SourceFormat,
} from './mapping.ts';
import { openNdjsonReader } from './ndjson-reader.ts';
import { type ImportReject, RejectReportWriter } from './reject-report.ts';
import { compileRowMapper, type MapResult } from './row-mapper.ts';
import { cannotRead, detectFormat, normaliseDelimiter } from './source-format.ts';
import type { RowProblem, SourceItem, SourceRow } from './source-row.ts';

/** Where imported customers go (the CLI wires it to the store's upsert). Called one batch at a time. */
export type CustomerSink = (
  batch: Customer[],
) => Promise<{ inserted: number; updated: number; unchanged: number }>;

export interface ImportProgress {
  /** Data rows read so far (good and rejected). */
  rows: number;
  rejected: number;
  bytesRead: number;
  totalBytes: number;
}

export interface ImportCustomersOptions {
  file: string;
  /** A mapping file path, or a mapping object; none → the default mapping (columns named like the fields). */
  mapping?: string | MappingInput | undefined;
  /** csv or ndjson; default: the mapping's, else from the file extension. */
  format?: string | undefined;
  /** , ; TAB or |; default: the mapping's, else detected from the header line. */
  delimiter?: string | undefined;
  /** The file's encoding (utf-8, utf-16le, gb18030, gbk…); default: the mapping's, else a BOM's, else UTF-8. */
  encoding?: string | undefined;
  /** Customers per sink call (default 500). */
  batchSize?: number | undefined;
  sink: CustomerSink;
  onProgress?: ((progress: ImportProgress) => void) | undefined;
  /** Write every reject to this CSV (line,field,reason,code). */
  rejectReportPath?: string | undefined;
  /** Called once per refused row with all its problems (a run records them in its failure list). */
  onRejectedRow?: ((row: RejectedRow) => Promise<void> | void) | undefined;
  /** How many rejects the summary carries (default 100; the report has them all). */
  maxRejectsInSummary?: number | undefined;
}

export interface RejectedRow {
  line: number;
  row: number;
  customerId: string | null;
  problems: RowProblem[];
}

export interface ImportSummary {
  file: string;
  format: SourceFormat;
  /** Data rows read (header and blank lines excluded). */
  rows: number;
  /** New customers (the sink's "inserted"). */
  imported: number;
  updated: number;
  unchanged: number;
  /** Rows refused. A row with several problems counts once here and appears once per problem in rejects. */
  rejected: number;
  /** The first rejects, in file order. */
  rejects: ImportReject[];
  rejectReportPath: string | null;
  /** False when the end of the file could not be read (see the last reject). */
  complete: boolean;
}

export const DEFAULT_BATCH_SIZE = 500;
const PROGRESS_EVERY = 500;

/**
 * Imports customers from a CSV or NDJSON file, streaming: rows are read, mapped and handed to the
 * sink in batches, awaiting each batch before reading on, so memory stays flat for any file size.
 * Bad rows are rejected with line, field and reason, and the import goes on. Throws a MissiveError
 * only when the file or the mapping as a whole cannot be used.
 */
export async function importCustomers(options: ImportCustomersOptions): Promise<ImportSummary> {
  const given = await resolveMapping(options.mapping);
  const format = detectFormat(options.file, options.format ?? given?.format);
  const mapping = given ?? defaultMapping(format);
  const totalBytes = await fileSize(options.file);
  const reader = await openReader(
    options.file,
    format,
    options.delimiter ?? mapping.delimiter,
    options.encoding ?? mapping.encoding,
    mapping,
  );
  let report: RejectReportWriter | null = null;
  try {
    report = options.rejectReportPath ? await RejectReportWriter.open(options.rejectReportPath) : null;
    const run = new ImportRun(options, format, mapping, reader, report, totalBytes);
    return await run.run();
  } finally {
    reader.close();
    await report?.close();
  }
}

/** One import in progress: counts, the batch being filled, the ids seen. */
class ImportRun {
  private readonly summary: ImportSummary;
  private readonly mapRow: (row: SourceRow) => MapResult;
  /** id → line; null when ids come from the row number and cannot repeat. */
  private readonly firstLineOf: Map<string, number> | null;
  private readonly batchSize: number;
  private readonly maxRejects: number;
  private batch: Customer[] = [];

  constructor(
    private readonly options: ImportCustomersOptions,
    format: SourceFormat,
    private readonly mapping: CustomerMapping,
    private readonly reader: Reader,
    private readonly report: RejectReportWriter | null,
    private readonly totalBytes: number,
  ) {
    this.summary = {
      file: options.file,
      format,
      rows: 0,
      imported: 0,
      updated: 0,
      unchanged: 0,
      rejected: 0,
      rejects: [],
      rejectReportPath: report?.file ?? null,
      complete: true,
    };
    this.mapRow = compileRowMapper(mapping);
    this.firstLineOf = mapping.id.from === ROW_NUMBER ? null : new Map();
    this.batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE);
    this.maxRejects = options.maxRejectsInSummary ?? 100;
  }

  async run(): Promise<ImportSummary> {
    for await (const item of this.reader) {
      this.summary.rows++;
      if (item.kind === 'unreadable') await this.reject(item, [item.problem], null);
      else await this.accept(item);
      if (this.summary.rows % PROGRESS_EVERY === 0) this.progress();
    }
    await this.flush();
    this.summary.complete = this.reader.complete;
    this.progress();
    return this.summary;
  }

  private async accept(row: SourceRow): Promise<void> {
    const result = this.mapRow(row);
    if (!result.ok) return this.reject(row, result.problems, result.customerId);
    const { id } = result.customer;
    const first = this.firstLineOf?.get(id);
    if (first !== undefined) {
      const problem: RowProblem = {
        field: this.mapping.id.from,
        reason: `duplicate id (first on line ${first})`,
        code: 'MSV_INPUT_DUPLICATE_ID',
      };
      return this.reject(row, [problem], id);
    }
    this.firstLineOf?.set(id, row.line);
    this.batch.push(result.customer);
    if (this.batch.length >= this.batchSize) await this.flush();
  }

  private async reject(at: { line: number; row: number }, problems: RowProblem[], customerId: string | null) {
    this.summary.rejected++;
    for (const problem of problems) {
      const reject: ImportReject = { line: at.line, row: at.row, ...problem, customerId };
      if (this.summary.rejects.length < this.maxRejects) this.summary.rejects.push(reject);
      await this.report?.write(reject);
    }
    await this.options.onRejectedRow?.({ line: at.line, row: at.row, customerId, problems });
  }

  private async flush(): Promise<void> {
    if (this.batch.length === 0) return;
    const batch = this.batch;
    this.batch = [];
    const counts = await this.options.sink(batch);
    this.summary.imported += counts.inserted;
    this.summary.updated += counts.updated;
    this.summary.unchanged += counts.unchanged;
  }

  private progress(): void {
    this.options.onProgress?.({
      rows: this.summary.rows,
      rejected: this.summary.rejected,
      bytesRead: this.reader.progress.bytesRead,
      totalBytes: this.totalBytes,
    });
  }
}

async function resolveMapping(
  mapping: ImportCustomersOptions['mapping'],
): Promise<CustomerMapping | undefined> {
  if (mapping === undefined) return undefined;
  return typeof mapping === 'string' ? loadMapping(mapping) : parseMapping(mapping);
}

async function fileSize(file: string): Promise<number> {
  try {
    return (await fs.stat(file)).size;
  } catch (err) {
    throw cannotRead(file, err);
  }
}

interface Reader extends AsyncIterable<SourceItem> {
  readonly progress: { bytesRead: number };
  readonly complete: boolean;
  close(): void;
}

async function openReader(
  file: string,
  format: SourceFormat,
  delimiter: string | undefined,
  encoding: string | undefined,
  mapping: CustomerMapping,
): Promise<Reader> {
  if (format === 'ndjson') return openNdjsonReader(file);
  const reader = await openCsvReader(file, {
    ...(delimiter === undefined ? {} : { delimiter: normaliseDelimiter(delimiter, file) }),
    ...(encoding === undefined ? {} : { encoding }),
  });
  try {
    checkHeader(file, reader.columns, reader.delimiter, mapping);
  } catch (err) {
    reader.close();
    throw err;
  }
  return reader;
}

/** Every column the mapping names must be in the header, once (unless missingColumns is "ignore"). */
function checkHeader(
  file: string,
  columns: readonly string[],
  delimiter: string,
  mapping: CustomerMapping,
): void {
  for (const [column, target] of mappedColumns(mapping)) {
    const count = columns.filter((c) => c === column).length;
    if (count > 1) {
      throw new MissiveError(
        'MSV_INPUT_BAD_FILE',
        `column "${column}" (→ ${target}) appears ${count} times in the header`,
        {
          file,
          line: 1,
          field: column,
        },
      );
    }
    if (count === 0 && mapping.missingColumns === 'error') {
      const shown = columns.length > 12 ? `${columns.slice(0, 12).join(', ')}, …` : columns.join(', ');
      const near = columns.length > 1 ? closeColumn(column, columns) : undefined;
      const hint =
        columns.length === 1
          ? ` (one column with delimiter ${JSON.stringify(delimiter)}: wrong delimiter?)`
          : near
            ? ` — did you mean "${near}"?`
            : '';
      throw new MissiveError(
        'MSV_INPUT_BAD_MAPPING',
        `the mapping reads column "${column}" (→ ${target}), which is not in the header [${shown}]${hint}`,
        { file, line: 1, field: column },
      );
    }
  }
}

/** The header's column closest to a misspelt one (case-insensitive, at most 2 edits or a third of it). */
export function closeColumn(wanted: string, columns: readonly string[]): string | undefined {
  const lower = wanted.toLowerCase();
  const candidates = columns.filter((c) => c !== '');
  if (candidates.length === 0) return undefined;
  const best = closest(
    lower,
    candidates.map((c) => c.toLowerCase()),
  );
  const found = candidates.find((c) => c.toLowerCase() === best)!;
  return distance(lower, best) <= Math.max(2, Math.floor(lower.length / 3)) ? found : undefined;
}

/**
 * When a customer file was written (its modification time, ISO): the default as-of of an import, so
 * consent changes recorded after it are not undone by it (store/customers.ts, consentChangesAfter).
 */
export async function fileWrittenAt(file: string): Promise<string> {
  try {
    return (await fs.stat(file)).mtime.toISOString();
  } catch {
    return new Date().toISOString();
  }
}
