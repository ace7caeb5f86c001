import type { Kysely } from 'kysely';
import { type BlobStore, loadInputSnapshot, loadStoredBrand, type RenderInput } from '../archive/index.ts';
import type { TemplateCache } from '../batch/heavy.ts';
import { isMissiveError } from '../core/errors.ts';
import { renderWebView } from '../render/index.ts';
import type { Database } from '../store/index.ts';
import type { CompiledTemplate } from '../templates/heavy.ts';

/**
 * A document as a web page (e-presentment, issue 20): built from the communication's sealed input
 * snapshot — decrypted and checked against the sha256 the ledger recorded, so a tampered snapshot
 * is refused (MSV_ARCHIVE_TAMPERED) and an erased customer's is gone (MSV_ARCHIVE_SHREDDED) — with
 * the template version and the brand that made the document, in the document's language.
 * Undefined when that version has no web view (web.hbs): the page then shows the PDF or e-mail only.
 * The caller has already checked that the document is the signed-in customer's.
 */
export async function documentWebView(
  deps: { db: Kysely<Database>; blobs: BlobStore; templates: TemplateCache },
  communicationId: string,
): Promise<{ html: string; locale: string } | undefined> {
  let input: RenderInput;
  let template: CompiledTemplate;
  try {
    input = (await loadInputSnapshot(deps.db, deps.blobs, communicationId)).input;
    template = await deps.templates.get(input.templateVersionId);
  } catch (err) {
    // No inputs kept, erased, or a version no longer stored: the page shows the document itself.
    // A tampered snapshot is not among these: it is refused like a tampered document.
    if (isMissiveError(err) && NO_VIEW.has(err.code)) return undefined;
    throw err;
  }
  if (!template.web) return undefined;
  const brand = input.brand ? await loadStoredBrand(deps.blobs, input.brand) : undefined;
  return {
    html: renderWebView(template, input.data, { locale: input.locale, brand }),
    locale: input.locale,
  };
}

const NO_VIEW = new Set(['MSV_ARCHIVE_INPUT_MISSING', 'MSV_ARCHIVE_SHREDDED', 'MSV_TEMPLATE_NOT_FOUND']);
