import type { Kysely, Selectable } from 'kysely';
import { nowIso } from './json.ts';
import type { Database, StudioAssetsTable } from './schema.ts';

/** An image of the studio's asset library (see src/studio/assets.ts for how it is checked). */
export interface AssetRecord {
  sha256: string;
  /** The file name offers and templates use: `platinum.png`. */
  name: string;
  kind: StudioAssetsTable['kind'];
  /** What was uploaded: an SVG is kept rasterised as PNG. */
  sourceKind: StudioAssetsTable['source_kind'];
  width: number;
  height: number;
  size: number;
  uploadedBy: string;
  uploadedAt: string;
}

export interface NewAsset extends Omit<AssetRecord, 'uploadedAt'> {
  bytes: Buffer;
}

/**
 * Stores an asset under its sha256 unless that sha256 is already there (content-addressed): returns
 * the stored record, which is the earlier one when the same bytes were uploaded before.
 */
export async function insertStudioAsset(db: Kysely<Database>, asset: NewAsset): Promise<AssetRecord> {
  await db
    .insertInto('studio_assets')
    .values({
      sha256: asset.sha256,
      name: asset.name,
      kind: asset.kind,
      source_kind: asset.sourceKind,
      width: asset.width,
      height: asset.height,
      size: asset.size,
      data: asset.bytes.toString('base64'),
      uploaded_by: asset.uploadedBy,
      uploaded_at: nowIso(),
    })
    .onConflict((oc) => oc.column('sha256').doNothing())
    .execute();
  return (await getStudioAsset(db, { sha256: asset.sha256 }))!;
}

const COLUMNS = [
  'sha256',
  'name',
  'kind',
  'source_kind',
  'width',
  'height',
  'size',
  'uploaded_by',
  'uploaded_at',
] as const;

/** One asset by sha256 or by name, or undefined. */
export async function getStudioAsset(
  db: Kysely<Database>,
  by: { sha256: string } | { name: string },
): Promise<AssetRecord | undefined> {
  const row = await db
    .selectFrom('studio_assets')
    .select(COLUMNS)
    .where('sha256' in by ? 'sha256' : 'name', '=', 'sha256' in by ? by.sha256 : by.name)
    .executeTakeFirst();
  return row ? toRecord(row) : undefined;
}

/** An asset's bytes (base64 in the store), or undefined. */
export async function getStudioAssetBytes(db: Kysely<Database>, sha256: string): Promise<Buffer | undefined> {
  const row = await db
    .selectFrom('studio_assets')
    .select('data')
    .where('sha256', '=', sha256)
    .executeTakeFirst();
  return row ? Buffer.from(row.data, 'base64') : undefined;
}

/** The library, by name. */
export async function listStudioAssets(db: Kysely<Database>): Promise<AssetRecord[]> {
  const rows = await db.selectFrom('studio_assets').select(COLUMNS).orderBy('name').execute();
  return rows.map(toRecord);
}

function toRecord(row: Pick<Selectable<StudioAssetsTable>, (typeof COLUMNS)[number]>): AssetRecord {
  return {
    sha256: row.sha256,
    name: row.name,
    kind: row.kind,
    sourceKind: row.source_kind,
    width: row.width,
    height: row.height,
    size: row.size,
    uploadedBy: row.uploaded_by,
    uploadedAt: row.uploaded_at,
  };
}
