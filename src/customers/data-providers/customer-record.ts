import type { Customer } from '../../core/types.ts';
import type { AssembledData } from '../feeds/feed-data.ts';
import { CUSTOMER_SHAPE, objectShape, type Shape, scalar, shapeAt } from '../feeds/shape.ts';
import type { DocumentDataProvider } from './document-data-provider.ts';

const customerPart = (name: string): Shape => {
  const found = shapeAt(CUSTOMER_SHAPE, [name]);
  return 'shape' in found ? found.shape : scalar('unknown');
};

/** What the customer-record provider gives every customer. */
export const CUSTOMER_RECORD_SHAPE = objectShape({
  customer: objectShape({
    id: customerPart('id'),
    name: customerPart('name'),
    locale: customerPart('locale'),
    address: customerPart('address'),
  }),
  asOf: scalar('date'),
});

/**
 * For communication types whose document is the customer record itself (a campaign letter, email or
 * SMS: name, address, the as-of date; the offers are added by the rules): no feeds to load.
 */
export function createCustomerRecordProvider(): DocumentDataProvider {
  return {
    kind: 'customer-record',
    shape: CUSTOMER_RECORD_SHAPE,
    ready: async () => undefined,
    async assemble(customers, asOf) {
      return new Map<string, AssembledData>(
        customers.map((c) => [c.id, { ok: true, data: customerRecordData(c, asOf) }]),
      );
    },
  };
}

function customerRecordData(customer: Customer, asOf: string): Record<string, unknown> {
  const a = customer.address;
  return {
    customer: {
      id: customer.id,
      name: customer.name,
      locale: customer.locale,
      address: a ? { lines: [...a.lines], postalCode: a.postalCode, city: a.city, country: a.country } : null,
    },
    asOf,
  };
}
