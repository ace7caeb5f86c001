import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * `src/store` is the only place that builds queries (issue 23 item 2): everywhere else calls a named
 * store function. This scan fails naming file:line for a Kysely query builder, a `sql` template, a
 * transaction opened by hand or a value import of `kysely` outside `src/store` (type-only imports,
 * `import type { Kysely } from 'kysely'`, stay allowed: a `Kysely<Database>` is still passed around).
 */

const SRC = path.resolve(import.meta.dirname, '../src');
const STORE = path.join(SRC, 'store');

const FORBIDDEN: readonly { what: string; pattern: RegExp }[] = [
  {
    what: 'query builder',
    pattern: /\.(selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto)\s*\(/,
  },
  { what: 'sql template', pattern: /\bsql\s*(<[^>]*>)?\s*`/ },
  { what: 'sql helper', pattern: /\bsql\.(raw|ref|id|lit|join|table|val)\s*\(/ },
  { what: 'transaction opened by hand', pattern: /\.transaction\(\)/ },
  { what: 'schema builder', pattern: /\b(db|trx)\.schema\./ },
];

/** An import of `kysely` that brings in a value (sql, Kysely as a class…), not only types. */
function isValueImportOfKysely(statement: string): boolean {
  const m = /^import\s+(type\s+)?(.*?)\s*from\s*'kysely'/.exec(statement);
  if (!m) return false;
  if (m[1]) return false;
  const names = /^\{(.*)\}$/.exec(m[2]!.trim());
  if (!names) return true; // a default or namespace import
  return names[1]!
    .split(',')
    .map((n) => n.trim())
    .some((n) => n !== '' && !n.startsWith('type '));
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return full === STORE ? [] : sourceFiles(full);
    return /\.(ts|mts|cts)$/.test(entry.name) ? [full] : [];
  });
}

/** Every forbidden use in `text`, as `file:line what: code`. */
function queryBuilderUses(file: string, text: string): string[] {
  const found: string[] = [];
  // Imports may span lines: judge each import statement whole, at the line it starts on.
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const statement = line.startsWith('import ') ? importStatement(lines, i) : line;
    if (line.startsWith('import ') && isValueImportOfKysely(statement)) {
      found.push(`${path.relative(path.dirname(SRC), file)}:${i + 1} value import of kysely: ${line.trim()}`);
      return;
    }
    for (const { what, pattern } of FORBIDDEN) {
      if (pattern.test(statement)) {
        found.push(`${path.relative(path.dirname(SRC), file)}:${i + 1} ${what}: ${line.trim()}`);
        break;
      }
    }
  });
  return found;
}

function importStatement(lines: readonly string[], start: number): string {
  let statement = '';
  for (let i = start; i < lines.length; i += 1) {
    statement += `${lines[i]} `;
    if (lines[i]!.includes(' from ') || lines[i]!.trim().endsWith(';')) break;
  }
  return statement.replace(/\s+/g, ' ');
}

describe('the store is the only place that builds queries', () => {
  it('finds no query builder, sql template or kysely value import outside src/store', () => {
    const uses = sourceFiles(SRC).flatMap((file) => queryBuilderUses(file, fs.readFileSync(file, 'utf8')));
    expect(uses, `move these into a named function in src/store:\n${uses.join('\n')}`).toEqual([]);
  });

  it('recognises each forbidden form and lets type-only imports through', () => {
    const sample = [
      "import type { Kysely } from 'kysely';\nimport { type ExpressionBuilder, type Kysely } from 'kysely';",
      "import { type Kysely, sql } from 'kysely';",
      "import {\n  sql,\n} from 'kysely';",
      "  const rows = await db.selectFrom('communications').selectAll().execute();",
      "  await trx\n    .deleteFrom('events')",
      '  await sql`select 1`.execute(db);',
      '  const n = sql<number>`count(*)`;',
      '  await db.transaction().execute(work);',
    ].join('\n');
    const uses = queryBuilderUses(path.join(SRC, 'batch/example.ts'), sample);
    expect(uses.map((u) => u.split(' ')[0])).toEqual([
      'src/batch/example.ts:3',
      'src/batch/example.ts:4',
      'src/batch/example.ts:7',
      'src/batch/example.ts:9',
      'src/batch/example.ts:10',
      'src/batch/example.ts:11',
      'src/batch/example.ts:12',
    ]);
  });
});
