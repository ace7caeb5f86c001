import type { ChannelKind } from '../../core/types.ts';
import type { Decision, ModelSnapshot } from '../../rules/index.ts';
import type { ReceivedLinks } from './received-message.ts';
import type { SimCustomer } from './sim-customer.ts';

/**
 * The learning policy's side of the replay: the product itself. Each week is a run of the campaign
 * in a store (decisions with the model read back from that store, messages rendered with their short
 * tracked links and open pixel, ledger rows, sends with their exposures counted), and a customer who
 * takes the offer acts on the message received: loads its images (the open pixel) and follows the
 * offer's link through the tracking route, so clicks reach the model's statistics as events do.
 * Implemented in src/cli/simulation-path.ts (it needs the batch, dispatch and the API's routes);
 * the simulation (simulate.ts) only drives it.
 */
export interface LearningPath {
  /** Takes the cohort into the store and makes one run per week; returns each week's run. */
  prepare(cohort: readonly SimCustomer[], weeks: number): Promise<WeekRun[]>;
  /** The week's campaign for these customers, made and sent by the product. */
  send(week: WeekRun, customers: readonly SimCustomer[]): Promise<WeekSend>;
  /** The customer takes the offer: opens the message (its images) and follows the offer's link. */
  respond(message: ReceivedOffer): Promise<void>;
  /** The model statistics as stored now. */
  model(): Promise<ModelSnapshot>;
}

/** A week's run: its decisions' context, which the in-memory policies share (same seeds). */
export interface WeekRun {
  week: number;
  runId: string;
  asOf: string;
  /** The run's "now" (its creation), as the run's decisions see it. */
  now: string;
}

export interface WeekSend {
  /** The model version the week's decisions were made with (read from the store). */
  modelVersion: string;
  /** Per customer id: the message that reached the customer with an offer. */
  received: Map<string, ReceivedOffer>;
}

/** A sent message that carries an offer, as the customer received it. */
export interface ReceivedOffer {
  customerId: string;
  communicationId: string;
  channel: ChannelKind;
  decision: Decision;
  offerId: string;
  /** The label of the offer's call to action, as the customer reads it (the button to press). */
  ctaLabel: string | undefined;
  links: ReceivedLinks;
}
