import { describe, expect, it } from 'vitest';
import { MissiveError } from '../core/errors.ts';
import { type EditableSection, editableSectionsSchema, resolveSections } from './editable-sections.ts';
import { manifestSchema } from './manifest.ts';

const sections: EditableSection[] = editableSectionsSchema.parse([
  {
    id: 'subject',
    type: 'text',
    label: { 'en-GB': 'Subject', 'zh-CN': '主题' },
    maxLength: 20,
    required: true,
  },
  { id: 'body', type: 'text', label: { 'en-GB': 'Letter' }, maxLength: 50, required: true, multiline: true },
  { id: 'ps', type: 'text', label: { 'en-GB': 'P.S.' }, maxLength: 10 },
  {
    id: 'closing',
    type: 'choice',
    label: { 'en-GB': 'Closing' },
    options: [
      {
        value: 'help',
        label: { 'en-GB': 'Offer help' },
        text: { 'en-GB': 'Call us.', 'zh-CN': '请致电我们。' },
      },
      {
        value: 'sorry',
        label: { 'en-GB': 'Apologise' },
        text: { 'en-GB': 'We are sorry.', 'zh-CN': '非常抱歉。' },
      },
    ],
  },
]);

function problem(input: unknown): MissiveError {
  try {
    resolveSections(sections, input, 'en-GB');
  } catch (err) {
    return err as MissiveError;
  }
  throw new Error('expected a refusal');
}

describe('resolveSections', () => {
  it('resolves text as typed and a choice as the template wording in the letter locale', () => {
    const r = resolveSections(
      sections,
      { subject: 'Your card', body: 'Line one\r\nLine two  ', closing: 'sorry' },
      'zh-CN',
    );
    expect(r.data).toEqual({
      subject: 'Your card',
      body: 'Line one\nLine two',
      ps: '',
      closing: '非常抱歉。',
    });
    expect(r.values).toEqual({ subject: 'Your card', body: 'Line one\nLine two', closing: 'sorry' });
  });

  it('keeps template syntax typed by an agent as plain text', () => {
    const r = resolveSections(
      sections,
      { subject: '{{customer.name}}', body: '{{#each x}}<b>', closing: 'help' },
      'en-GB',
    );
    expect(r.data.subject).toBe('{{customer.name}}');
    expect(r.data.body).toBe('{{#each x}}<b>');
  });

  it('counts characters, not UTF-16 units, and folds a one-line section to one line', () => {
    const r = resolveSections(sections, { subject: '🙂'.repeat(20), body: 'x', closing: 'help' }, 'en-GB');
    expect([...r.data.subject!]).toHaveLength(20);
    expect(
      resolveSections(sections, { subject: 'a\nb', body: 'x', closing: 'help' }, 'en-GB').data.subject,
    ).toBe('a b');
  });

  it('names every problem with its section and why', () => {
    const err = problem({ subject: 'x'.repeat(21), body: '   ', closing: 'maybe', ps: 'a\u0007' });
    expect(err).toBeInstanceOf(MissiveError);
    expect(err.code).toBe('MSV_API_BAD_REQUEST');
    expect(err.message).toContain('sections.subject: at most 20 characters');
    expect(err.message).toContain('sections.body: required');
    expect(err.message).toContain('sections.closing: one of: help, sorry');
    expect(err.message).toContain('sections.ps: contains control or bidi-override characters');
    expect(err.details.field).toBe('sections.subject');
  });

  it('refuses a missing required section, an unknown one and a non-string value', () => {
    expect(problem({ body: 'x', closing: 'help' }).message).toContain('sections.subject');
    expect(problem({ subject: 'a', body: 'x', closing: 'help', extra: 'y' }).message).toContain(
      'no section extra',
    );
    expect(problem({ subject: 5, body: 'x', closing: 'help' }).message).toContain('sections.subject');
    expect(problem('not an object').message).toContain('sections');
  });

  it('refuses right-to-left overrides that could disguise the text', () => {
    expect(problem({ subject: 'a\u202eb', body: 'x', closing: 'help' }).message).toContain('bidi');
  });
});

describe('manifest editableSections', () => {
  const base = {
    name: 'letter',
    description: 'A letter',
    channels: ['print'],
    locales: ['en-GB', 'zh-CN'],
    dataSchema: { type: 'object' },
  };

  it('accepts a letter with its sections', () => {
    expect(manifestSchema.safeParse({ ...base, kind: 'letter', editableSections: sections }).success).toBe(
      true,
    );
  });

  it('needs sections and the print channel for a letter, and every locale in a choice', () => {
    const noSections = manifestSchema.safeParse({ ...base, kind: 'letter' });
    expect(noSections.error?.issues.map((i) => i.path.join('.'))).toEqual(['editableSections']);
    const email = manifestSchema.safeParse({
      ...base,
      channels: ['email'],
      kind: 'letter',
      editableSections: sections,
    });
    expect(email.error?.issues[0]?.message).toBe('a letter needs the print channel');
    const partial = structuredClone(sections) as {
      type: string;
      options?: { text: Record<string, string> }[];
    }[];
    delete partial[3]!.options![1]!.text['zh-CN'];
    const noZh = manifestSchema.safeParse({ ...base, kind: 'letter', editableSections: partial });
    expect(noZh.error?.issues[0]?.path.join('.')).toBe('editableSections.3.options.1.text');
  });

  it('refuses repeated ids and a section without an en-GB label', () => {
    const twice = manifestSchema.safeParse({ ...base, editableSections: [sections[0], sections[0]] });
    expect(twice.success).toBe(false);
    const noEn = manifestSchema.safeParse({
      ...base,
      editableSections: [{ id: 'a', type: 'text', label: { 'zh-CN': '甲' }, maxLength: 5 }],
    });
    expect(noEn.error?.issues[0]?.message).toContain('en-GB');
  });
});
