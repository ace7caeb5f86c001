import type { Kysely } from 'kysely';
import { MissiveError } from '../core/errors.ts';
import { CHANNEL_KINDS, type ChannelKind, type Consent } from '../core/types.ts';
import {
  appendAudit,
  appendEvent,
  type ContactPreferences,
  type Database,
  inTransaction,
  setContactPreferences,
} from '../store/index.ts';

/**
 * A customer's own word on how they may be reached, recorded by a call-center agent (or by the
 * customer in self-service): consent per channel and purpose, paperless (e-delivery), do not contact.
 * Each change is a `consent-changed` event (before, after, the stated reason, who) with an audit row,
 * in one transaction with the customer row. A do-not-contact is also a `do-not-contact` event, which
 * the rules read (suppressed: do-not-contact) for every later marketing decision.
 *
 * Events of these types are what a later customer-file import must not undo: an import whose file
 * is older than the change keeps the changed consent (store/customers.ts, consentChangesAfter).
 */
export { CONSENT_EVENT_TYPES } from '../store/index.ts';

export interface PreferenceChange {
  /** Per channel, the purposes that change (`{ email: { marketing: false } }`). */
  consent?: Partial<Record<ChannelKind, Partial<Consent>>> | undefined;
  eDelivery?: boolean | undefined;
  /** True: no marketing on any channel from now on (the rules' do-not-contact). */
  doNotContact?: boolean | undefined;
  /** What the customer said, in a few words (kept on the event, no personal data expected). */
  reason: string;
}

export interface PreferenceMeta {
  /** `call-center` or `self-service`. */
  source: string;
  /** The client's id for this change: a retried post records it once. */
  clientId: string;
  /** Who made it: `agent:<id>` or `customer`. */
  actor: string;
  at: string;
}

export interface PreferenceOutcome {
  /** False: this client id was recorded before (nothing changed again). */
  recorded: boolean;
  before: ContactPreferences;
  after: ContactPreferences;
}

/**
 * Changes a customer's consent and paper-free delivery, with the reason, audited.
 * @throws MissiveError MSV_API_BAD_REQUEST (no reason or no change), MSV_STORE_NOT_FOUND.
 */
export async function changeContactPreferences(
  db: Kysely<Database>,
  customerId: string,
  change: PreferenceChange,
  meta: PreferenceMeta,
): Promise<PreferenceOutcome> {
  const reason = change.reason.trim();
  if (reason === '') {
    throw new MissiveError('MSV_API_BAD_REQUEST', 'reason: say why the customer asked for the change', {
      field: 'reason',
    });
  }
  if (change.consent === undefined && change.eDelivery === undefined && change.doNotContact !== true) {
    throw new MissiveError(
      'MSV_API_BAD_REQUEST',
      'nothing to change: give consent, eDelivery or doNotContact',
      {
        field: 'consent',
      },
    );
  }
  return inTransaction(db, async (trx) => {
    const changed = await setContactPreferences(trx, customerId, (current) => apply(current, change));
    if (!changed) {
      throw new MissiveError('MSV_STORE_NOT_FOUND', `no customer ${customerId}`, { customerId });
    }
    const sourceId = `${customerId}/${meta.clientId}`;
    const recorded = await appendEvent(trx, {
      source: meta.source,
      sourceId,
      type: 'consent-changed',
      customerId,
      payload: {
        before: changed.before,
        after: changed.after,
        ...(change.doNotContact ? { doNotContact: true } : {}),
        reason,
        actor: meta.actor,
      },
      occurredAt: meta.at,
    });
    if (!recorded) {
      // A retry of a change already made: undo nothing, change nothing again.
      await setContactPreferences(trx, customerId, () => changed.before);
      return { recorded: false, before: changed.before, after: changed.before };
    }
    if (change.doNotContact) {
      await appendEvent(trx, {
        source: meta.source,
        sourceId: `${sourceId}/dnc`,
        type: 'do-not-contact',
        customerId,
        payload: { reason, actor: meta.actor },
        occurredAt: meta.at,
      });
    }
    await appendAudit(trx, {
      actor: meta.actor,
      action: 'customer.preferences',
      targetType: 'customer',
      targetId: customerId,
      details: {
        source: meta.source,
        before: changed.before,
        after: changed.after,
        doNotContact: change.doNotContact === true,
        reason,
      },
      at: meta.at,
    });
    return { recorded: true, before: changed.before, after: changed.after };
  });
}

/** The preferences after a change; do-not-contact also withdraws marketing consent everywhere. */
export function apply(current: ContactPreferences, change: PreferenceChange): ContactPreferences {
  const consent = { ...current.consent };
  for (const channel of CHANNEL_KINDS) {
    const given = change.consent?.[channel];
    const now = consent[channel] ?? { service: false, marketing: false };
    consent[channel] = {
      service: given?.service ?? now.service,
      marketing: change.doNotContact ? false : (given?.marketing ?? now.marketing),
    };
  }
  return { consent, eDelivery: change.eDelivery ?? current.eDelivery };
}

export interface CallNote {
  clientId: string;
  /** Free text, card numbers already masked by the caller; at most 2,000 characters. */
  text: string;
  /** The call's outcome in a word (e.g. `resolved`, `callback`), optional. */
  outcome?: string | undefined;
}

/** A free call note on the customer (not on one communication): a `call-note` event and an audit row. */
export async function recordCallNote(
  db: Kysely<Database>,
  customerId: string,
  note: CallNote,
  meta: { actor: string; at: string },
): Promise<{ recorded: boolean }> {
  const text = note.text.trim();
  if (text === '' || text.length > 2000) {
    throw new MissiveError('MSV_API_BAD_REQUEST', 'text: 1 to 2,000 characters', { field: 'text' });
  }
  return inTransaction(db, async (trx) => {
    const recorded = await appendEvent(trx, {
      source: 'call-center',
      sourceId: `${customerId}/${note.clientId}`,
      type: 'call-note',
      customerId,
      payload: { note: text, ...(note.outcome ? { outcome: note.outcome } : {}), agent: meta.actor },
      occurredAt: meta.at,
    });
    if (recorded) {
      await appendAudit(trx, {
        actor: meta.actor,
        action: 'customer.note',
        targetType: 'customer',
        targetId: customerId,
        details: { outcome: note.outcome ?? null },
        at: meta.at,
      });
    }
    return { recorded };
  });
}
