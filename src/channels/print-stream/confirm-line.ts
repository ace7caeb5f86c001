import type { PrintPieceKey } from '../../store/index.ts';
import { PRINT_HOUSE_STATUSES, type PrintHouseStatus } from './print-lifecycle.ts';

/**
 * One line of the print house's returned manifest (docs/ARCHITECTURE.md "Print lifecycle"): CSV
 * with a header row, columns by name in any order, others ignored — so Missive's own manifest CSV
 * with `status` and `timestamp` added is one. Pure: header and cells in, a line or its fault out.
 */
export interface ConfirmLine {
  line: number;
  /** The print file, as the manifest names it (`<run>-p001.pdf`). */
  stream: string;
  key: PrintPieceKey;
  status: PrintHouseStatus;
  /** The print house's time, ISO-8601 UTC. */
  at: string;
}

export interface BadLine {
  line: number;
  field: string;
  reason: string;
}

/** Columns a confirm file needs: the file, one way to name the piece, what happened and when. */
export const CONFIRM_KEY_COLUMNS = ['communication_id', 'sequence', 'envelope'] as const;
export const CONFIRM_REQUIRED_COLUMNS = ['stream', 'status', 'timestamp'] as const;

/** The header's faults (missing columns), empty when it will do. */
export function headerProblems(header: readonly string[]): string[] {
  const names = new Set(header.map((h) => h.trim().toLowerCase()));
  const missing = CONFIRM_REQUIRED_COLUMNS.filter((c) => !names.has(c));
  const problems = missing.map((c) => `no "${c}" column`);
  if (!CONFIRM_KEY_COLUMNS.some((c) => names.has(c)))
    problems.push(`none of the columns ${CONFIRM_KEY_COLUMNS.join(', ')} names the piece`);
  return problems;
}

/** ISO-8601 with a zone (Z or ±hh:mm): the print house's clock, not ours. */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;
const POSITIVE = /^[1-9]\d{0,8}$/;

/**
 * A record → the line it confirms, or the first field at fault.
 *
 * @example decodeConfirmLine(['stream','sequence','status','timestamp'], ['r-p001.pdf','3','mailed','2026-11-02T09:00:00Z'], 2)
 * // { line: 2, stream: 'r-p001.pdf', key: { sequence: 3 }, status: 'mailed', at: '2026-11-02T09:00:00.000Z' }
 */
export function decodeConfirmLine(
  header: readonly string[],
  cells: readonly string[],
  line: number,
): ConfirmLine | BadLine {
  const cell = (name: string) => {
    const i = header.findIndex((h) => h.trim().toLowerCase() === name);
    return i < 0 ? '' : (cells[i] ?? '').trim();
  };
  const bad = (field: string, reason: string): BadLine => ({ line, field, reason });
  const stream = cell('stream');
  if (!stream) return bad('stream', 'missing: the print file the piece is in');
  const status = cell('status').toLowerCase();
  if (!(PRINT_HOUSE_STATUSES as readonly string[]).includes(status))
    return bad('status', `"${cell('status')}" is not one of ${PRINT_HOUSE_STATUSES.join(', ')}`);
  const time = cell('timestamp');
  if (!TIMESTAMP.test(time) || Number.isNaN(Date.parse(time.replace(' ', 'T'))))
    return bad('timestamp', `"${time}" is not an ISO-8601 time with a zone (2026-11-02T09:00:00Z)`);
  const key = pieceKey(cell);
  if ('field' in key) return bad(key.field, key.reason);
  const at = new Date(Date.parse(time.replace(' ', 'T'))).toISOString();
  return { line, stream, key, status: status as PrintHouseStatus, at };
}

/** The first of communication_id, sequence, envelope that is filled in. */
function pieceKey(cell: (name: string) => string): PrintPieceKey | { field: string; reason: string } {
  const id = cell('communication_id');
  if (id) return { communicationId: id };
  for (const field of ['sequence', 'envelope'] as const) {
    const text = cell(field);
    if (!text) continue;
    if (!POSITIVE.test(text)) return { field, reason: `"${text}" is not a positive whole number` };
    return field === 'sequence' ? { sequence: Number(text) } : { envelope: Number(text) };
  }
  return { field: 'communication_id', reason: 'missing: give communication_id, sequence or envelope' };
}
