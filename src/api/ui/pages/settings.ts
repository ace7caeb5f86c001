import { html, type SafeHtml } from '../html.ts';
import { type PageContext, page } from '../layout.ts';
import { defaultTimeZone, formatTime, timeZones } from '../time.ts';

/** The user's own settings: the zone the UI shows times in (default: the language's). */
export function settingsPage(ctx: PageContext, chosen: string | null, saved: boolean): SafeHtml {
  const { t } = ctx;
  const fallback = defaultTimeZone(ctx.locale);
  const options = [
    html`<option value=""${chosen === null ? html` selected` : ''}>${t.timeZoneDefault} (${fallback})</option>`,
    ...timeZones().map((z) => html`<option value="${z}"${z === chosen ? html` selected` : ''}>${z}</option>`),
  ];
  return page(
    ctx,
    t.settings,
    html`<h1>${t.settings}</h1>
${saved ? html`<div class="alert ok" role="status" id="saved">${t.timeZoneSaved} ${ctx.timeZone}: ${formatTime(new Date().toISOString(), ctx)}</div>` : ''}
<form method="post" action="/ui/settings" class="card">
<input type="hidden" name="_csrf" value="${ctx.principal?.csrfToken ?? ''}">
<label>${t.timeZone} <select name="timeZone" id="time-zone">${options}</select></label>
<button type="submit">${t.save}</button>
</form>`,
  );
}
