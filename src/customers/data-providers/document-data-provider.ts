import type { Customer } from '../../core/types.ts';
import type { AssembledData } from '../feeds/feed-data.ts';
import type { Shape } from '../feeds/shape.ts';

/**
 * Where a communication type's document data comes from: one implementation per kind of source
 * (registry.ts), chosen per communication type. Nothing here invents data: a provider assembles what
 * the organisation loaded (feeds) or what the customer record holds.
 */
export interface DocumentDataProvider {
  /** `datasource` (feeds, datasources/<type>/datasource.yaml) or `customer-record`. */
  readonly kind: string;
  /** The data source's name, for `datasource`. */
  readonly name?: string;
  /** The shape every customer's data has: checked against the template's contract before a run. */
  readonly shape: Shape;
  /** Throws (MSV_FEED_NOT_LOADED, MSV_FEED_CONTROL_MISMATCH) when a run for `asOf` cannot start. */
  ready(asOf: string): Promise<void>;
  /** Each customer's document data for `asOf`, or why it cannot be made (that customer fails alone). */
  assemble(customers: readonly Customer[], asOf: string): Promise<Map<string, AssembledData>>;
}
