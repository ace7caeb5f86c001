import { CHANNEL_KINDS } from '../../../core/types.ts';
import type { PreferenceHistoryEntry, Preferences } from '../../../portal/index.ts';
import { html, type SafeHtml } from '../../ui/html.ts';
import type { PortalContext } from '../context.ts';
import type { PortalStrings } from '../i18n/en-GB.ts';
import { portalPage } from '../layout.ts';
import { dateLabel } from './documents.ts';

export function preferencesPage(
  ctx: PortalContext,
  prefs: Preferences,
  history: PreferenceHistoryEntry[],
  options: { changeId: string; saved: boolean },
): SafeHtml {
  const { t } = ctx;
  const checked = (b: boolean) => (b ? html` checked` : '');
  const hidden = html`<input type="hidden" name="_csrf" value="${ctx.csrf}"><input type="hidden" name="change" value="${options.changeId}">`;
  return portalPage(
    ctx,
    t.preferences,
    html`<h1>${t.preferences}</h1>
${options.saved ? html`<div class="alert ok" role="status" id="saved">${t.saved}</div>` : ''}
<form class="card stack" method="post" action="/portal/preferences" id="preferences">
  <fieldset><legend>${t.paperless}</legend>
    <p class="muted" id="paperless-help">${t.paperlessHelp}</p>
    <label class="switch"><input type="checkbox" name="paperless" value="on" id="paperless" aria-describedby="paperless-help"${checked(prefs.paperless)}${prefs.hasEmail ? '' : html` disabled`}> ${prefs.paperless ? t.paperlessOn : t.paperlessOff}</label>
  </fieldset>
  <fieldset><legend>${t.marketing}</legend>
    <p class="muted">${t.marketingHelp}</p>
    ${CHANNEL_KINDS.map((c) => html`<label><input type="checkbox" name="marketing" value="${c}" id="marketing-${c}"${checked(prefs.marketing[c])}> ${t[`marketing.${c}`]}</label>`)}
  </fieldset>
  <label for="locale">${t.preferredLanguage}</label>
  <select id="locale" name="locale">
    <option value="en-GB" lang="en-GB"${prefs.locale.startsWith('zh') ? '' : html` selected`}>English</option>
    <option value="zh-CN" lang="zh-CN"${prefs.locale.startsWith('zh') ? html` selected` : ''}>中文</option>
  </select>
  ${hidden}
  <button class="primary" type="submit">${t.save}</button>
</form>
<form class="card stack" method="post" action="/portal/preferences/unsubscribe-all" id="unsubscribe-all">
  <h2>${t.unsubscribeAll}</h2>
  <p class="muted">${t.unsubscribeAllHelp}</p>
  ${hidden}
  <button type="submit">${t.unsubscribeAll}</button>
</form>
<section class="card" aria-labelledby="history-title"><h2 id="history-title">${t.history}</h2>${
      history.length === 0
        ? html`<p class="muted">${t.noHistory}</p>`
        : html`<table class="history" id="history"><thead><tr><th>${t.date}</th><th>${t.preferences}</th></tr></thead><tbody>${history.map(
            (h) =>
              html`<tr data-type="${h.type}"><td>${dateLabel(ctx.locale, h.at)}</td><td>${describe(t, h)}</td></tr>`,
          )}</tbody></table>`
    }</section>`,
  );
}

type Prefs = { consent?: Record<string, { marketing?: boolean }>; eDelivery?: boolean };

/** What one history entry changed, in words: "Paperless: on", "Marketing (e-mail): off", "Language: zh-CN". */
export function describe(t: PortalStrings, h: PreferenceHistoryEntry): string {
  const onOff = (b: unknown) => (b ? t.on : t.off);
  if (h.type === 'locale-changed') return `${t['pref.locale']}: ${String(h.payload.after ?? '')}`;
  if (h.type === 'do-not-contact' || h.type === 'unsubscribed') return t['pref.unsubscribe-all'];
  const before = (h.payload.before ?? {}) as Prefs;
  const after = (h.payload.after ?? {}) as Prefs;
  const parts: string[] = [];
  if (before.eDelivery !== after.eDelivery) parts.push(`${t['pref.paperless']}: ${onOff(after.eDelivery)}`);
  for (const c of CHANNEL_KINDS) {
    const was = before.consent?.[c]?.marketing;
    const is = after.consent?.[c]?.marketing;
    if (was !== is) parts.push(`${t['pref.marketing']} (${t[`marketing.${c}`]}): ${onOff(is)}`);
  }
  return parts.join('; ') || h.type;
}
