/** The shapes the templates stage hands to the render stage. */
import type { Manifest } from './manifest.ts';

/** Plain JSON, as document data arrives from the database or a preview file. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** The data one document is rendered from: a JSON object checked against the manifest's dataSchema. */
export type DocumentData = { [key: string]: JsonValue };

/**
 * A template package: every file as text, keyed by its path relative to the package folder.
 * `sha256` covers every file (sorted by path), so it is the version identity: same content, same hash.
 */
export interface TemplatePackage {
  readonly name: string;
  readonly manifest: Manifest;
  readonly files: Readonly<Record<string, string>>;
  readonly sha256: string;
}
