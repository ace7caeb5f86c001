import type { Customer } from '../core/types.ts';
import type { DocumentData } from '../templates/types.ts';
import { buildStatementData } from './synthetic-activity.ts';

/**
 * The data a communication type renders from for one customer. The monthly statement's month of
 * transactions is derived from the customer (the bank data set has none); other types render from
 * the customer record itself until their data sources are wired in.
 */
export function documentDataFor(communicationType: string, customer: Customer, asOf: string): DocumentData {
  if (communicationType === 'monthly-statement') return buildStatementData(customer, asOf);
  return {
    customer: {
      id: customer.id,
      name: customer.name,
      locale: customer.locale,
      address: addressData(customer),
    },
    asOf,
  };
}

function addressData(customer: Customer): DocumentData | null {
  const a = customer.address;
  return a ? { lines: [...a.lines], postalCode: a.postalCode, city: a.city, country: a.country } : null;
}
