import type { Kysely } from 'kysely';
import { CHANNEL_KINDS, type ChannelKind } from '../core/types.ts';
import { changeContactPreferences } from '../feedback/index.ts';
import {
  appendAudit,
  appendEvent,
  CONSENT_EVENT_TYPES,
  type Database,
  getCustomer,
  inTransaction,
  listCustomerEvents,
  setCustomerLocale,
} from '../store/index.ts';
import type { PortalLocale } from './code-message.ts';

/**
 * The customer's own preferences in self-service: paperless (e-delivery: the next statement run
 * e-mails instead of printing, rules/channel-policy.ts), marketing consent per channel, preferred
 * language, unsubscribe from all marketing. Consent and paperless go through the call center's
 * `changeContactPreferences` (one `consent-changed` event with before and after, an audit row, the
 * customer row, in one transaction; unsubscribe-all is its do-not-contact); the language is a
 * `locale-changed` event. A form posted twice (same change id) records once.
 */
export interface Preferences {
  paperless: boolean;
  marketing: Record<ChannelKind, boolean>;
  locale: string;
  hasEmail: boolean;
}

export interface PreferenceHistoryEntry {
  at: string;
  type: string;
  source: string;
  payload: Record<string, unknown>;
}

const HISTORY_TYPES = [...CONSENT_EVENT_TYPES, 'locale-changed'] as const;
const SOURCE = 'self-service';

/** A customer's paper-free and marketing choices per channel, or undefined for an unknown customer. */
export async function getPreferences(
  db: Kysely<Database>,
  customerId: string,
): Promise<Preferences | undefined> {
  const customer = await getCustomer(db, customerId);
  if (!customer) return undefined;
  return {
    paperless: customer.eDelivery,
    marketing: Object.fromEntries(
      CHANNEL_KINDS.map((c) => [c, customer.consent[c]?.marketing ?? false]),
    ) as Record<ChannelKind, boolean>,
    locale: customer.locale,
    hasEmail: customer.email !== null && customer.email !== '',
  };
}

/** The changes to the customer's preferences, newest first (any source: the call center's too). */
export async function preferenceHistory(
  db: Kysely<Database>,
  customerId: string,
  limit = 20,
): Promise<PreferenceHistoryEntry[]> {
  const rows = await listCustomerEvents(db, customerId, { types: HISTORY_TYPES, limit });
  return rows.map((r) => ({
    at: r.occurredAt,
    type: r.type,
    source: r.source,
    payload: r.payload,
  }));
}

export interface PreferenceForm {
  paperless: boolean;
  marketing: Record<ChannelKind, boolean>;
  locale: PortalLocale;
}

/** Applies what differs from the current preferences; says what changed. */
export async function savePreferences(
  db: Kysely<Database>,
  customerId: string,
  form: PreferenceForm,
  meta: { changeId: string; at: Date },
): Promise<{ changed: string[] }> {
  const current = await getPreferences(db, customerId);
  if (!current) return { changed: [] };
  const changed: string[] = [];
  const consent: Partial<Record<ChannelKind, { marketing: boolean }>> = {};
  for (const channel of CHANNEL_KINDS) {
    if (form.marketing[channel] !== current.marketing[channel]) {
      consent[channel] = { marketing: form.marketing[channel] };
      changed.push(`marketing.${channel}`);
    }
  }
  const paperless = form.paperless !== current.paperless && (current.hasEmail || !form.paperless);
  if (paperless) changed.push('paperless');
  const at = meta.at.toISOString();
  const actor = `customer:${customerId}`;
  if (paperless || Object.keys(consent).length > 0) {
    const outcome = await changeContactPreferences(
      db,
      customerId,
      {
        ...(Object.keys(consent).length > 0 ? { consent } : {}),
        ...(paperless ? { eDelivery: form.paperless } : {}),
        reason: 'changed by the customer in self-service',
      },
      { source: SOURCE, clientId: meta.changeId, actor, at },
    );
    if (!outcome.recorded) return { changed: [] };
  }
  if (form.locale !== current.locale) {
    changed.push('locale');
    await inTransaction(db, async (trx) => {
      const recorded = await appendEvent(trx, {
        source: SOURCE,
        sourceId: `${customerId}/${meta.changeId}/locale`,
        type: 'locale-changed',
        customerId,
        payload: { before: current.locale, after: form.locale, actor },
        occurredAt: at,
      });
      if (!recorded) return;
      await setCustomerLocale(trx, customerId, form.locale);
      await appendAudit(trx, {
        actor,
        action: 'customer.locale',
        targetType: 'customer',
        targetId: customerId,
        details: { source: SOURCE, before: current.locale, after: form.locale },
        at,
      });
    });
  }
  return { changed };
}

/** Unsubscribe from all marketing: marketing consent off on every channel and do-not-contact. */
export async function unsubscribeAll(
  db: Kysely<Database>,
  customerId: string,
  meta: { changeId: string; at: Date },
): Promise<{ recorded: boolean }> {
  const outcome = await changeContactPreferences(
    db,
    customerId,
    { doNotContact: true, reason: 'unsubscribed from all marketing in self-service' },
    { source: SOURCE, clientId: meta.changeId, actor: `customer:${customerId}`, at: meta.at.toISOString() },
  );
  return { recorded: outcome.recorded };
}
