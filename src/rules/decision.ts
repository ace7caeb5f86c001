import type { ChannelKind } from '../core/types.ts';
import type { CompiledCatalog } from './compile.ts';
import type { ModelSnapshot } from './ranking.ts';

/** What the rules know of a customer's past, passed in as data (context-loader.ts reads it from the store). */
export interface CustomerHistory {
  /** Communications in the ledger (any run): when and for what purpose. */
  communications: readonly { runId: string; at: string; purpose: 'service' | 'marketing' }[];
  /** Offers the customer declined (feedback events), with when. */
  declined: readonly { offerId: string; at: string }[];
  /** Products the customer holds beyond what the traits say (e.g. converted offers' products). */
  heldProducts: readonly string[];
  /** The customer asked not to be contacted for marketing. */
  doNotContact?: boolean;
}

export const EMPTY_HISTORY: CustomerHistory = Object.freeze({
  communications: [],
  declined: [],
  heldProducts: [],
});

export interface DecisionContext {
  /** The date the document speaks for (YYYY-MM-DD): validity windows, rules' `asOf`. */
  asOf: string;
  /** The moment of sending (ISO-8601): quiet hours, frequency-cap and decline windows. */
  now: string;
  runId: string;
  communicationType: string;
  /** The holdout is stable per customer and campaign (default: the communication type). */
  campaign?: string;
  catalog: CompiledCatalog;
  model: ModelSnapshot;
  history?: CustomerHistory;
  /**
   * Electronic channels the run cannot send on (no transport configured) for a type the law wants on
   * paper: they are passed over, so an e-delivery customer's document goes on paper (src/batch/run-channels.ts).
   */
  paperInstead?: readonly ChannelKind[];
}

export type RejectionRule =
  | 'validity'
  | 'eligibility'
  | 'held'
  | 'declined'
  | 'channel-content'
  | 'exclusion-group'
  | 'slots';

export type SuppressionRule =
  | 'do-not-contact'
  | 'consent'
  | 'frequency-cap'
  | 'no-channel'
  | 'holdout'
  | 'no-slots'
  /** A marketing message outside the holdout whose decision placed no offer is not sent. */
  | 'no-eligible-offer';

export interface ChosenOffer {
  offerId: string;
  slot: number;
  /** prior weight × sampled response rate: what the ranking compared. */
  score: number;
  /** The Thompson draw from the offer's Beta posterior for the customer's segment. */
  sample: number;
  /** P(the policy puts this offer in this slot | customer), holdout included: for offline evaluation. */
  propensity: number;
  posterior: { alpha: number; beta: number };
  exclusionGroup: string | null;
}

export interface RejectedOffer {
  offerId: string;
  rule: RejectionRule;
  reason: string;
  /** Where in the offer the deciding rule is, e.g. `eligibility.and[1]`. */
  path?: string;
}

export interface ChannelAttempt {
  channel: ChannelKind;
  ok: boolean;
  reason: string;
}

export interface Decision {
  customerId: string;
  runId: string;
  communicationType: string;
  purpose: 'service' | 'marketing';
  asOf: string;
  catalogVersion: string;
  modelVersion: string;
  /** stableId(run, customer): the seed of every random draw in this decision. */
  seed: string;
  segment: string;
  segments: string[];
  /** Null when nothing is sent (see `suppressed`). */
  channel: ChannelKind | null;
  channelReason: string;
  channelsTried: ChannelAttempt[];
  /** Why the whole communication is not sent, if it is not. */
  suppressed: { rule: SuppressionRule; reason: string } | null;
  /** In the control group: sent without offers, so lift can be measured. */
  holdout: boolean;
  /** Why no offer at all was considered (holdout, consent, do-not-contact…), if so. */
  offersSuppressed: { rule: SuppressionRule; reason: string } | null;
  offers: ChosenOffer[];
  rejected: RejectedOffer[];
}
