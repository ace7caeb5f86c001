import { MissiveError } from '../../../core/errors.ts';
import type { DrawContext } from '../context.ts';

/** The array a table or chart iterates, found by its dotted path in the data (own properties only). */
export function dataList(
  ctx: DrawContext,
  block: { readonly rows: string },
  path: string,
): readonly unknown[] {
  let value: unknown = ctx.data;
  for (const key of block.rows.split('.')) {
    value =
      typeof value === 'object' && value !== null && Object.hasOwn(value, key)
        ? (value as Record<string, unknown>)[key]
        : undefined;
  }
  if (Array.isArray(value)) return value;
  const details = { file: 'print.yaml', field: `${path}.rows`, variable: block.rows };
  if (value === undefined) {
    throw new MissiveError(
      'MSV_TEMPLATE_VARIABLE_MISSING',
      `print.yaml ${path}.rows: "${block.rows}" is not in the document data`,
      details,
    );
  }
  throw new MissiveError(
    'MSV_RENDER_FAILED',
    `print.yaml ${path}.rows: "${block.rows}" is not a list`,
    details,
  );
}

/** Running sums of every numeric field of the rows drawn so far, for "carried forward" subtotals. */
export function addToSums(sums: Record<string, number>, row: unknown): void {
  if (typeof row !== 'object' || row === null) return;
  for (const [key, value] of Object.entries(row)) {
    if (typeof value === 'number') sums[key] = (sums[key] ?? 0) + value;
  }
}

/** The array a table iterates. */
export const tableRows = dataList;
