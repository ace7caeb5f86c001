import fs from 'node:fs/promises';
import path from 'node:path';
import { MissiveError } from '../core/errors.ts';
import { DELIMITERS, SOURCE_FORMATS, type SourceFormat } from './source-formats.ts';

const EXTENSIONS: Record<string, SourceFormat> = {
  '.csv': 'csv',
  '.tsv': 'csv',
  '.txt': 'csv',
  '.ndjson': 'ndjson',
  '.jsonl': 'ndjson',
};

/** The format asked for, or the one the file's extension names. */
export function detectFormat(file: string, explicit?: string): SourceFormat {
  if (explicit !== undefined) {
    if ((SOURCE_FORMATS as readonly string[]).includes(explicit)) return explicit as SourceFormat;
    throw new MissiveError('MSV_INPUT_BAD_FILE', `unknown format "${explicit}" (use csv or ndjson)`, {
      file,
    });
  }
  const format = EXTENSIONS[path.extname(file).toLowerCase()];
  if (format) return format;
  throw new MissiveError(
    'MSV_INPUT_BAD_FILE',
    `cannot tell the format from the file name (use .csv, .tsv, .txt, .ndjson or .jsonl, or give the format: csv or ndjson)`,
    { file },
  );
}

/** Checks an explicit delimiter: one of , ; TAB | (also accepted spelled "tab" or "\t"). */
export function normaliseDelimiter(delimiter: string, file: string): string {
  const d = delimiter === 'tab' || delimiter === '\\t' ? '\t' : delimiter;
  if ((DELIMITERS as readonly string[]).includes(d)) return d;
  throw new MissiveError(
    'MSV_INPUT_BAD_FILE',
    `unsupported delimiter ${JSON.stringify(delimiter)} (use , ; tab or |)`,
    {
      file,
    },
  );
}

/**
 * The delimiter of a CSV, judged from its header line: the candidate (, ; TAB |) that occurs most
 * often outside quotes; ties go to the earlier in that list, and a one-column header means ",".
 */
export function detectDelimiter(headerLine: string): string {
  const counts = new Map<string, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best = ',';
  let bestCount = 0;
  for (const [d, n] of counts) {
    if (n > bestCount) {
      best = d;
      bestCount = n;
    }
  }
  return best;
}

/** Opens a file for reading, or says in a MissiveError why it cannot be. */
export async function openForReading(file: string): Promise<fs.FileHandle> {
  const stat = await fs.stat(file).catch((err: unknown) => {
    throw cannotRead(file, err);
  });
  if (!stat.isFile()) throw cannotRead(file, { code: 'ENOTFILE' });
  return await fs.open(file, 'r').catch((err: unknown) => {
    throw cannotRead(file, err);
  });
}

export function cannotRead(file: string, err: unknown): MissiveError {
  const code = (err as NodeJS.ErrnoException).code;
  const reason =
    code === 'ENOENT'
      ? 'file not found'
      : code === 'EACCES'
        ? 'permission denied'
        : code === 'ENOTFILE' || code === 'EISDIR'
          ? 'not a regular file'
          : (err as Error).message;
  return new MissiveError('MSV_INPUT_BAD_FILE', `cannot read the file: ${reason}`, { file }, { cause: err });
}
