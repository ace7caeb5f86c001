import type { Offer } from '../../../rules/index.ts';
import type { DraftRecord } from '../../../store/index.ts';
import { type FileDiff, isTextFile } from '../../../studio/index.ts';
import { html, type SafeHtml } from '../html.ts';
import { assetStrings } from '../i18n/studio-assets.ts';
import { canvasStrings } from '../i18n/studio-canvas.ts';
import { emailDesignerStrings } from '../i18n/studio-email.ts';
import { type PageContext, page } from '../layout.ts';
import { formatTime } from '../time.ts';

export interface TemplateListing {
  name: string;
  description: string;
  versions: { id: string; version: number; publishedAt: string | null; publishedBy: string | null }[];
}

const csrfField = (ctx: PageContext) =>
  html`<input type="hidden" name="_csrf" value="${ctx.principal?.csrfToken ?? ''}">`;

/** The studio's start: templates with their versions (the id to pin a run), drafts, a new draft. */
export function studioHomePage(
  ctx: PageContext,
  templates: TemplateListing[],
  drafts: Omit<DraftRecord, 'files'>[],
  packages: string[],
  approvers?: { approvers: string[]; marketers: string[] },
): SafeHtml {
  const { t } = ctx;
  // One group per template and no preselected version: the draft's template is always chosen (issue 21).
  const versionOptions = templates.map(
    (tpl) =>
      html`<optgroup label="${tpl.name}">${[...tpl.versions]
        .reverse()
        .map((v) => html`<option value="${v.id}">${tpl.name} v${v.version} (${v.id})</option>`)}</optgroup>`,
  );
  return page(
    ctx,
    t.studio,
    html`<h1>${t.studio} <small><a href="/ui/studio/offers" id="offers-link">${t.studioOffers}</a> · <a href="/ui/studio/assets" id="assets-link">${assetStrings(ctx.locale).assets}</a></small></h1>
<div class="grid2">
<section class="card"><h2>${t.studioTemplates}</h2>
<table id="templates"><thead><tr><th>${t.studioTemplate}</th><th>${t.studioVersion}</th><th>${t.studioVersionId}</th><th>${t.studioPublishedBy}</th><th></th></tr></thead><tbody>
${templates.flatMap((tpl) =>
  [...tpl.versions]
    .reverse()
    .map(
      (v, i) =>
        html`<tr><td>${i === 0 ? tpl.name : ''}</td><td>v${v.version}</td><td><code class="version-id">${v.id}</code></td><td>${v.publishedBy ?? ''} ${v.publishedAt ? formatTime(v.publishedAt, ctx) : ''}</td><td>${
          i + 1 < tpl.versions.length
            ? html`<a href="/ui/studio/diff?a=${encodeURIComponent(tpl.versions[tpl.versions.length - i - 2]!.id)}&amp;b=${encodeURIComponent(v.id)}">${t.studioDiff}</a>`
            : ''
        }</td></tr>`,
    ),
)}
</tbody></table></section>
<section class="card"><h2>${t.studioNewDraft}</h2>
<p><a class="button primary" href="/ui/studio/new" id="new-template-link">${t.studioNewTemplate}</a></p>
<form class="stack" method="post" action="/ui/studio/drafts">${csrfField(ctx)}
  <label>${t.studioFromVersion}<br><select name="from" required><option value="" selected disabled>${t.studioChooseVersion}</option>${versionOptions}</select></label>
  <button class="primary" type="submit">${t.studioCreate}</button>
</form>
<form class="stack" method="post" action="/ui/studio/drafts">${csrfField(ctx)}
  <label>${t.studioFromPackage}<br><select name="package">${packages.map((p) => html`<option>${p}</option>`)}</select></label>
  <button type="submit">${t.studioCreate}</button>
</form></section>
</div>
${
  approvers
    ? html`<section class="card" id="approvers"><h2>${t.studioApprovers}</h2>
<p>${approvers.approvers.length ? approvers.approvers.join(', ') : '—'}</p>
<form class="search" method="post" action="/ui/studio/approvers">${csrfField(ctx)}
  <select name="user">${approvers.marketers.filter((m) => !approvers.approvers.includes(m)).map((m) => html`<option>${m}</option>`)}</select>
  <button type="submit">${t.studioGrant}</button>
</form></section>`
    : ''
}
<section class="card"><h2>${t.studioDrafts}</h2>
<table id="drafts"><thead><tr><th>id</th><th>${t.studioTemplate}</th><th>${t.studioStatus}</th><th>${t.studioBase}</th><th>${t.studioSubmittedBy}</th><th>${t.studioPublishedAs}</th></tr></thead><tbody>
${drafts.map(
  (d) =>
    html`<tr><td><a href="/ui/studio/drafts/${d.id}">${d.id}</a></td><td>${d.templateName}</td><td><span class="status ${d.status}">${d.status}</span></td><td><code>${d.baseVersionId ?? ''}</code></td><td>${d.submittedBy ?? ''}</td><td><code>${d.publishedVersionId ?? ''}</code></td></tr>`,
)}
</tbody></table></section>`,
  );
}

/**
 * The editor: files on the left (a textarea each, one shown at a time), the live preview on the right
 * (studio.js saves as you type, then refreshes lint, SMS, e-mail frame and PDF page images).
 * Without JavaScript every textarea shows and the forms still work.
 */
export function draftEditorPage(
  ctx: PageContext,
  draft: DraftRecord,
  options: { canApprove: boolean; locales: string[]; message?: string; approvers?: string[] },
): SafeHtml {
  const { t } = ctx;
  const user = ctx.principal?.user;
  const editable = draft.status === 'draft';
  const files = Object.keys(draft.files)
    .filter((f) => isTextFile(f))
    .sort();
  const action = (name: string, label: string, cls = '') =>
    html`<form method="post" action="/ui/studio/drafts/${draft.id}/${name}" class="inline">${csrfField(ctx)}<button type="submit" class="${cls}" id="${name}-button">${label}</button></form>`;
  const actions = [
    editable ? action('submit', t.studioSubmit, 'primary') : '',
    draft.status === 'submitted' && options.canApprove && draft.submittedBy !== user
      ? [action('approve', t.studioApprove, 'primary'), action('reject', t.studioReject)]
      : '',
    draft.status === 'submitted' && draft.submittedBy === user
      ? [
          // No approve button for the submitter (it could only refuse): who may approve instead.
          html`<span class="note" id="own-draft">${t.studioOwnDraft} ${t.studioMayApprove}: <span id="may-approve">${options.approvers?.length ? options.approvers.join(', ') : t.studioNoApprover}</span></span>`,
          action('reject', t.studioWithdraw),
        ]
      : '',
  ];
  return page(
    ctx,
    `${t.studio} · ${draft.templateName}`,
    html`<div id="studio-draft" data-draft="${draft.id}" data-csrf="${ctx.principal?.csrfToken ?? ''}" data-editable="${String(editable)}">
<h1>${draft.templateName} <small><code>${draft.id}</code> · <span class="status ${draft.status}" id="draft-status">${draft.status}</span>
${draft.baseVersionId ? html` · ${t.studioBase} <code>${draft.baseVersionId}</code>` : ''}
${draft.publishedVersionId ? html` · ${t.studioPublishedAs} <code id="published-version">${draft.publishedVersionId}</code>` : ''}</small></h1>
${options.message ? html`<div class="alert error" role="alert">${options.message}</div>` : ''}
<div class="actions">${actions} <span id="save-state" aria-live="polite"></span>
<a href="/ui/studio/drafts/${draft.id}/proofs" id="proofs-link">${t.studioProofs}</a>
<a href="/ui/studio/drafts/${draft.id}/canvas" id="canvas-link">${canvasStrings(ctx.locale).canvas}</a>
${draft.files['email.mjml'] !== undefined ? html`<a href="/ui/studio/drafts/${draft.id}/email-designer" id="email-designer-link">${emailDesignerStrings(ctx.locale).designer}</a>` : ''}
${draft.baseVersionId ? html`<a href="/ui/studio/diff?a=${encodeURIComponent(draft.baseVersionId)}&amp;b=${encodeURIComponent(`draft:${draft.id}`)}">${t.studioDiff}</a>` : ''}</div>
<div class="studio">
<section class="files card"><h2>${t.studioFiles}</h2>
<ul class="file-list">${files.map((f, i) => html`<li><button type="button" class="file-tab" data-file="${f}" aria-pressed="${String(i === 0)}">${f}</button></li>`)}</ul>
${files.map(
  (f) =>
    html`<div class="file-editor" data-file="${f}"><label class="file-name">${f}</label><textarea data-file="${f}" spellcheck="false" rows="28" ${editable ? '' : 'readonly'}>${draft.files[f] ?? ''}</textarea></div>`,
)}
</section>
<section class="preview card"><h2>${t.studioPreview}</h2>
<form class="preview-options" id="preview-options">
  <label>${t.studioLocale} <select name="locale">${options.locales.map((l) => html`<option>${l}</option>`)}</select></label>
  <label>${t.studioCustomer} <input name="customerId" size="10" maxlength="100"></label>
  <button type="submit">${t.studioRefresh}</button>
</form>
<h3>${t.studioLint}</h3><ul id="issues" class="issues"><li class="muted">…</li></ul>
<div id="sms-preview" hidden><h3>${t.studioSms} · <span id="sms-segments"></span> ${t.studioSegments}</h3><pre id="sms-text" class="sms"></pre></div>
<div id="email-preview" hidden><h3>${t.studioEmail} · <span id="email-subject"></span> · <span id="email-size"></span></h3>
<iframe id="email-frame" sandbox="" title="${t.studioEmail}" src="about:blank"></iframe></div>
<div id="print-preview" hidden><h3>${t.studioPrint} · <span id="print-pages"></span></h3><div id="pages" class="pages"></div></div>
</section>
</div>
</div>
<script src="/assets/studio.js"></script>`,
  );
}

/** Two versions (or a draft and its base) side by side: text diff per file, first PDF page pixels. */
export function diffPage(
  ctx: PageContext,
  a: string,
  b: string,
  files: FileDiff[],
  options: { print: boolean; locale: string },
): SafeHtml {
  const { t } = ctx;
  const q = (extra: Record<string, string>) =>
    new URLSearchParams({ locale: options.locale, ...extra }).toString();
  return page(
    ctx,
    t.studioDiff,
    html`<h1>${t.studioDiff}: <code>${a}</code> → <code>${b}</code></h1>
${
  options.print
    ? html`<section class="card"><h2>${t.studioPrint}</h2><div class="grid3 visual-diff">
<figure><img id="diff-a" alt="${a}" src="/ui/studio/diff/page?${q({ ref: a })}"><figcaption>${a}</figcaption></figure>
<figure><img id="diff-b" alt="${b}" src="/ui/studio/diff/page?${q({ ref: b })}"><figcaption>${b}</figcaption></figure>
<figure><img id="diff-pixels" alt="pixel difference" src="/ui/studio/diff/pixels?${q({ a, b })}"><figcaption>Δ</figcaption></figure>
</div></section>`
    : ''
}
<section class="card diff" id="file-diffs"><h2>${t.studioFiles}</h2>
${files.length === 0 ? html`<p>${t.studioNoIssues}</p>` : ''}
${files.map(
  (f) => html`<h3 class="file-diff" data-file="${f.file}">${f.file} <small>(${f.change})</small></h3>
${f.hunks.map(
  (h) =>
    html`<div class="hunk"><pre class="muted">@@ -${h.aStart} +${h.bStart} @@</pre>${h.lines.map(
      (l) =>
        html`<pre class="${l.kind === 'same' ? '' : l.kind}">${l.kind === 'add' ? '+' : l.kind === 'del' ? '-' : ' '} ${l.text}</pre>`,
    )}</div>`,
)}`,
)}
</section>`,
  );
}

/** The latest catalog's offers, each opening the offer editor. */
export function offersPage(ctx: PageContext, catalogVersion: string, offers: Offer[]): SafeHtml {
  const { t } = ctx;
  return page(
    ctx,
    t.studioOffers,
    html`<h1>${t.studioOffers} <small>${t.studioCatalogVersion} <code id="catalog-version">${catalogVersion}</code> · <a href="/ui/studio/offers-new" id="new-offer-link">${assetStrings(ctx.locale).newOffer}</a></small></h1>
<table id="offers"><thead><tr><th>id</th><th>${t.studioOfferName}</th><th>${t.studioValidity}</th><th>${t.studioExclusion}</th><th>${t.studioPrior}</th></tr></thead><tbody>
${offers.map(
  (o) =>
    html`<tr><td><a href="/ui/studio/offers/${o.id}">${o.id}</a></td><td>${o.name[ctx.locale] ?? Object.values(o.name)[0] ?? ''}</td><td>${o.validFrom ?? '…'} – ${o.validTo ?? '…'}</td><td>${o.exclusionGroup ?? ''}</td><td>${o.prior.weight}, ${o.prior.alpha}, ${o.prior.beta}</td></tr>`,
)}
</tbody></table>`,
  );
}

/** One offer as JSON; studio.js checks it as you type (issues, who qualifies); approvers publish. */
export function offerEditorPage(
  ctx: PageContext,
  offer: Offer,
  options: {
    canPublish: boolean;
    message?: string;
    published?: string;
    /** What a rule may read, for the rule builder: trait (raw and computed) name → type. */
    variables: Record<string, string>;
    /** The picture picker of the image library (pages/studio-assets.ts). */
    picture?: SafeHtml;
  },
): SafeHtml {
  const { t } = ctx;
  return page(
    ctx,
    `${t.studioOffers} · ${offer.id}`,
    html`<div id="offer-editor" data-csrf="${ctx.principal?.csrfToken ?? ''}" data-variables="${JSON.stringify(options.variables)}">
<h1>${t.studioOffers} · ${offer.id}</h1>
${options.message ? html`<div class="alert error" role="alert">${options.message}</div>` : ''}
${options.published ? html`<div class="alert" id="offer-published">${t.studioPublished}: <code>${options.published}</code></div>` : ''}
<div class="studio">
<form class="card" method="post" action="/ui/studio/offers/${offer.id}/publish">
  <input type="hidden" name="_csrf" value="${ctx.principal?.csrfToken ?? ''}">
  <label for="offer-json">${t.studioOfferJson}</label>
  <textarea id="offer-json" name="offer" rows="34" spellcheck="false">${JSON.stringify(offer, null, 2)}</textarea>
  ${options.canPublish ? html`<button class="primary" type="submit" id="publish-offer">${t.studioPublishOffer}</button>` : ''}
</form>
<section class="card"><h2>${t.studioLint}</h2><button type="button" id="check-offer">${t.studioCheck}</button>
<ul id="offer-issues" class="issues"></ul>
<h2>${t.studioQualifies}</h2><p id="qualifies-count"></p><ul id="qualifies-sample"></ul>
<h2>${t.studioRuleBuilder}</h2>
<p class="muted" id="builder-note" hidden>${t.studioBuilderTooComplex}</p>
<div id="rule-builder"></div>
<button type="button" id="builder-add">${t.studioBuilderAdd}</button>
<button type="button" id="builder-apply">${t.studioBuilderApply}</button>
</section>
</div>${options.picture ?? ''}</div>
<script src="/assets/studio.js"></script>`,
  );
}
