import { compileChannelText } from './compile-sms.ts';
import type { TemplateText } from './handlebars/template-text.ts';
import { fileError } from './issues.ts';
import type { TemplatePackage } from './types.ts';

export const WEB_FILE = 'web.hbs';

/**
 * The web view of a statement or bill (e-presentment, issue 20): an optional `web.hbs` in the
 * package — an HTML fragment the customer portal shows on a phone instead of a PDF in a frame, built
 * from the document's sealed inputs with the same locale strings, helpers and brand as the document.
 * It is compiled in the `html` context: Handlebars escapes every value, so customer data is text,
 * never markup; the fragment carries no script or style (the portal's CSP allows neither inline),
 * only the portal's classes (`ev-*`, src/api/portal/assets/portal.css). Not a channel: nothing is
 * sent or archived from it — the archived document stays the PDF or e-mail it was.
 */
export function compileWeb(pkg: TemplatePackage, ids: ReadonlySet<string>): TemplateText | undefined {
  const source = pkg.files[WEB_FILE];
  if (source === undefined) return undefined;
  const active = ACTIVE_CONTENT.exec(source);
  if (active) {
    throw fileError(
      WEB_FILE,
      '(body)',
      `"${active[0].trim()}": a web view is markup and text only — no script, style, frame, form, event handler or javascript: URL (the portal's CSP would refuse it)`,
    );
  }
  return compileChannelText(WEB_FILE, '(body)', source, 'html', ids);
}

/** What a web view may not hold: active content, styles of its own, frames and forms. */
const ACTIVE_CONTENT =
  /<\s*(script|style|iframe|object|embed|form|link|meta|base)\b|\son[a-z]+\s*=|\sstyle\s*=|javascript:/i;
