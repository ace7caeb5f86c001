import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import sharp from 'sharp';
import { MissiveError } from '../core/errors.ts';
import {
  type AssetRecord,
  appendAudit,
  type Database,
  getStudioAsset,
  getStudioAssetBytes,
  insertStudioAsset,
  listStudioAssets,
} from '../store/index.ts';
import {
  ASSET_MAX_BYTES,
  ASSET_MAX_SIDE,
  AssetRefusal,
  assetName,
  type SniffedKind,
  sniffImage,
  svgProblems,
} from './asset-check.ts';
import { editDraftFiles, type StudioActor } from './workflow.ts';

/**
 * The studio's asset library: uploads are sniffed and checked (asset-check.ts), decoded and
 * re-encoded with sharp (libvips) — metadata, colour profiles, extra chunks and anything hidden after
 * the image are dropped, an SVG is rasterised to PNG — and stored under the sha256 of the re-encoded
 * bytes. Offers and templates use an asset through a template draft (`addAssetToDraft`), so it goes
 * through the same four-eyes publishing as any other change of the package.
 */

/** Stored images fit in this many pixels a side (a 5 cm offer image at 300 dpi is 600 px). */
export const STORED_MAX_SIDE = 1600;
/** A stored image fits in one draft file (base64 in a 512 KB text): at most this many bytes. */
export const STORED_MAX_BYTES = 380 * 1024;
const PNG_ATTEMPTS = [
  { side: STORED_MAX_SIDE, quality: 100 },
  { side: 1200, quality: 100 },
  { side: 800, quality: 100 },
];
const JPEG_ATTEMPTS = [
  { side: STORED_MAX_SIDE, quality: 88 },
  { side: STORED_MAX_SIDE, quality: 75 },
  { side: 1200, quality: 75 },
  { side: 900, quality: 70 },
];

export interface PreparedAsset {
  name: string;
  kind: 'png' | 'jpeg';
  sourceKind: SniffedKind;
  width: number;
  height: number;
  bytes: Buffer;
  sha256: string;
}

function refused(fileName: string, reason: string, details: Record<string, unknown> = {}): MissiveError {
  return new MissiveError('MSV_STUDIO_ASSET_INVALID', `${fileName || 'the upload'} ${reason}`, {
    field: 'file',
    ...details,
  });
}

/**
 * Checks one upload and re-encodes it for the library. PNG stays PNG (8-bit RGB/RGBA, not
 * interlaced, what the PDF renderer draws), JPEG stays JPEG (baseline, sRGB, turned upright by its
 * EXIF orientation, then stripped), a safe SVG becomes a PNG at its own size. Larger than
 * STORED_MAX_SIDE is scaled down to fit.
 * @throws MissiveError MSV_STUDIO_ASSET_INVALID naming the file and the reason.
 */
export async function prepareAsset(fileName: string, bytes: Buffer): Promise<PreparedAsset> {
  if (bytes.length > ASSET_MAX_BYTES) {
    throw refused(fileName, `is ${kb(bytes.length)}; an upload is at most ${kb(ASSET_MAX_BYTES)}`);
  }
  let sourceKind: SniffedKind;
  try {
    sourceKind = sniffImage(bytes);
    if (sourceKind === 'svg') {
      const problems = svgProblems(bytes.toString('utf8'));
      if (problems.length > 0) throw new AssetRefusal(`is not a safe SVG: it ${problems.join('; it ')}`);
    }
  } catch (error) {
    if (error instanceof AssetRefusal) throw refused(fileName, error.reason);
    throw error;
  }
  const input = () =>
    sharp(bytes, { failOn: 'warning', limitInputPixels: ASSET_MAX_SIDE * ASSET_MAX_SIDE, density: 72 });
  let meta: sharp.Metadata;
  try {
    meta = await input().metadata();
  } catch (error) {
    throw refused(fileName, `is not a readable ${sourceKind.toUpperCase()} (${(error as Error).message})`);
  }
  const width = meta.autoOrient?.width ?? meta.width ?? 0;
  const height = meta.autoOrient?.height ?? meta.height ?? 0;
  if (width < 1 || height < 1) throw refused(fileName, 'has no pixels');
  if (width > ASSET_MAX_SIDE || height > ASSET_MAX_SIDE) {
    throw refused(fileName, `is ${width}×${height} px; at most ${ASSET_MAX_SIDE}×${ASSET_MAX_SIDE}`, {
      width,
      height,
    });
  }
  const kind: 'png' | 'jpeg' = sourceKind === 'jpeg' ? 'jpeg' : 'png';
  // Re-encoded at the stored size first; a picture still over STORED_MAX_BYTES is tried smaller (and a
  // JPEG at a lower quality) before it is refused.
  const attempts = kind === 'png' ? PNG_ATTEMPTS : JPEG_ATTEMPTS;
  let out: { data: Buffer; info: sharp.OutputInfo } | undefined;
  for (const { side, quality } of attempts) {
    try {
      const pipeline = input()
        .rotate()
        .resize({ width: side, height: side, fit: 'inside', withoutEnlargement: true })
        .toColourspace('srgb');
      out = await (kind === 'png'
        ? pipeline.png({ compressionLevel: 9, progressive: false })
        : pipeline.flatten({ background: '#ffffff' }).jpeg({ quality, progressive: false, mozjpeg: false })
      ).toBuffer({ resolveWithObject: true });
    } catch (error) {
      throw refused(fileName, `is not a readable ${sourceKind.toUpperCase()} (${(error as Error).message})`);
    }
    if (out.data.length <= STORED_MAX_BYTES) break;
  }
  if (!out || out.data.length > STORED_MAX_BYTES) {
    throw refused(
      fileName,
      `is ${kb(out?.data.length ?? 0)} even re-encoded at ${out?.info.width}×${out?.info.height} px; a library image is at most ${kb(STORED_MAX_BYTES)}${kind === 'png' ? ' (a photo is smaller as JPEG)' : ''}`,
    );
  }
  return {
    name: assetName(fileName, kind),
    kind,
    sourceKind,
    width: out.info.width,
    height: out.info.height,
    bytes: out.data,
    sha256: createHash('sha256').update(out.data).digest('hex'),
  };
}

function kb(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

/**
 * Uploads an image into the library (audited). The same picture uploaded again is the asset already
 * there; another picture under a name already taken is refused (MSV_STUDIO_ASSET_INVALID, 422): a
 * name offers use must keep meaning one picture.
 */
export async function uploadAsset(
  db: Kysely<Database>,
  who: StudioActor,
  fileName: string,
  bytes: Buffer,
): Promise<AssetRecord> {
  const asset = await prepareAsset(fileName, bytes);
  const same = await getStudioAsset(db, { sha256: asset.sha256 });
  if (same) return same;
  const taken = await getStudioAsset(db, { name: asset.name });
  if (taken) {
    throw refused(
      fileName,
      `is named ${asset.name}, which the library already has for another picture: rename the file`,
      {
        name: asset.name,
      },
    );
  }
  const stored = await insertStudioAsset(db, { ...asset, size: asset.bytes.length, uploadedBy: who.user });
  await appendAudit(db, {
    actor: who.actor,
    action: 'studio.asset.upload',
    targetType: 'asset',
    targetId: stored.sha256,
    details: {
      name: stored.name,
      sourceKind: stored.sourceKind,
      size: stored.size,
      ...(who.ip ? { ip: who.ip } : {}),
    },
  });
  return stored;
}

export { listStudioAssets as listAssets };

/** An asset's record and verified bytes; MSV_API_NOT_FOUND when the library has no such name. */
export async function readAsset(
  db: Kysely<Database>,
  by: { sha256: string } | { name: string },
): Promise<{ asset: AssetRecord; bytes: Buffer }> {
  const asset = await getStudioAsset(db, by);
  const bytes = asset ? await getStudioAssetBytes(db, asset.sha256) : undefined;
  if (!asset || !bytes) {
    throw new MissiveError(
      'MSV_API_NOT_FOUND',
      `no asset ${'name' in by ? by.name : by.sha256} in the library`,
      {
        field: 'asset',
      },
    );
  }
  if (createHash('sha256').update(bytes).digest('hex') !== asset.sha256) {
    throw new MissiveError('MSV_ARCHIVE_TAMPERED', `asset ${asset.name} does not match its sha256`, {
      field: 'asset',
    });
  }
  return { asset, bytes };
}

/** Package folders an asset can go to: offer images (the catalog names them) or the layout's images. */
export const ASSET_FOLDERS = ['images/offers', 'images'] as const;
export type AssetFolder = (typeof ASSET_FOLDERS)[number];

/**
 * Puts a library image into a template draft as `<folder>/<name>.b64` (base64 text, as packages
 * keep images): under images/offers an offer's `image: <name>` finds it; under images a layout's
 * image block's `src: images/<name>` does. The draft then goes through submit and approval.
 */
export async function addAssetToDraft(
  db: Kysely<Database>,
  who: StudioActor,
  draftId: string,
  name: string,
  folder: string = 'images/offers',
): Promise<string> {
  if (!(ASSET_FOLDERS as readonly string[]).includes(folder)) {
    throw new MissiveError('MSV_API_BAD_REQUEST', `folder: one of ${ASSET_FOLDERS.join(', ')}`, {
      field: 'folder',
    });
  }
  const { asset, bytes } = await readAsset(db, { name });
  const file = `${folder}/${asset.name}.b64`;
  await editDraftFiles(db, who, draftId, { [file]: bytes.toString('base64') });
  return file;
}
