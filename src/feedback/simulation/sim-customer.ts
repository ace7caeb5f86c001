import type { Customer } from '../../core/types.ts';

/** A bank-marketing customer as the simulation holds them: what the engine sees, and the truth. */
export interface SimCustomer {
  customer: Customer;
  /** The real outcome `y` of bank-full.csv. */
  subscribed: boolean;
}
