import { html, type SafeHtml } from '../../ui/html.ts';
import type { PortalContext } from '../context.ts';
import { portalPage } from '../layout.ts';

/**
 * The answer to a signed e-mail link: moves on to the document at once (meta refresh: the portal's
 * own, same-site navigation, so the SameSite=Strict session cookie goes with it), with a link for
 * a browser that does not refresh. No script.
 */
export function linkOpeningPage(ctx: PortalContext, target: string): SafeHtml {
  const { t } = ctx;
  return portalPage(
    ctx,
    t.linkOpening,
    html`<div class="card stack"><h1>${t.linkOpening}</h1><p><a class="button primary" id="open-document" href="${target}">${t.linkContinue}</a></p></div>`,
    html`<meta http-equiv="refresh" content="0; url=${target}">`,
  );
}

/** What a link session sees above its one document: the rest needs a sign-in code. */
export function linkScopeNotice(ctx: PortalContext): SafeHtml {
  const { t } = ctx;
  return html`<div class="alert" role="status" id="link-scope">${t.linkScope} <a href="/portal/sign-in">${t.signInForMore}</a></div>`;
}
