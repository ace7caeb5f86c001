import type { AssetRecord, BrandChangeRecord } from '../../../store/index.ts';
import type { ThemeForm } from '../../../studio/heavy.ts';
import { html, type SafeHtml } from '../html.ts';
import { assetStrings } from '../i18n/studio-assets.ts';
import { type PageContext, page } from '../layout.ts';
import { formatTime } from '../time.ts';

const csrfField = (ctx: PageContext) =>
  html`<input type="hidden" name="_csrf" value="${ctx.principal?.csrfToken ?? ''}">`;

export interface BrandPageOptions {
  brands: string[];
  fonts: string[];
  assets: AssetRecord[];
  /** Each change with what it changes (field, before, after), newest first. */
  changes: { change: BrandChangeRecord; diff: [string, string, string][] }[];
  /** Who looks: an approver sees approve buttons on others' changes. */
  user: string;
  canApprove: boolean;
  message?: string | undefined;
  done?: string | undefined;
}

/** The brand theme form (colours, fonts, logo) and the brand's proposed changes with their four-eyes buttons. */
export function brandThemePage(
  ctx: PageContext,
  brandId: string,
  form: ThemeForm & { logoFile: string },
  options: BrandPageOptions,
): SafeHtml {
  const a = assetStrings(ctx.locale);
  const color = (name: 'primary' | 'accent' | 'text', label: string) =>
    html`<label>${label}<br><input type="color" name="${name}" id="theme-${name}" value="${form[name].toLowerCase()}"> <code>${form[name]}</code></label>`;
  const font = (name: 'heading' | 'body', label: string) =>
    html`<label>${label}<br><select name="${name}" id="theme-${name}">${options.fonts.map(
      (f) => html`<option${f === form[name] ? html` selected` : ''}>${f}</option>`,
    )}</select></label>`;
  return page(
    ctx,
    `${a.brandTheme} · ${brandId}`,
    html`<h1>${ctx.t.studio} · ${a.brandTheme} <small>${options.brands.map((b) => html`<a href="/ui/studio/brands/${b}"${b === brandId ? html` aria-current="page"` : ''}>${b}</a> `)}· <a href="/ui/studio/assets">${a.assets}</a></small></h1>
<p>${a.brandIntro}</p>
${options.message ? html`<div class="alert error" role="alert" id="brand-error">${options.message}</div>` : ''}
${options.done ? html`<div class="alert" role="status" id="brand-done">${options.done}</div>` : ''}
<div class="grid2">
<section class="card"><h2>${a.brandTheme} · <code>${brandId}</code></h2>
<form class="stack" method="post" action="/ui/studio/brands/${brandId}" id="brand-form">${csrfField(ctx)}
  ${color('primary', a.primary)}
  ${color('accent', a.accent)}
  ${color('text', a.textColor)}
  ${font('heading', a.headingFont)}
  ${font('body', a.bodyFont)}
  <label>${a.emailFont}<br><input type="text" name="email" id="theme-email" value="${form.email}" size="50"></label>
  <label>${a.logo} (<code>${form.logoFile}</code>)<br><select name="logo" id="theme-logo"><option value="">${a.keepLogo}</option>${options.assets.map(
    (asset) => html`<option value="${asset.name}">${asset.name} (${asset.width} × ${asset.height})</option>`,
  )}</select></label>
  <button class="primary" type="submit" id="brand-propose">${a.propose}</button>
</form></section>
<section class="card"><h2>${a.changes}</h2>
${
  options.changes.length === 0
    ? html`<p class="muted">${a.noChanges}</p>`
    : html`<table id="brand-changes"><thead><tr><th>id</th><th>${a.change}</th><th>${a.by}</th><th>${a.status}</th><th></th></tr></thead><tbody>${options.changes.map(
        ({ change, diff }) => html`<tr data-change="${change.id}"><td><code>${change.id}</code></td>
<td><ul>${diff.map(([field, before, after]) => (before ? html`<li>${field}: <code>${before}</code> → <code>${after}</code></li>` : html`<li>${field}: <code>${after}</code></li>`))}</ul></td>
<td>${change.submittedBy} ${formatTime(change.submittedAt, ctx)}</td><td class="change-status">${change.status}${change.decidedBy ? ` (${change.decidedBy})` : ''}</td>
<td>${change.status === 'submitted' ? changeActions(ctx, change, options) : ''}</td></tr>`,
      )}</tbody></table>`
}
</section></div>`,
  );
}

function changeActions(ctx: PageContext, change: BrandChangeRecord, options: BrandPageOptions): SafeHtml {
  const a = assetStrings(ctx.locale);
  const mine = change.submittedBy === options.user;
  const approve =
    options.canApprove && !mine
      ? html`<form method="post" action="/ui/studio/brand-changes/${change.id}/approve">${csrfField(ctx)}<button class="primary approve-change" type="submit">${a.approve}</button></form>`
      : html`<p class="muted">${a.waiting}</p>`;
  const reject =
    options.canApprove || mine
      ? html`<form method="post" action="/ui/studio/brand-changes/${change.id}/reject">${csrfField(ctx)}<button type="submit">${a.reject}</button></form>`
      : '';
  return html`${approve}${reject}`;
}
