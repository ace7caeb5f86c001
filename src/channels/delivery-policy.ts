import type { Kysely } from 'kysely';
import { isMissiveError } from '../core/errors.ts';
import { isServiceDocumentName, loadPublishedCatalog } from '../rules/index.ts';
import type { Database } from '../store/index.ts';

/**
 * What dispatch must know of a communication type: its purpose (marketing mail gets unsubscribe
 * headers and quiet hours) and whether the law wants it delivered (statements, bills, reminders: a
 * bounce falls back to paper). Read from the published catalog's communication types; without a
 * catalog, service types are recognised by name.
 */
export interface DeliveryPolicy {
  purpose: 'service' | 'marketing';
  mustDeliver: boolean;
  /** Marketing SMS is not sent in these local hours (re-checked at send time). */
  quietHours?: { start: string; end: string };
}

/** A run without a catalog entry is a service document (src/rules/run-type.ts); else by name. */
export function policyByName(communicationType: string): DeliveryPolicy {
  const service = isServiceDocumentName(communicationType);
  return { purpose: service ? 'service' : 'marketing', mustDeliver: service };
}

export type DeliveryPolicyLookup = (communicationType: string) => Promise<DeliveryPolicy>;

/**
 * The delivery policy of each communication type from the published catalog (loaded once), by name when the
 * catalog has none.
 */
export function catalogDeliveryPolicy(db: Kysely<Database>): DeliveryPolicyLookup {
  let catalog: ReturnType<typeof loadPublishedCatalog> | undefined;
  return async (communicationType) => {
    catalog ??= loadPublishedCatalog(db);
    try {
      const type = (await catalog).types[communicationType];
      if (!type) return policyByName(communicationType);
      return {
        purpose: type.purpose,
        mustDeliver: type.purpose === 'service' || type.paperByLaw,
        quietHours: type.quietHours,
      };
    } catch (err) {
      if (isMissiveError(err) && err.code === 'MSV_RULES_NOT_PUBLISHED')
        return policyByName(communicationType);
      throw err;
    }
  };
}
