import type { Kysely } from 'kysely';
import { decodeEmail } from '../../render/index.ts';
import { type CommunicationRecord, type Database, getCustomer, getRecipient } from '../../store/index.ts';
import { maskEmail, maskPans } from '../mask.ts';

/** What the agent's viewer shows above an archived e-mail: its subject, sender and recipient. */
export interface EmailEnvelope {
  subject: string;
  /** The brand's sender the message carried; undefined for messages archived before it did (format 1). */
  from: { name: string; address: string } | undefined;
  /** Masked as the rest of the UI masks e-mail addresses (`c***@example.org`); undefined if unknown. */
  to: string | undefined;
  /** Where `to` comes from: an address an agent confirmed for a copy, or the customer's on file. */
  toSource: 'confirmed' | 'on-file' | undefined;
}

/**
 * The envelope of an archived e-mail, read from the archived bytes (subject and sender are part of
 * what was archived, never re-rendered) and the ledger: the address an agent confirmed for a copy
 * (communication_recipients) or else the customer's address on file, which is where dispatch sends.
 * @throws MissiveError MSV_RENDER_FAILED when the bytes are not a Missive e-mail artifact.
 */
export async function emailEnvelope(
  db: Kysely<Database>,
  communication: CommunicationRecord,
  bytes: Uint8Array,
): Promise<EmailEnvelope> {
  const parts = decodeEmail(bytes);
  const confirmed = communication.copyOf ? await getRecipient(db, communication.id) : undefined;
  const onFile = confirmed
    ? undefined
    : ((await getCustomer(db, communication.customerId))?.email ?? undefined);
  const address = confirmed ?? onFile;
  return {
    subject: maskPans(parts.subject),
    from: parts.fromAddress ? { name: parts.fromName ?? '', address: parts.fromAddress } : undefined,
    to: address ? (maskEmail(address) ?? undefined) : undefined,
    toSource: confirmed ? 'confirmed' : onFile ? 'on-file' : undefined,
  };
}
