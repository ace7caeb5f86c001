import type { Kysely } from 'kysely';
import { MissiveError } from '../../core/errors.ts';
import type { Customer } from '../../core/types.ts';
import { appendAudit, type Database, getCustomer } from '../../store/index.ts';
import { actorOf, type Principal } from '../auth/principal.ts';

/** Who looks at a customer: the principal, the address, and (for the UI) through what. */
export interface CustomerViewer {
  principal: Principal;
  ip: string;
  /** `ui` for the agent's pages; the JSON API's rows carry none. */
  via?: string;
}

/** The stored customer, or MSV_STORE_NOT_FOUND (404). */
export async function requireCustomer(db: Kysely<Database>, customerId: string): Promise<Customer> {
  const customer = await getCustomer(db, customerId);
  if (!customer) throw new MissiveError('MSV_STORE_NOT_FOUND', `no customer ${customerId}`, { customerId });
  return customer;
}

/**
 * The customer, for an agent who looks at them: every look is an audit row (`action`, e.g.
 * `customer.view`, `customer.holdings`) naming who, from where and through what (invariant 4).
 * An unknown customer is MSV_STORE_NOT_FOUND and not audited.
 */
export async function viewCustomer(
  db: Kysely<Database>,
  viewer: CustomerViewer,
  action: string,
  customerId: string,
): Promise<Customer> {
  const customer = await requireCustomer(db, customerId);
  await appendAudit(db, {
    actor: actorOf(viewer.principal),
    action,
    targetType: 'customer',
    targetId: customerId,
    details: { ip: viewer.ip, ...(viewer.via ? { via: viewer.via } : {}) },
  });
  return customer;
}
