import { MissiveError } from '../core/errors.ts';
import type { CompiledTemplate } from '../templates/heavy.ts';
import { type BrandSource, compileBrand, type DocumentData, withBrand } from '../templates/index.ts';

/**
 * The web view of a document (the package's web.hbs, templates/compile-web.ts): the same data,
 * locale strings, helpers and brand as the document, as an HTML fragment for the customer portal.
 * Pure, like every renderer here; the data is checked against the template's contract first.
 */
export function renderWebView(
  template: CompiledTemplate,
  data: DocumentData,
  options: { locale: string; brand?: BrandSource | undefined },
): string {
  if (!template.web) {
    throw new MissiveError('MSV_TEMPLATE_INVALID', `template ${template.name} has no web view (web.hbs)`, {
      file: 'web.hbs',
    });
  }
  const brand = options.brand ? compileBrand(options.brand) : undefined;
  const runtime = withBrand(template.runtime(options.locale), brand?.view(options.locale));
  return template.web.render(template.validateData(data), runtime);
}
