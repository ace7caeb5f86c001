import type { Kysely } from 'kysely';
import { MissiveError } from '../core/errors.ts';
import { sha256Hex } from '../core/hash.ts';
import type { ChannelKind } from '../core/types.ts';
import type { AttachmentPlan, EmailPurpose, TrackingPlan } from '../render/index.ts';
import {
  type Database,
  type DataKey,
  getCommunicationInput,
  getDataKey,
  getOrCreateDataKey,
} from '../store/index.ts';
import type { DocumentData } from '../templates/index.ts';
import type { BlobStore } from './blob-store.ts';
import type { BrandRef } from './brand-store.ts';
import { openEnvelope, sealEnvelope } from './envelope.ts';

/**
 * Everything a document was rendered from, captured at render time so `missive verify` can render it
 * again and prove the bytes, whatever has happened to the customer record since: the template version,
 * the exact merge data (customer fields, derived statement lines, the decision's offers), the as-of
 * date and locale. The snapshot text is `JSON.stringify` (key order kept: templates may iterate
 * objects), its sha256 is the communication's `input_sha256`. It holds personal data, so the blob is
 * sealed with the customer's data key for the communication type (crypto-shredding on erasure).
 */

export const INPUT_FORMAT = 'missive-input/1';

export interface RenderInput {
  templateVersionId: string;
  communicationType: string;
  channel: ChannelKind;
  asOf: string;
  locale: string;
  data: DocumentData;
  /**
   * A marketing e-mail or SMS: the short links and open pixel its rendered links were rewritten to
   * (src/render/tracked-links.ts). Replay applies the same plan, so the links are proved too.
   */
  tracking?: TrackingPlan | undefined;
  /** An e-mail that carries documents (the print channel's PDF of the same data): replay attaches them too. */
  attachments?: AttachmentPlan[] | undefined;
  /**
   * The brand the document was made for (brands/<id>, kept in the blob store by its sha256,
   * brand-store.ts): part of the hashed inputs, so the same data with another brand is another input.
   */
  brand?: BrandRef | undefined;
  /**
   * An e-mail's purpose (service or marketing): which of the brand's senders it carries. Absent in
   * e-mails archived before senders per purpose (they carry the brand's `sender`).
   */
  purpose?: EmailPurpose | undefined;
}

export interface InputSnapshot {
  input: RenderInput;
  text: string;
  sha256: string;
}

/** The Node and ICU versions that render here: Intl output (dates, numbers) may change with ICU. */
export interface RenderRuntime {
  node: string;
  icu: string;
}

export function currentRuntime(): RenderRuntime {
  return { node: process.versions.node, icu: process.versions.icu ?? 'none' };
}

/**
 * The canonical bytes of a render's input (template version, channel, as-of, locale, data, tracking plan)
 * and their sha256, for sealing and replay.
 */
export function snapshotInput(input: RenderInput): InputSnapshot {
  const text = JSON.stringify({
    format: INPUT_FORMAT,
    templateVersionId: input.templateVersionId,
    communicationType: input.communicationType,
    channel: input.channel,
    asOf: input.asOf,
    locale: input.locale,
    data: input.data,
    // Only when present: the snapshots of untracked documents stay as they were.
    ...(input.tracking ? { tracking: input.tracking } : {}),
    ...(input.attachments?.length ? { attachments: input.attachments } : {}),
    ...(input.brand ? { brand: { id: input.brand.id, sha256: input.brand.sha256 } } : {}),
    ...(input.purpose ? { purpose: input.purpose } : {}),
  });
  return { input, text, sha256: sha256Hex(text) };
}

export function parseInputSnapshot(text: string): RenderInput {
  const parsed = JSON.parse(text) as RenderInput & { format?: string };
  if (parsed.format !== INPUT_FORMAT) {
    throw new MissiveError('MSV_ARCHIVE_INPUT_MISSING', `unknown input snapshot format ${parsed.format}`);
  }
  const { format: _format, ...input } = parsed;
  return input;
}

export interface SealedInput {
  blobSha256: string;
  keyId: string;
}

/**
 * Seals the snapshot with the customer's key and stores it (content-addressed; a retry stores nothing
 * new). `key`: the customer's key for the communication type when the caller has it already (a run
 * chunk fetches its customers' keys at once); otherwise it is read, or created on first use.
 */
export async function storeInputSnapshot(
  db: Kysely<Database>,
  blobs: BlobStore,
  customerId: string,
  snapshot: InputSnapshot,
  key?: DataKey,
): Promise<SealedInput> {
  if (key && (key.customerId !== customerId || key.scope !== snapshot.input.communicationType)) {
    throw new MissiveError(
      'MSV_ARCHIVE_DECRYPT_FAILED',
      `data key ${key.id} is not ${customerId}'s key for this type`,
    );
  }
  key ??= await getOrCreateDataKey(db, customerId, snapshot.input.communicationType);
  const sealed = sealEnvelope(key.key, key.id, Buffer.from(snapshot.text));
  const blob = await blobs.put(sealed);
  return { blobSha256: blob.sha256, keyId: key.id };
}

export interface LoadedInput {
  input: RenderInput;
  sha256: string;
  runtime: RenderRuntime;
}

/**
 * The stored inputs of a communication, decrypted and checked against their recorded sha256.
 * Throws MSV_ARCHIVE_INPUT_MISSING (none stored), MSV_ARCHIVE_SHREDDED (key erased),
 * MSV_ARCHIVE_TAMPERED (blob or snapshot altered).
 */
export async function loadInputSnapshot(
  db: Kysely<Database>,
  blobs: BlobStore,
  communicationId: string,
): Promise<LoadedInput> {
  const row = await getCommunicationInput(db, communicationId);
  if (!row) {
    throw new MissiveError(
      'MSV_ARCHIVE_INPUT_MISSING',
      `communication ${communicationId} has no stored input snapshot`,
      { communicationId },
    );
  }
  const key = await getDataKey(db, row.keyId);
  if (!key) {
    throw new MissiveError(
      'MSV_ARCHIVE_SHREDDED',
      `the inputs of ${communicationId} were crypto-shredded (data key ${row.keyId} erased)`,
      { communicationId },
    );
  }
  const text = Buffer.from(openEnvelope(key.key, key.id, await blobs.get(row.blobSha256))).toString();
  const sha256 = sha256Hex(text);
  if (sha256 !== row.inputSha256) {
    throw new MissiveError(
      'MSV_ARCHIVE_TAMPERED',
      `input snapshot of ${communicationId} hashes to ${sha256}, recorded ${row.inputSha256}`,
      { communicationId },
    );
  }
  return { input: parseInputSnapshot(text), sha256, runtime: { node: row.nodeVersion, icu: row.icuVersion } };
}
