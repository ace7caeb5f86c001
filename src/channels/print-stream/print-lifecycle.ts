import type { CommunicationStatus } from '../../core/types.ts';

/**
 * A letter's life after Missive (issue 19): `archived` → `in_print_file` (its print file made) →
 * `printed` → `mailed`, as the print house's returned manifest says; or `spoiled` (damaged in
 * production, printed again as a re-print). Pure: what one confirmed status does to a letter.
 */
export const PRINT_HOUSE_STATUSES = ['printed', 'mailed', 'spoiled'] as const;
export type PrintHouseStatus = (typeof PRINT_HOUSE_STATUSES)[number];

/** move: through the ledger from these statuses; unchanged: already there or past it; conflict: refused. */
export type LifecycleStep =
  | { kind: 'move'; from: readonly CommunicationStatus[] }
  | { kind: 'unchanged' }
  | { kind: 'conflict'; reason: string };

const FROM: Record<PrintHouseStatus, readonly CommunicationStatus[]> = {
  printed: ['in_print_file'],
  mailed: ['in_print_file', 'printed'],
  spoiled: ['in_print_file', 'printed'],
};

/** Where a status is already reached (the same file twice, or a later file came first). */
const REACHED: Record<PrintHouseStatus, readonly CommunicationStatus[]> = {
  printed: ['printed', 'mailed', 'spoiled'],
  mailed: ['mailed'],
  spoiled: ['spoiled'],
};

/**
 * What the print house's `status` for a letter now in `current` does.
 *
 * @example lifecycleStep('printed', 'printed') // { kind: 'unchanged' }: the same file again
 * @example lifecycleStep('mailed', 'spoiled') // conflict: a spoiled piece was not mailed
 */
export function lifecycleStep(current: CommunicationStatus, status: PrintHouseStatus): LifecycleStep {
  if (FROM[status].includes(current)) return { kind: 'move', from: FROM[status] };
  if (REACHED[status].includes(current)) return { kind: 'unchanged' };
  if (current === 'mailed' || current === 'spoiled')
    return { kind: 'conflict', reason: `the letter is already ${current}` };
  return { kind: 'conflict', reason: `the letter is not in a print file (status ${current})` };
}
