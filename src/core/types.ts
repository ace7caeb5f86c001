/** The records every stage shares (see docs/ARCHITECTURE.md, "Core records"). */

export type ChannelKind = 'print' | 'email' | 'sms';
export const CHANNEL_KINDS: readonly ChannelKind[] = ['print', 'email', 'sms'];

/** Trait values are plain JSON. */
export type TraitValue = string | number | boolean | null;
export type Traits = Record<string, TraitValue>;

export interface PostalAddress {
  lines: string[];
  postalCode: string;
  city: string;
  country: string; // ISO 3166-1 alpha-2
}

export interface Consent {
  /** Service messages (statements, bills) on this channel. */
  service: boolean;
  /** Marketing messages on this channel. */
  marketing: boolean;
}

export interface Customer {
  id: string;
  name: string;
  locale: string; // BCP 47, e.g. zh-CN, en-GB
  timeZone: string; // IANA, e.g. Asia/Shanghai
  email: string | null;
  phone: string | null; // E.164
  address: PostalAddress | null;
  consent: Record<ChannelKind, Consent>;
  /** Electronic delivery of documents the law wants on paper. */
  eDelivery: boolean;
  traits: Traits;
}

/** The exact bytes produced for one customer, plus what is known about them. */
export interface Artifact {
  bytes: Uint8Array;
  mime: string;
  sha256: string;
  size: number;
  pages?: number;
  segments?: number;
}

export type RunStatus = 'planning' | 'running' | 'completed' | 'failed' | 'cancelled' | 'paused';

export type CommunicationStatus =
  | 'pending'
  | 'archived'
  | 'sending'
  | 'sent'
  | 'unknown'
  | 'failed'
  | 'suppressed'
  // A letter after Missive: put in a print file, then as the print house reports it (print-streams confirm).
  | 'in_print_file'
  | 'printed'
  | 'mailed'
  | 'spoiled';

/** A document for one customer in one run on one channel: a ledger row. */
export interface Communication {
  id: string;
  runId: string;
  customerId: string;
  channel: ChannelKind;
  templateVersionId: string;
  status: CommunicationStatus;
  reason: string | null;
  inputSha256: string;
  artifactSha256: string | null;
  artifactSize: number | null;
  pages: number | null;
  createdAt: string;
  updatedAt: string;
}
