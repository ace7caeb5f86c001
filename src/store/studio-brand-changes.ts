import type { Kysely, Selectable } from 'kysely';
import { canonicalJson, nowIso, parseJson } from './json.ts';
import type { Database, StudioBrandChangesTable } from './schema.ts';

/** A proposed brand theme change (see src/studio/brand-theme.ts for its four-eyes rules). */
export interface BrandChangeRecord {
  id: string;
  brandId: string;
  /** The brand version (sha256 of its files) the change was made from. */
  baseSha256: string;
  /** The brand version the change makes. */
  sha256: string;
  files: Record<string, string>;
  status: StudioBrandChangesTable['status'];
  submittedBy: string;
  submittedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
}

export async function insertBrandChange(
  db: Kysely<Database>,
  change: Pick<BrandChangeRecord, 'id' | 'brandId' | 'baseSha256' | 'sha256' | 'files' | 'submittedBy'>,
): Promise<BrandChangeRecord> {
  const row = {
    id: change.id,
    brand_id: change.brandId,
    base_sha256: change.baseSha256,
    sha256: change.sha256,
    files: canonicalJson(change.files),
    status: 'submitted' as const,
    submitted_by: change.submittedBy,
    submitted_at: nowIso(),
    decided_by: null,
    decided_at: null,
  };
  await db.insertInto('studio_brand_changes').values(row).execute();
  return toRecord(row);
}

export async function getBrandChange(
  db: Kysely<Database>,
  id: string,
): Promise<BrandChangeRecord | undefined> {
  const row = await db.selectFrom('studio_brand_changes').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toRecord(row) : undefined;
}

/** A brand's changes, newest first. */
export async function listBrandChanges(db: Kysely<Database>, brandId: string): Promise<BrandChangeRecord[]> {
  const rows = await db
    .selectFrom('studio_brand_changes')
    .selectAll()
    .where('brand_id', '=', brandId)
    .orderBy('submitted_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map(toRecord);
}

/** Decides a submitted change (compare-and-set on its status): false when it was no longer submitted. */
export async function decideBrandChange(
  db: Kysely<Database>,
  id: string,
  status: 'approved' | 'rejected',
  decidedBy: string,
): Promise<boolean> {
  const result = await db
    .updateTable('studio_brand_changes')
    .set({ status, decided_by: decidedBy, decided_at: nowIso() })
    .where('id', '=', id)
    .where('status', '=', 'submitted')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

function toRecord(row: Selectable<StudioBrandChangesTable>): BrandChangeRecord {
  return {
    id: row.id,
    brandId: row.brand_id,
    baseSha256: row.base_sha256,
    sha256: row.sha256,
    files: parseJson<Record<string, string>>(row.files),
    status: row.status,
    submittedBy: row.submitted_by,
    submittedAt: row.submitted_at,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
  };
}
