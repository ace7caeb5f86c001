import type { PlacedOffer } from '../../../portal/index.ts';
import { html, type SafeHtml } from '../../ui/html.ts';
import { fill, type PortalContext } from '../context.ts';
import { portalPage } from '../layout.ts';
import { dateLabel, typeLabel } from './documents.ts';

export function offersPage(ctx: PortalContext, offers: PlacedOffer[]): SafeHtml {
  const { t, locale } = ctx;
  const card = (o: PlacedOffer, i: number) => {
    const titleId = `offer-${i}`;
    const answered =
      o.answer === 'interested'
        ? html`<p class="alert ok" role="status">${t.answeredInterested}</p>`
        : o.answer === 'not-for-me'
          ? html`<p class="alert" role="status">${t.answeredNotForMe}</p>`
          : html`<form method="post" action="/portal/offers/answer" class="actions">
  <input type="hidden" name="_csrf" value="${ctx.csrf}">
  <input type="hidden" name="communication" value="${o.communicationId}">
  <input type="hidden" name="offer" value="${o.offerId}">
  <button class="primary" type="submit" name="answer" value="interested" aria-describedby="${titleId}">${t.interested}</button>
  <button type="submit" name="answer" value="not-for-me" aria-describedby="${titleId}">${t.notForMe}</button>
</form>`;
    return html`<article class="card stack offer" data-offer="${o.offerId}" aria-labelledby="${titleId}">
  <h2 id="${titleId}">${o.name}</h2>
  ${o.headline ? html`<p><strong>${o.headline}</strong></p>` : ''}
  ${o.body ? html`<p>${o.body}</p>` : ''}
  <p class="muted">${fill(t.fromDocument, {
    type: locale === 'en-GB' ? typeLabel(t, o.type).toLowerCase() : typeLabel(t, o.type),
    date: dateLabel(locale, o.createdAt),
  })}</p>
  ${answered}
</article>`;
  };
  return portalPage(
    ctx,
    t.offers,
    html`<h1>${t.offers}</h1>${offers.length === 0 ? html`<p class="card">${t.noOffers}</p>` : offers.map(card)}`,
  );
}
