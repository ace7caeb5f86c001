import { z } from 'zod';
import { MissiveError } from '../core/errors.ts';

/**
 * A letter's editable sections (issue 19 item 3): what a call-center agent may fill in an ad-hoc
 * letter, declared by the template package (manifest.json `editableSections`) — free text up to a
 * length, or one choice from a list whose wording the template owns. The agent's text is data: it
 * reaches the layout as `sections.<id>`, printed as paragraphs, never evaluated as Handlebars.
 */
const label = z
  .record(z.string(), z.string().min(1).max(200))
  .refine((l) => typeof l['en-GB'] === 'string', 'needs an en-GB label (the agent UI falls back to it)');

const sectionId = z
  .string()
  .regex(/^[a-z][a-zA-Z0-9]{0,39}$/, 'a lower camel-case name such as body or closing (at most 40)');

const textSection = z.strictObject({
  id: sectionId,
  type: z.literal('text'),
  label,
  /** Characters (code points) the agent may type; line breaks count. */
  maxLength: z.number().int().min(1).max(10_000),
  required: z.boolean().default(false),
  /** Several paragraphs (a text area) or one line. */
  multiline: z.boolean().default(false),
});

const choiceOption = z.strictObject({
  value: z.string().regex(/^[a-z0-9][a-z0-9-]{0,59}$/, 'lower-case letters, digits and dashes'),
  /** What the agent sees in the list, per UI language. */
  label,
  /** What the letter says, per letter locale (every locale of the manifest). */
  text: z.record(z.string(), z.string().min(1).max(2000)),
});

const choiceSection = z.strictObject({
  id: sectionId,
  type: z.literal('choice'),
  label,
  options: z
    .array(choiceOption)
    .min(1)
    .max(50)
    .refine((o) => new Set(o.map((x) => x.value)).size === o.length, 'option values must not repeat'),
  required: z.boolean().default(true),
});

export const editableSectionSchema = z.discriminatedUnion('type', [textSection, choiceSection]);
export const editableSectionsSchema = z
  .array(editableSectionSchema)
  .min(1)
  .max(20)
  .refine((s) => new Set(s.map((x) => x.id)).size === s.length, 'section ids must not repeat');

export type EditableSection = z.output<typeof editableSectionSchema>;

/** Locales a choice option's `text` lacks, as manifest problems (the manifest's own check). */
export function sectionLocaleProblems(
  sections: readonly EditableSection[],
  locales: readonly string[],
): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  sections.forEach((s, i) => {
    if (s.type !== 'choice') return;
    s.options.forEach((o, j) => {
      const missing = locales.filter((l) => typeof o.text[l] !== 'string');
      if (missing.length > 0)
        problems.push({
          path: ['editableSections', i, 'options', j, 'text'],
          message: `needs the letter's wording in ${missing.join(', ')}`,
        });
    });
  });
  return problems;
}

/** C0/C1 controls other than tab and line feed, and bidi overrides: never part of a letter's text. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters refused
const FORBIDDEN = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** The agent's text as stored: line breaks as \n, trailing spaces and surrounding blank lines gone. */
function normalise(text: string, multiline: boolean): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const kept = (multiline ? lines : [lines.join(' ')]).map((l) => l.replace(/\s+$/u, ''));
  return kept
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** The zod schema of an agent's values for these sections (a value per id, all problems reported). */
export function sectionValuesSchema(sections: readonly EditableSection[]) {
  const shape: Record<string, z.ZodType<string | undefined>> = {};
  for (const s of sections) {
    if (s.type === 'text') {
      const text = z
        .string()
        .transform((v) => normalise(v, s.multiline))
        .refine((v) => !FORBIDDEN.test(v), 'contains control or bidi-override characters')
        .refine((v) => [...v].length <= s.maxLength, `at most ${s.maxLength} characters`)
        .refine((v) => !s.required || v.length > 0, 'required');
      shape[s.id] = s.required ? text : text.optional();
    } else {
      const values = s.options.map((o) => o.value) as [string, ...string[]];
      const choice = z.enum(values, { error: () => `one of: ${values.join(', ')}` });
      shape[s.id] = s.required ? choice : choice.or(z.literal('')).optional();
    }
  }
  return z.strictObject(shape);
}

/** What the agent chose, checked: the values as stored (`values`) and the letter's paragraphs (`data`). */
export interface ResolvedSections {
  /** The agent's input, normalised (choices by value): kept with the request. */
  values: Record<string, string>;
  /** `sections` of the document data: each id → its paragraph text in the letter's locale ('' if empty). */
  data: Record<string, string>;
}

/**
 * Checks an agent's values against a template's editable sections and resolves them for the letter
 * in `locale`: text as typed (normalised), a choice as the template's wording of it.
 * @throws MissiveError MSV_API_BAD_REQUEST listing every problem as `sections.<id>: why`.
 * @example resolveSections(manifest.editableSections, { body: 'Thank you…', closing: 'help' }, 'en-GB')
 */
export function resolveSections(
  sections: readonly EditableSection[],
  input: unknown,
  locale: string,
): ResolvedSections {
  const parsed = sectionValuesSchema(sections).safeParse(input ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      const where = ['sections', ...i.path.map(String)].join('.');
      return i.code === 'unrecognized_keys'
        ? `sections: no section ${i.keys.join(', ')} (this letter has: ${sections.map((s) => s.id).join(', ')})`
        : `${where}: ${i.message}`;
    });
    const first = parsed.error.issues[0]?.path[0];
    throw new MissiveError('MSV_API_BAD_REQUEST', problems.join('; '), {
      field: typeof first === 'string' ? `sections.${first}` : 'sections',
    });
  }
  const values: Record<string, string> = {};
  const data: Record<string, string> = {};
  for (const s of sections) {
    const v = parsed.data[s.id] ?? '';
    if (v !== '') values[s.id] = v;
    if (s.type === 'text') data[s.id] = v;
    else {
      const option = s.options.find((o) => o.value === v);
      data[s.id] = option ? (option.text[locale] ?? option.text['en-GB'] ?? '') : '';
    }
  }
  return { values, data };
}

/** A section's label in the agent's UI language (en-GB when the template has none in it). */
export function sectionLabel(l: Readonly<Record<string, string>>, uiLocale: string): string {
  return l[uiLocale] ?? l['en-GB'] ?? '';
}
