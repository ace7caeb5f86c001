import type { SearchKind } from '../../../store/index.ts';
import type { CustomerSummary } from '../../lookup/customer-view.ts';
import { html, type SafeHtml } from '../html.ts';
import { type PageContext, page } from '../layout.ts';

const KINDS: SearchKind[] = ['any', 'id', 'name', 'phone', 'email', 'account'];

export function searchPage(
  ctx: PageContext,
  query: { q: string; kind: SearchKind },
  results: CustomerSummary[] | undefined,
): SafeHtml {
  const { t } = ctx;
  const label = (k: SearchKind) =>
    ({
      any: t.kindAny,
      id: t.kindId,
      name: t.kindName,
      phone: t.kindPhone,
      email: t.kindEmail,
      account: t.kindAccount,
    })[k];
  const form = html`<form class="search card" method="get" action="/ui/search" role="search">
  <input type="search" name="q" value="${query.q}" placeholder="${t.searchPlaceholder}" aria-label="${t.search}" maxlength="200" autofocus>
  <select name="kind" aria-label="${t.searchKind}">${KINDS.map((k) => html`<option value="${k}"${k === query.kind ? html` selected` : ''}>${label(k)}</option>`)}</select>
  <button class="primary" type="submit">${t.search}</button>
</form>`;
  let list: SafeHtml | string = '';
  if (results && results.length === 0) list = html`<p class="muted" id="no-results">${t.noResults}</p>`;
  if (results && results.length > 0) {
    list = html`<h2>${t.results}</h2><table id="results"><thead><tr><th>${t.name}</th><th>${t.customerId}</th><th>${t.phone}</th><th>${t.email}</th><th>${t.city}</th><th>${t.locale}</th></tr></thead><tbody>
${results.map(
  (c) =>
    html`<tr><td><a href="/ui/customers/${encodeURIComponent(c.id)}">${c.name}</a></td><td>${c.id}</td><td>${c.phone ?? ''}</td><td>${c.email ?? ''}</td><td>${c.city ?? ''}</td><td>${c.locale}</td></tr>`,
)}</tbody></table>`;
  }
  return page(ctx, t.search, html`<h1>${t.search}</h1>${form}${list}`);
}
