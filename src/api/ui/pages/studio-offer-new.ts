import type { AssetRecord } from '../../../store/index.ts';
import { html, type SafeHtml } from '../html.ts';
import { assetStrings } from '../i18n/studio-assets.ts';
import { type PageContext, page } from '../layout.ts';

export interface NewOfferPageOptions {
  locales: string[];
  assets: AssetRecord[];
  /** Trait name → type, for the one-condition rule. */
  variables: Record<string, string>;
  ops: readonly string[];
  canPublish: boolean;
  message?: string | undefined;
  /** The form as sent, shown again after a refusal. */
  form?: Record<string, string> | undefined;
}

/** The new-offer form: texts per language, picture, priority, who may receive it. */
export function newOfferPage(ctx: PageContext, options: NewOfferPageOptions): SafeHtml {
  const a = assetStrings(ctx.locale);
  const v = (name: string) => options.form?.[name] ?? '';
  const text = (name: string, label: string, attrs: SafeHtml | string = '') =>
    html`<div><label>${label}<br><input type="text" name="${name}" id="${name.replace('.', '-')}" value="${v(name)}" ${attrs}></label></div>`;
  return page(
    ctx,
    a.newOffer,
    html`<h1>${ctx.t.studioOffers} · ${a.newOffer} <small><a href="/ui/studio/offers">${ctx.t.studioOffers}</a> · <a href="/ui/studio/assets">${a.assets}</a></small></h1>
<p>${a.newOfferIntro}</p>
${options.message ? html`<div class="alert error" role="alert" id="offer-error">${options.message}</div>` : ''}
<form class="card stack" method="post" action="/ui/studio/offers-new" id="new-offer">
<input type="hidden" name="_csrf" value="${ctx.principal?.csrfToken ?? ''}">
${text('id', a.offerId, html`required pattern="[a-z0-9][a-z0-9-]*"`)}
<div class="grid2">${options.locales.map(
      (locale) => html`<fieldset><legend>${locale}</legend>
${text(`name.${locale}`, a.offerName, html`required`)}
${text(`headline.${locale}`, a.headline, html`required`)}
<div><label>${a.offerBody}<br><textarea name="body.${locale}" id="body-${locale}" rows="3" required>${v(`body.${locale}`)}</textarea></label></div>
${text(`ctaLabel.${locale}`, a.ctaLabel)}
${text(`ctaUrl.${locale}`, a.ctaUrl, html`type="url"`)}
</fieldset>`,
    )}</div>
<label>${a.picture}<br><select name="picture" id="new-offer-picture"><option value="">${a.noPicture}</option>${options.assets.map(
      (asset) =>
        html`<option value="${asset.name}"${asset.name === v('picture') ? html` selected` : ''}>${asset.name} (${asset.width} × ${asset.height})</option>`,
    )}</select></label>
${text('weight', a.weight, html`inputmode="decimal"`)}
${text('exclusionGroup', a.exclusionGroup)}
<fieldset><legend>${a.who}</legend>
<label><select name="variable" id="new-offer-variable" aria-label="${a.who}"><option value="">${a.everyone}</option>${Object.entries(
      options.variables,
    ).map(
      ([name, type]) =>
        html`<option value="${name}"${name === v('variable') ? html` selected` : ''}>${a.condition} ${name} (${type})</option>`,
    )}</select></label>
<label><select name="op" id="new-offer-op" aria-label="operator">${options.ops.map((op) => html`<option${op === v('op') ? html` selected` : ''}>${op}</option>`)}</select></label>
<label>${a.value} <input type="text" name="value" id="new-offer-value" value="${v('value')}"></label>
</fieldset>
${options.canPublish ? html`<button class="primary" type="submit" id="new-offer-publish">${a.publishNewOffer}</button>` : html`<p class="muted">${a.approverOnly}</p>`}
</form>`,
  );
}
