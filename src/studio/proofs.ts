import type { Kysely } from 'kysely';
import { errorMessage } from '../core/errors.ts';
import type { ChannelKind } from '../core/types.ts';
import { type Database, listCustomersAfter } from '../store/index.ts';
import { compileDraft, type DraftPreviewRequest, draftData, renderDraftChannel } from './render-draft.ts';

/**
 * Proofs of a draft (issue 21 item 6): its print pages at full size (150 dpi, a person reads them as
 * on paper), the whole proof PDF, and a proof set — the same draft rendered for the cases that break
 * layouts: the sample data in each locale, the customer with the longest name and the one with the
 * most table rows (among the first stored customers), each in its own language.
 */
export const PROOF_DPI = 150;
/** How many stored customers (the first by id) the proof set looks through for its extremes. */
export const PROOF_CANDIDATES = 50;

/** The draft's print document as a run would make it (sample data, or a stored customer's). */
export async function proofPdf(
  db: Kysely<Database>,
  req: DraftPreviewRequest,
): Promise<{ bytes: Uint8Array; pages: number }> {
  const { artifact } = await renderDraftChannel(db, req, 'print');
  return { bytes: artifact.bytes, pages: artifact.pages ?? 0 };
}

export interface ProofCase {
  kind: 'sample' | 'longest-name' | 'most-rows';
  locale: string;
  customerId?: string;
  /** The name's length or the number of rows that made the case. */
  measure?: number;
  /** Print pages, when the template prints. */
  pages?: number;
  /** Why the case does not render (shown, not thrown: the set is for finding such things). */
  error?: string;
}

/**
 * The longest list of records anywhere in the document data (the rows of its longest table), offers
 * aside; a list of strings (address lines) is not a table.
 */
export function mostRows(data: unknown): number {
  if (Array.isArray(data)) {
    const rows = data.some((x) => x !== null && typeof x === 'object' && !Array.isArray(x)) ? data.length : 0;
    return Math.max(rows, ...data.map(mostRows));
  }
  if (data && typeof data === 'object')
    return Math.max(0, ...Object.entries(data).map(([k, v]) => (k === 'offers' ? 0 : mostRows(v))));
  return 0;
}

/**
 * The proof set of a draft: sample data in every locale, the longest name, the most rows.
 * Customers whose data cannot be assembled (no feed rows) are passed over.
 */
export async function proofSet(
  db: Kysely<Database>,
  base: Omit<DraftPreviewRequest, 'locale' | 'customerId'>,
): Promise<ProofCase[]> {
  const template = await compileDraft(base.templateName, base.files);
  const prints = (template.manifest.channels as ChannelKind[]).includes('print');
  const cases: ProofCase[] = [];
  if (base.files['sample-data.json'] !== undefined)
    for (const locale of template.manifest.locales) cases.push({ kind: 'sample', locale });

  const candidates = await listCustomersAfter(db, null, PROOF_CANDIDATES);
  const longest = candidates.reduce<(typeof candidates)[number] | undefined>(
    (best, c) => (!best || [...c.name].length > [...best.name].length ? c : best),
    undefined,
  );
  if (longest)
    cases.push({
      kind: 'longest-name',
      locale: longest.locale,
      customerId: longest.id,
      measure: [...longest.name].length,
    });
  let most: { id: string; locale: string; rows: number } | undefined;
  for (const c of candidates) {
    try {
      const { data } = await draftData(db, template, { ...base, customerId: c.id });
      const rows = mostRows(data);
      if (rows > (most?.rows ?? 0)) most = { id: c.id, locale: c.locale, rows };
    } catch {
      // No document data for this customer (e.g. no feed rows): not a candidate.
    }
  }
  if (most) cases.push({ kind: 'most-rows', locale: most.locale, customerId: most.id, measure: most.rows });

  if (!prints) return cases;
  for (const c of cases) {
    try {
      c.pages = (await proofPdf(db, { ...base, locale: c.locale, customerId: c.customerId })).pages;
    } catch (err) {
      c.error = errorMessage(err);
    }
  }
  return cases;
}
