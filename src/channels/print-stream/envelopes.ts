import type { PrintEntry } from './print-entry.ts';
import { planSheets } from './sheet-plan.ts';

/** Documents that go into one envelope, in print order. */
export interface Envelope {
  readonly entries: readonly PrintEntry[];
}

export interface EnvelopeOptions {
  readonly duplex: boolean;
  /** Group consecutive documents with the same household key. */
  readonly householdKey?: (entry: PrintEntry) => string;
  /** Sheets an envelope holds; a household beyond it is split, a single document never is. */
  readonly maxSheets: number;
}

/**
 * Groups entries (already in print order) into envelopes. Without householding every document has
 * its own envelope. With it, consecutive documents of one household share envelopes, filled in
 * order until the next document would pass `maxSheets` (sheets from the ledger's page counts).
 */
export function groupEnvelopes(sorted: readonly PrintEntry[], options: EnvelopeOptions): Envelope[] {
  const { householdKey } = options;
  if (!householdKey) return sorted.map((entry) => ({ entries: [entry] }));
  const envelopes: Envelope[] = [];
  let current: PrintEntry[] = [];
  let currentKey = '';
  let currentSheets = 0;
  for (const entry of sorted) {
    const key = householdKey(entry);
    const sheets = planSheets(entry.pages, options.duplex).sheets;
    const fits = key === currentKey && currentSheets + sheets <= options.maxSheets;
    if (current.length > 0 && !fits) {
      envelopes.push({ entries: current });
      current = [];
      currentSheets = 0;
    }
    current.push(entry);
    currentKey = key;
    currentSheets += sheets;
  }
  if (current.length > 0) envelopes.push({ entries: current });
  return envelopes;
}

/** Splits envelopes into print files of at most `size` documents; an envelope is never split. */
export function splitStreams(envelopes: readonly Envelope[], size: number): Envelope[][] {
  const streams: Envelope[][] = [];
  let current: Envelope[] = [];
  let documents = 0;
  for (const envelope of envelopes) {
    if (current.length > 0 && documents + envelope.entries.length > size) {
      streams.push(current);
      current = [];
      documents = 0;
    }
    current.push(envelope);
    documents += envelope.entries.length;
  }
  if (current.length > 0) streams.push(current);
  return streams;
}
