import { csvLine } from '../../core/csv-cell.ts';
import { MARK_FORMAT } from './mark-payload.ts';
import type { PrintStreamOptions } from './options.ts';
import type { Placement } from './placement.ts';

/** One document in a print file, as the print house gets it (the address is for them, never for logs). */
export interface ManifestDocument {
  stream: string;
  sequence: number;
  customerId: string;
  communicationId: string;
  documentSha256: string;
  pages: number;
  sheets: number;
  blankPages: number;
  firstSheet: number;
  firstPage: number;
  envelope: number;
  endOfEnvelope: boolean;
  postalCode: string;
  city: string;
  country: string;
  addressLines: string[];
  /** An agent's re-print of an earlier document (its communication id in `reprintOf`). */
  reprint: boolean;
  reprintOf: string | null;
}

export interface StreamTotals {
  documents: number;
  /** The documents' own pages. */
  pages: number;
  /** Pages in the file: documents' pages plus blank backs. */
  physicalPages: number;
  blankPages: number;
  sheets: number;
  envelopes: number;
}

export interface StreamSummary extends StreamTotals {
  index: number;
  file: string;
  sha256: string;
  size: number;
}

export interface RunInfo {
  id: string;
  short: string;
  communicationType: string;
  asOf: string;
}

export interface StreamManifest {
  format: 'missive-print-stream/1';
  run: RunInfo;
  options: PrintStreamOptions;
  mark: string;
  stream: StreamSummary;
  documents: ManifestDocument[];
}

export interface RunManifestFailure {
  customerId: string;
  communicationId: string;
  code: string;
  reason: string;
}

export interface RunManifest {
  format: 'missive-print-run/1';
  run: RunInfo;
  options: PrintStreamOptions;
  mark: string;
  streams: StreamSummary[];
  totals: StreamTotals & { streams: number; failed: number };
  failures: RunManifestFailure[];
}

export function manifestDocument(stream: string, p: Placement): ManifestDocument {
  const { entry } = p;
  return {
    stream,
    sequence: p.sequence,
    customerId: entry.customerId,
    communicationId: entry.communicationId,
    documentSha256: entry.sha256,
    pages: p.pages,
    sheets: p.sheets,
    blankPages: p.blankPages,
    firstSheet: p.firstSheet,
    firstPage: p.firstPage,
    envelope: p.envelope,
    endOfEnvelope: p.lastInEnvelope,
    postalCode: entry.address.postalCode,
    city: entry.address.city,
    country: entry.address.country,
    addressLines: [...entry.address.lines],
    reprint: entry.reprintOf !== undefined,
    reprintOf: entry.reprintOf ?? null,
  };
}

export function streamManifest(
  run: RunInfo,
  options: PrintStreamOptions,
  stream: StreamSummary,
  documents: ManifestDocument[],
): StreamManifest {
  return {
    format: 'missive-print-stream/1',
    run,
    options,
    mark: markDescription(options),
    stream,
    documents,
  };
}

export function markDescription(options: PrintStreamOptions): string {
  return options.marks === 'datamatrix'
    ? `datamatrix ${MARK_FORMAT}`
    : 'omr start|insert|check×3|parity|stop';
}

/** Address columns in the CSV: lines beyond the fourth are joined into the fourth. */
export const CSV_ADDRESS_LINES = 4;

export const CSV_HEADER = csvLine([
  'stream',
  'sequence',
  'customer_id',
  'communication_id',
  'document_sha256',
  'pages',
  'sheets',
  'blank_pages',
  'first_sheet',
  'first_page',
  'envelope',
  'end_of_envelope',
  'postal_code',
  'city',
  'country',
  ...Array.from({ length: CSV_ADDRESS_LINES }, (_, i) => `address_line_${i + 1}`),
  // Last, so the columns before keep their places: 1 and the original's id for an agent's re-print.
  'reprint',
  'reprint_of',
]);

export function csvRow(d: ManifestDocument): string {
  const lines = d.addressLines.slice(0, CSV_ADDRESS_LINES - 1);
  lines.push(d.addressLines.slice(CSV_ADDRESS_LINES - 1).join(', '));
  while (lines.length < CSV_ADDRESS_LINES) lines.push('');
  return csvLine([
    d.stream,
    d.sequence,
    d.customerId,
    d.communicationId,
    d.documentSha256,
    d.pages,
    d.sheets,
    d.blankPages,
    d.firstSheet,
    d.firstPage,
    d.envelope,
    d.endOfEnvelope ? 1 : 0,
    d.postalCode,
    d.city,
    d.country,
    ...lines,
    d.reprint ? 1 : 0,
    d.reprintOf ?? '',
  ]);
}

export function sumTotals(items: readonly StreamTotals[]): StreamTotals {
  const zero: StreamTotals = {
    documents: 0,
    pages: 0,
    physicalPages: 0,
    blankPages: 0,
    sheets: 0,
    envelopes: 0,
  };
  return items.reduce(
    (t, s) => ({
      documents: t.documents + s.documents,
      pages: t.pages + s.pages,
      physicalPages: t.physicalPages + s.physicalPages,
      blankPages: t.blankPages + s.blankPages,
      sheets: t.sheets + s.sheets,
      envelopes: t.envelopes + s.envelopes,
    }),
    zero,
  );
}
