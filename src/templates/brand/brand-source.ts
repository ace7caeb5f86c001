import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { MissiveError } from '../../core/errors.ts';

export const BRAND_FILE = 'brand.yaml';

/**
 * A brand as stored and sent to a render thread: its files as text (images as base64 `.b64` text, as
 * in template packages) and the sha256 of its canonical encoding (`encodeBrandSource`) — the brand's
 * version identity, what a document's sealed inputs name and what the blob store keeps it under.
 */
export interface BrandSource {
  readonly id: string;
  readonly files: Readonly<Record<string, string>>;
  readonly sha256: string;
}

const ID = /^[a-z0-9][a-z0-9-]*$/;

/** The canonical text of a brand: `{"id":…,"files":{…}}` with the files sorted by path. */
export function encodeBrandSource(id: string, files: Readonly<Record<string, string>>): string {
  const sorted = Object.fromEntries(
    Object.keys(files)
      .sort()
      .map((name) => [name, files[name] ?? '']),
  );
  return JSON.stringify({ id, files: sorted });
}

export function brandSourceFromFiles(id: string, files: Readonly<Record<string, string>>): BrandSource {
  if (!ID.test(id)) {
    throw new MissiveError('MSV_BRAND_INVALID', `brand name "${id}": lower-case letters, digits and dashes`, {
      field: 'brand',
    });
  }
  const text = encodeBrandSource(id, files);
  const sha256 = createHash('sha256').update(text).digest('hex');
  return Object.freeze({ id, files: Object.freeze({ ...files }), sha256 });
}

/** A brand read back from its canonical text (the blob store's copy): MSV_BRAND_INVALID if it is not one. */
export function decodeBrandSource(text: string): BrandSource {
  let parsed: { id?: unknown; files?: unknown };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    throw new MissiveError('MSV_BRAND_INVALID', 'stored brand is not JSON', { field: 'brand' });
  }
  const files = parsed.files;
  if (typeof parsed.id !== 'string' || typeof files !== 'object' || files === null) {
    throw new MissiveError('MSV_BRAND_INVALID', 'stored brand lacks its id or files', { field: 'brand' });
  }
  return brandSourceFromFiles(parsed.id, files as Record<string, string>);
}

/** Reads `<dir>/<id>/` (every non-hidden file of the folder, as text); MSV_BRAND_NOT_FOUND without one. */
export async function loadBrandSource(dir: string, id: string): Promise<BrandSource> {
  const folder = path.join(dir, id);
  let names: string[] | undefined;
  let cause: unknown;
  // A name that is not a brand id (a path, a dot) is not looked up: it names no brand.
  if (ID.test(id)) {
    try {
      names = (await readdir(folder, { withFileTypes: true }))
        .filter((e) => e.isFile() && !e.name.startsWith('.'))
        .map((e) => e.name);
    } catch (error) {
      cause = error;
    }
  }
  if (!names) {
    const known = await listBrands(dir);
    throw new MissiveError(
      'MSV_BRAND_NOT_FOUND',
      `no brand "${id}" in ${dir} (brands: ${known.join(', ') || 'none'})`,
      { field: 'brand', file: folder },
      { cause },
    );
  }
  if (!names.includes(BRAND_FILE)) {
    throw new MissiveError('MSV_BRAND_NOT_FOUND', `${folder} has no ${BRAND_FILE}`, { file: folder });
  }
  const files: Record<string, string> = {};
  for (const name of names.sort()) files[name] = await readFile(path.join(folder, name), 'utf8');
  return brandSourceFromFiles(id, files);
}

/** The brand folders of `dir` (those with a brand.yaml), sorted. */
export async function listBrands(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries
      .filter((e) => e.isDirectory() && ID.test(e.name))
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}
