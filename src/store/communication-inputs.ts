import type { Kysely } from 'kysely';
import { nowIso } from './json.ts';
import type { Database } from './schema.ts';

/** Where a communication's rendering inputs are kept (a sealed snapshot blob) and what rendered them. */
export interface CommunicationInput {
  communicationId: string;
  inputSha256: string;
  blobSha256: string;
  keyId: string;
  nodeVersion: string;
  icuVersion: string;
  createdAt: string;
}

/**
 * Records where a communication's sealed input snapshot is (its blob and key) and which Node/ICU rendered
 * it.
 */
export async function saveCommunicationInput(
  db: Kysely<Database>,
  input: Omit<CommunicationInput, 'createdAt'>,
): Promise<void> {
  await db
    .insertInto('communication_inputs')
    .values({
      communication_id: input.communicationId,
      input_sha256: input.inputSha256,
      blob_sha256: input.blobSha256,
      key_id: input.keyId,
      node_version: input.nodeVersion,
      icu_version: input.icuVersion,
      created_at: nowIso(),
    })
    .onConflict((oc) => oc.column('communication_id').doNothing())
    .execute();
}

/**
 * A communication's input snapshot record, or undefined when it has none (sent before snapshots, or erased).
 */
export async function getCommunicationInput(
  db: Kysely<Database>,
  communicationId: string,
): Promise<CommunicationInput | undefined> {
  const row = await db
    .selectFrom('communication_inputs')
    .selectAll()
    .where('communication_id', '=', communicationId)
    .executeTakeFirst();
  return row
    ? {
        communicationId: row.communication_id,
        inputSha256: row.input_sha256,
        blobSha256: row.blob_sha256,
        keyId: row.key_id,
        nodeVersion: row.node_version,
        icuVersion: row.icu_version,
        createdAt: row.created_at,
      }
    : undefined;
}

/** Removes the snapshot rows of these communications; returns the snapshot blobs they pointed at. */
export async function deleteCommunicationInputs(
  db: Kysely<Database>,
  communicationIds: readonly string[],
): Promise<string[]> {
  if (communicationIds.length === 0) return [];
  const rows = await db
    .deleteFrom('communication_inputs')
    .where('communication_id', 'in', communicationIds)
    .returning('blob_sha256')
    .execute();
  return rows.map((r) => r.blob_sha256);
}

/** How many snapshot rows still point at a blob (a blob is deleted only when none does). */
export async function countInputsReferencing(db: Kysely<Database>, blobSha256: string): Promise<number> {
  const row = await db
    .selectFrom('communication_inputs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('blob_sha256', '=', blobSha256)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
