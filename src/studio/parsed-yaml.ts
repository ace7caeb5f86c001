import YAML from 'yaml';

/** The last few texts' parses, newest last. */
const kept = new Map<string, YAML.Document.Parsed>();
const KEPT = 4;

/**
 * A YAML text (a draft's print.yaml) parsed as a Document, shared by the canvas's readers: one canvas
 * page reads the same print.yaml for its text blocks, the chosen block's properties and its table
 * form, and each parse of the statement's layout took ~18 ms. Shared, so READ ONLY: callers look up
 * nodes, values and source ranges, and change the text by splicing it (yaml-splice.ts), never the
 * Document.
 */
export function parsedYaml(text: string): YAML.Document.Parsed {
  let doc = kept.get(text);
  if (doc) kept.delete(text);
  else doc = YAML.parseDocument(text);
  kept.set(text, doc);
  if (kept.size > KEPT) kept.delete(kept.keys().next().value!);
  return doc;
}
