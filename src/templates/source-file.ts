import { LineCounter, parseDocument } from 'yaml';
import { fileError } from './issues.ts';

/** A parsed JSON or YAML file that can tell on which line a path sits, for error messages. */
export interface SourceFile {
  readonly file: string;
  readonly value: unknown;
  lineOf(path: readonly PropertyKey[]): number | undefined;
}

function yamlLines(text: string) {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const lineOf = (path: readonly PropertyKey[]): number | undefined => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node?.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
  return { doc, lineCounter, lineOf };
}

/** The last few YAML texts' parses, newest last (see parsedYaml). */
const parsed = new Map<string, ReturnType<typeof yamlLines>>();
const PARSED = 8;

/**
 * yamlLines, kept for the last few texts. A package is read again whenever any of its files changes —
 * the studio reads the whole draft on every edit of a locale string, with print.yaml as it was — and
 * parsing the statement's layout took ~15 ms. Only the Document is shared, and only read (its
 * values are copied out by toJS for every caller, line numbers looked up).
 */
function parsedYaml(text: string): ReturnType<typeof yamlLines> {
  let lines = parsed.get(text);
  if (lines) parsed.delete(text);
  else lines = yamlLines(text);
  parsed.set(text, lines);
  if (parsed.size > PARSED) parsed.delete(parsed.keys().next().value!);
  return lines;
}

/** Parses YAML; a syntax error names the file and line. */
export function parseYamlFile(file: string, text: string): SourceFile {
  const { doc, lineCounter, lineOf } = parsedYaml(text);
  const error = doc.errors[0];
  if (error) {
    const line = lineCounter.linePos(error.pos[0]).line;
    throw fileError(file, '(syntax)', error.message.split('\n')[0] ?? 'invalid YAML', line);
  }
  return { file, value: doc.toJS({ maxAliasCount: 50 }), lineOf };
}

/** Parses strict JSON; a syntax error names the file and line. Lines of paths come from the YAML parser. */
export function parseJsonFile(file: string, text: string): SourceFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(message)?.[1];
    const line = position === undefined ? undefined : text.slice(0, Number(position)).split('\n').length;
    throw fileError(file, '(syntax)', message, line);
  }
  let lines: ReturnType<typeof yamlLines> | undefined;
  return {
    file,
    value,
    lineOf: (path) => {
      lines ??= yamlLines(text);
      return lines.lineOf(path);
    },
  };
}
