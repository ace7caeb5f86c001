import fs from 'node:fs';
import path from 'node:path';

/** The template packages in a folder (sub-folders with a manifest.json), by name; none if unreadable. */
export function listTemplatePackages(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && fs.existsSync(path.join(dir, e.name, 'manifest.json')))
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}
