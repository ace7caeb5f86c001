import type { Offer } from '../../../rules/index.ts';
import type { AssetRecord, DraftRecord } from '../../../store/index.ts';
import { html, type SafeHtml } from '../html.ts';
import { assetStrings } from '../i18n/studio-assets.ts';
import { type PageContext, page } from '../layout.ts';
import { formatTime } from '../time.ts';

const csrfField = (ctx: PageContext) =>
  html`<input type="hidden" name="_csrf" value="${ctx.principal?.csrfToken ?? ''}">`;

/** Where a library image is served (its bytes, immutable: the name is its sha256). */
export const assetUrl = (asset: Pick<AssetRecord, 'sha256' | 'kind'>) =>
  `/ui/studio/assets/${asset.sha256}.${asset.kind === 'jpeg' ? 'jpg' : 'png'}`;

export interface AssetsPageOptions {
  message?: string | undefined;
  /** What the last action did: the asset uploaded, the file added to a draft. */
  done?: string | undefined;
  drafts: Pick<DraftRecord, 'id' | 'templateName' | 'createdBy'>[];
  offers: Pick<Offer, 'id' | 'name'>[];
  canPublish: boolean;
}

/** The asset library: upload form, then every image with its size and the forms that use it. */
export function assetsPage(ctx: PageContext, assets: AssetRecord[], options: AssetsPageOptions): SafeHtml {
  const a = assetStrings(ctx.locale);
  return page(
    ctx,
    a.assets,
    html`<h1>${ctx.t.studio} · ${a.assets} <small><a href="/ui/studio">${ctx.t.studio}</a> · <a href="/ui/studio/offers">${ctx.t.studioOffers}</a> · <a href="/ui/studio/brands" id="brand-link">${a.brandTheme}</a> · <a href="/ui/studio/offers-new" id="new-offer-link">${a.newOffer}</a></small></h1>
<p>${a.assetsIntro}</p>
${options.message ? html`<div class="alert error" role="alert" id="asset-error">${options.message}</div>` : ''}
${options.done ? html`<div class="alert" role="status" id="asset-done">${options.done}</div>` : ''}
<section class="card"><h2>${a.upload}</h2>
<form class="stack" method="post" action="/ui/studio/assets" enctype="multipart/form-data">${csrfField(ctx)}
  <label>${a.file}<br><input type="file" name="file" id="asset-file" accept="image/png,image/jpeg,image/svg+xml,.png,.jpg,.jpeg,.svg" required></label>
  <button class="primary" type="submit" id="asset-upload">${a.uploadButton}</button>
</form></section>
<section class="card"><h2>${a.library}</h2>
${
  assets.length === 0
    ? html`<p class="muted">${a.empty}</p>`
    : html`<table id="assets"><thead><tr><th>${a.preview}</th><th>${a.name}</th><th>${a.size}</th><th>${a.from}</th><th>${a.by}</th><th>${a.useInTemplate}</th><th>${a.useForOffer}</th></tr></thead><tbody>
${assets.map((asset) => assetRow(ctx, asset, options))}
</tbody></table>`
}
</section>`,
  );
}

function assetRow(ctx: PageContext, asset: AssetRecord, options: AssetsPageOptions): SafeHtml {
  const a = assetStrings(ctx.locale);
  const toDraft =
    options.drafts.length === 0
      ? html`<span class="muted">${a.noDrafts}</span>`
      : html`<form class="stack" method="post" action="/ui/studio/assets/${asset.sha256}/to-draft">${csrfField(ctx)}
  <label>${a.draft} <select name="draft">${options.drafts.map((d) => html`<option value="${d.id}">${d.templateName} · ${d.id} (${d.createdBy})</option>`)}</select></label>
  <label>${a.folder} <select name="folder"><option value="images/offers">${a.folderOffers}</option><option value="images">${a.folderLayout}</option></select></label>
  <button type="submit">${a.add}</button></form>`;
  const toOffer = options.canPublish
    ? html`<form class="stack" method="post" action="/ui/studio/assets/${asset.sha256}/to-offer">${csrfField(ctx)}
  <label>${a.offer} <select name="offer">${options.offers.map((o) => html`<option value="${o.id}">${o.id} · ${o.name[ctx.locale] ?? Object.values(o.name)[0] ?? ''}</option>`)}</select></label>
  <button type="submit">${a.publishOffer}</button></form>`
    : html`<span class="muted">${a.approverOnly}</span>`;
  return html`<tr data-asset="${asset.name}"><td><img class="asset-thumb" src="${assetUrl(asset)}" alt="${asset.name}" width="${Math.min(asset.width, 120)}"></td>
<td><code>${asset.name}</code></td><td>${asset.width} × ${asset.height} px, ${Math.ceil(asset.size / 1024)} KB</td>
<td>${asset.sourceKind.toUpperCase()}</td><td>${asset.uploadedBy} ${formatTime(asset.uploadedAt, ctx)}</td>
<td>${toDraft}</td><td>${toOffer}</td></tr>`;
}

/**
 * The offer editor's picture picker: the library's images, and the approver's button that sets the
 * picture on the offer's print and e-mail content and publishes it (routes/studio-assets.ts).
 */
export function offerPicturePicker(
  ctx: PageContext,
  offer: Offer,
  assets: AssetRecord[],
  canPublish: boolean,
): SafeHtml {
  const a = assetStrings(ctx.locale);
  const current =
    offer.content.print?.[ctx.locale]?.image ?? Object.values(offer.content.print ?? {})[0]?.image;
  return html`<section class="card" id="offer-picture"><h2>${a.offerPicture}</h2>
<p class="muted">${a.offerPictureNote}</p>
<form class="stack" method="post" action="/ui/studio/offers/${offer.id}/picture">${csrfField(ctx)}
  <label>${a.name} <select name="asset" id="offer-picture-asset" required><option value="">${a.choose}</option>${assets.map(
    (asset) =>
      html`<option value="${asset.name}"${asset.name === current ? html` selected` : ''}>${asset.name} (${asset.width} × ${asset.height})</option>`,
  )}</select></label>
  ${canPublish ? html`<button class="primary" type="submit" id="offer-picture-publish">${a.publishOffer}</button>` : html`<span class="muted">${a.approverOnly}</span>`}
</form><p><a href="/ui/studio/assets">${a.assets}</a></p></section>`;
}
