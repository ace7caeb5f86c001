import type { Customer } from '../../core/types.ts';
import { maskAccount, maskEmail, maskPhone, maskTraits } from '../mask.ts';

/** A customer as a search result: enough to pick the right one, personal data masked. */
export interface CustomerSummary {
  id: string;
  name: string;
  locale: string;
  phone: string | null;
  email: string | null;
  city: string | null;
}

/** A customer as the customer page shows them: key traits, consent, contact points masked. */
export interface CustomerView extends CustomerSummary {
  timeZone: string;
  country: string | null;
  eDelivery: boolean;
  consent: Customer['consent'];
  traits: Record<string, unknown>;
  accounts: string[];
}

export function customerSummary(c: Customer): CustomerSummary {
  return {
    id: c.id,
    name: c.name,
    locale: c.locale,
    phone: maskPhone(c.phone),
    email: maskEmail(c.email),
    city: c.address?.city ?? null,
  };
}

export function customerView(c: Customer, accounts: readonly string[]): CustomerView {
  return {
    ...customerSummary(c),
    timeZone: c.timeZone,
    country: c.address?.country ?? null,
    eDelivery: c.eDelivery,
    consent: c.consent,
    traits: maskTraits(c.traits),
    accounts: accounts.map(maskAccount),
  };
}
