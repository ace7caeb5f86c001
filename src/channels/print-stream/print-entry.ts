/**
 * One document of a run that goes on paper, with what the print stream needs to place it: the
 * archived PDF (by sha256) and its page count from the ledger, and the customer's postal address.
 */
export interface PrintEntry {
  readonly communicationId: string;
  readonly customerId: string;
  readonly sha256: string;
  readonly pages: number;
  readonly address: UsableAddress;
  /** An agent's re-print: the communication it copies (flagged in the manifests). */
  readonly reprintOf?: string | undefined;
}

/** A postal address that passed `usableAddress` (trimmed; postal code upper-cased, spaces single). */
export interface UsableAddress {
  readonly lines: readonly string[];
  readonly postalCode: string;
  readonly city: string;
  readonly country: string;
}
