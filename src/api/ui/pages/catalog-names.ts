import type { PageLabels } from '../../lookup/page-labels.ts';
import { html, type SafeHtml } from '../html.ts';

/** A communication type by its catalog label, the id kept as a title and data attribute. */
export function typeCell(type: string | null, locale: string, labels: PageLabels): SafeHtml | string {
  if (type === null) return '';
  return html`<span class="comm-type" data-type-id="${type}" title="${type}">${labels.type(type, locale) ?? type}</span>`;
}

/** An offer by its catalog name, the id kept as a title and data attribute. */
export function offerCell(offerId: string, locale: string, labels: PageLabels): SafeHtml {
  return html`<span class="offer" data-offer="${offerId}" title="${offerId}">${labels.offer(offerId, locale) ?? offerId}</span>`;
}
