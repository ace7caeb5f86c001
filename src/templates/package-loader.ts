import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { didYouMean } from '../core/did-you-mean.ts';
import { MissiveError } from '../core/errors.ts';
import { fileError, problemsError, problemsFromZod } from './issues.ts';
import { checkSameIds, type LocaleStrings, readLocaleStrings } from './locales.ts';
import { MANIFEST_FILE, type Manifest, manifestSchema, PRINT_LAYOUT_FILE } from './manifest.ts';
import { keepParsedLayout, type ParsedLayout, parsePrintLayout } from './print-layout/parse.ts';
import { parseJsonFile } from './source-file.ts';
import type { TemplatePackage } from './types.ts';

/** sha256 over every file, sorted by path, each framed by its path and byte length: the version identity. */
export function packageSha256(files: Readonly<Record<string, string>>): string {
  const hash = createHash('sha256');
  for (const name of Object.keys(files).sort()) {
    const bytes = Buffer.from(files[name] ?? '', 'utf8');
    hash.update(`${name}\n${bytes.length}\n`).update(bytes).update('\n');
  }
  return hash.digest('hex');
}

function readManifest(name: string, files: Readonly<Record<string, string>>): Manifest {
  const text = files[MANIFEST_FILE];
  if (text === undefined) throw fileError(MANIFEST_FILE, '(file)', 'missing: every template package has one');
  const source = parseJsonFile(MANIFEST_FILE, text);
  const parsed = manifestSchema.safeParse(source.value);
  if (!parsed.success) {
    throw problemsError(
      'MSV_TEMPLATE_INVALID',
      MANIFEST_FILE,
      problemsFromZod(parsed.error.issues, source.lineOf),
    );
  }
  if (parsed.data.name !== name) {
    throw fileError(
      MANIFEST_FILE,
      'name',
      `is "${parsed.data.name}" but the package is "${name}"`,
      source.lineOf(['name']),
    );
  }
  try {
    z.fromJSONSchema(parsed.data.dataSchema as Parameters<typeof z.fromJSONSchema>[0]);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw fileError(
      MANIFEST_FILE,
      'dataSchema',
      `not a usable JSON Schema: ${message}`,
      source.lineOf(['dataSchema']),
    );
  }
  return parsed.data;
}

/**
 * A package from its files (as stored in the database for a published version, or read from disk).
 * Checks the manifest, the layout of every channel it declares and every locale file; the first file
 * with problems raises MSV_TEMPLATE_INVALID listing all of that file's problems with path and line.
 */
export function templatePackageFromFiles(
  name: string,
  files: Readonly<Record<string, string>>,
): TemplatePackage {
  const manifest = readManifest(name, files);
  let layout: { text: string; parsed: ParsedLayout } | undefined;
  if (manifest.channels.includes('print')) {
    const text = files[PRINT_LAYOUT_FILE];
    if (text === undefined)
      throw fileError(PRINT_LAYOUT_FILE, '(file)', 'missing: the manifest lists the print channel');
    layout = { text, parsed: parsePrintLayout(text) };
  }
  const locales = new Map<string, LocaleStrings>(
    manifest.locales.map((l) => [l, readLocaleStrings(files, l)]),
  );
  checkSameIds(locales);
  const frozen = Object.freeze({ ...files });
  const pkg: TemplatePackage = Object.freeze({
    name,
    manifest,
    files: frozen,
    sha256: packageSha256(frozen),
  });
  // Its compile takes this parse instead of parsing print.yaml a second time.
  if (layout) keepParsedLayout(pkg, layout.text, layout.parsed);
  return pkg;
}

async function listFiles(root: string, dir = ''): Promise<string[]> {
  const entries = await readdir(path.join(root, dir), { withFileTypes: true });
  const out: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const rel = dir === '' ? entry.name : `${dir}/${entry.name}`;
    if (entry.isDirectory()) out.push(...(await listFiles(root, rel)));
    else if (entry.isFile()) out.push(rel);
  }
  return out;
}

/** Reads a package folder (every non-hidden file, as UTF-8 text); the folder name is the package name. */
export async function loadTemplatePackage(dir: string): Promise<TemplatePackage> {
  let names: string[];
  try {
    names = await listFiles(dir);
  } catch (error) {
    const siblings = await readdir(path.dirname(path.resolve(dir)), { withFileTypes: true }).catch(() => []);
    const near = didYouMean(
      path.basename(path.resolve(dir)),
      siblings.filter((e) => e.isDirectory()).map((e) => e.name),
    );
    throw new MissiveError(
      'MSV_TEMPLATE_NOT_FOUND',
      `no template package folder here${near ? `. Did you mean ${path.join(path.dirname(dir), near)}?` : ''}`,
      { file: dir, usage: true },
      { cause: error },
    );
  }
  const files: Record<string, string> = {};
  for (const name of names.sort()) files[name] = await readFile(path.join(dir, name), 'utf8');
  return templatePackageFromFiles(path.basename(path.resolve(dir)), files);
}
