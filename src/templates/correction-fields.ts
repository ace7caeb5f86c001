import { MissiveError } from '../core/errors.ts';
import type { CorrectableField, Manifest } from './manifest.ts';
import type { DocumentData } from './types.ts';

/**
 * A corrected copy's changes (issue 19 item 1): the agent edits only the fields the template declares
 * in `manifest.json` → `corrections.fields`, starting from the document's sealed input. Pure: the
 * declared fields, the original data and the requested values in; the corrected data and the list of
 * what changed (amount fields flagged, for the four-eyes rule) out. Every bad value is named by its
 * field (`changes.<path>`) and why; all problems are reported at once.
 */
export interface FieldChange {
  path: string;
  type: CorrectableField['type'];
  /** The value before and after (personal data: kept sealed, never in the audit log). */
  from: unknown;
  to: unknown;
  /** An amount: an agent's change waits for a second person's approval. */
  amount: boolean;
}

export interface CorrectedData {
  data: DocumentData;
  changes: FieldChange[];
}

/** The fields an agent may correct in documents of this template (none: corrections are not offered). */
export function correctableFields(manifest: Pick<Manifest, 'corrections'>): CorrectableField[] {
  return manifest.corrections?.fields ?? [];
}

/** The value at a dotted path (undefined when a step is missing or not an object). */
export function readField(data: unknown, path: string): unknown {
  let at: unknown = data;
  for (const key of path.split('.')) {
    if (at === null || typeof at !== 'object' || Array.isArray(at)) return undefined;
    at = Object.hasOwn(at, key) ? (at as Record<string, unknown>)[key] : undefined;
  }
  return at;
}

/** The label of a field in a UI language (the path when the template gives none). */
export function fieldLabel(field: CorrectableField, locale: string): string {
  return field.label?.[locale] ?? field.label?.['en-GB'] ?? field.path;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/;
const AMOUNT_LIMIT = 1e12;

/**
 * Applies the requested values to a copy of `data`. `requested` maps a declared path to its new value:
 * text → a string; lines → an array of strings (or one string with line breaks); amount → a finite
 * number (or a decimal string such as "1234.50"), at most two decimals. Values equal to the original's
 * are not changes; no change at all is refused (nothing to correct).
 * @throws MissiveError MSV_API_BAD_REQUEST, details.field `changes.<path>` (the first problem; the message lists all).
 */
export function applyCorrections(
  fields: readonly CorrectableField[],
  data: DocumentData,
  requested: Readonly<Record<string, unknown>>,
): CorrectedData {
  const problems: { field: string; why: string }[] = [];
  const byPath = new Map(fields.map((f) => [f.path, f]));
  const corrected = structuredClone(data) as DocumentData;
  const changes: FieldChange[] = [];
  for (const [path, raw] of Object.entries(requested)) {
    const field = byPath.get(path);
    if (!field) {
      const allowed = fields.map((f) => f.path).join(', ') || 'none';
      problems.push({
        field: path,
        why: `not a field this template lets an agent correct (allowed: ${allowed})`,
      });
      continue;
    }
    const checked = normalise(field, raw);
    if ('why' in checked) {
      problems.push({ field: path, why: checked.why });
      continue;
    }
    const { value } = checked;
    const from = readField(data, path);
    if (same(from, value)) continue;
    const placed = place(corrected, path, value);
    if (placed) {
      problems.push({ field: path, why: placed });
      continue;
    }
    changes.push({ path, type: field.type, from, to: value, amount: field.type === 'amount' });
  }
  if (problems.length === 0 && changes.length === 0) {
    problems.push({ field: '', why: 'no field differs from the document: there is nothing to correct' });
  }
  if (problems.length > 0) {
    const first = problems[0]!;
    throw new MissiveError(
      'MSV_API_BAD_REQUEST',
      problems.map((p) => `changes${p.field ? `.${p.field}` : ''}: ${p.why}`).join('; '),
      { field: first.field ? `changes.${first.field}` : 'changes' },
    );
  }
  return { data: corrected, changes };
}

type Checked = { value: unknown } | { why: string };

/** The value in its field's shape, or why it cannot be. */
function normalise(field: CorrectableField, raw: unknown): Checked {
  const maxLength = field.maxLength ?? (field.type === 'lines' ? 60 : 200);
  const text = (s: string): { value: string } | { why: string } => {
    const v = s.normalize('NFC').trim();
    if (CONTROL.test(v)) return { why: 'control characters (line breaks, bidi marks) are not allowed' };
    if (v.length > maxLength) return { why: `at most ${maxLength} characters (this has ${v.length})` };
    return { value: v };
  };
  switch (field.type) {
    case 'text': {
      if (typeof raw !== 'string') return { why: 'a text value (string) is expected' };
      const v = text(raw);
      return 'value' in v && v.value === '' ? { why: 'must not be empty' } : v;
    }
    case 'lines': {
      const list = typeof raw === 'string' ? raw.split(/\r?\n/) : raw;
      if (!Array.isArray(list) || !list.every((l) => typeof l === 'string'))
        return { why: 'a list of lines (strings) is expected' };
      const lines: string[] = [];
      for (const l of list as string[]) {
        const v = text(l);
        if ('why' in v) return v;
        if (v.value) lines.push(v.value);
      }
      const maxLines = field.maxLines ?? 6;
      if (lines.length === 0) return { why: 'at least one line is needed' };
      if (lines.length > maxLines) return { why: `at most ${maxLines} lines (this has ${lines.length})` };
      return { value: lines };
    }
    case 'amount': {
      const n =
        typeof raw === 'number'
          ? raw
          : typeof raw === 'string' && /^-?\d+(\.\d+)?$/.test(raw.trim())
            ? Number(raw.trim())
            : Number.NaN;
      if (!Number.isFinite(n)) return { why: 'an amount (a number such as 1234.50) is expected' };
      if (Math.abs(n) >= AMOUNT_LIMIT) return { why: 'the amount is out of range' };
      if (Math.round(n * 100) / 100 !== n) return { why: 'at most two decimals' };
      return { value: n };
    }
  }
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Sets the value at the path in place; a message when the path crosses something that is no object. */
function place(data: DocumentData, path: string, value: unknown): string | undefined {
  const keys = path.split('.');
  let at = data as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) {
    const next = at[key];
    if (next === null || typeof next !== 'object' || Array.isArray(next))
      return `the document has no ${key} here to correct`;
    at = next as Record<string, unknown>;
  }
  at[keys[keys.length - 1]!] = value;
  return undefined;
}
