import { describe, expect, it } from 'vitest';
import { isMissiveError } from '../core/errors.ts';
import { applyCorrections, correctableFields, fieldLabel, readField } from './correction-fields.ts';
import type { CorrectableField } from './manifest.ts';
import { manifestSchema } from './manifest.ts';
import type { DocumentData } from './types.ts';

const FIELDS: CorrectableField[] = [
  { path: 'customer.name', type: 'text', maxLength: 20, label: { 'en-GB': 'Name', 'zh-CN': '姓名' } },
  { path: 'customer.address.lines', type: 'lines', maxLines: 3, maxLength: 30 },
  { path: 'closingBalance', type: 'amount' },
];

const DATA: DocumentData = {
  customer: {
    id: 'C1',
    name: 'Jane Smith',
    address: { lines: ['Flat 4', '12 Harbour Street'], city: 'Leeds' },
  },
  closingBalance: 2143.5,
  transactions: [{ amount: -47.03 }],
};

function refusal(requested: Record<string, unknown>, data: DocumentData = DATA) {
  try {
    applyCorrections(FIELDS, data, requested);
  } catch (err) {
    if (isMissiveError(err)) return { code: err.code, message: err.message, field: err.details?.field };
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('corrected copy: the field diff and its validation', () => {
  it('changes a text and the lines of an address, leaving the original data untouched', () => {
    const { data, changes } = applyCorrections(FIELDS, DATA, {
      'customer.name': '  Jane  Smyth ',
      'customer.address.lines': 'Flat 5\n\n12 Harbour Street\n',
    });
    expect(readField(data, 'customer.name')).toBe('Jane  Smyth');
    expect(readField(data, 'customer.address.lines')).toEqual(['Flat 5', '12 Harbour Street']);
    expect(readField(DATA, 'customer.name')).toBe('Jane Smith');
    expect(changes).toEqual([
      { path: 'customer.name', type: 'text', from: 'Jane Smith', to: 'Jane  Smyth', amount: false },
      {
        path: 'customer.address.lines',
        type: 'lines',
        from: ['Flat 4', '12 Harbour Street'],
        to: ['Flat 5', '12 Harbour Street'],
        amount: false,
      },
    ]);
  });

  it('flags an amount and accepts it as a number or a decimal string', () => {
    expect(applyCorrections(FIELDS, DATA, { closingBalance: '2100.25' }).changes).toEqual([
      { path: 'closingBalance', type: 'amount', from: 2143.5, to: 2100.25, amount: true },
    ]);
    expect(applyCorrections(FIELDS, DATA, { closingBalance: -3 }).data.closingBalance).toBe(-3);
  });

  it('an unchanged value is no change, and nothing changed is refused', () => {
    const { changes } = applyCorrections(FIELDS, DATA, { 'customer.name': 'Jane Smith', closingBalance: 1 });
    expect(changes.map((c) => c.path)).toEqual(['closingBalance']);
    expect(refusal({ 'customer.name': 'Jane Smith' })).toMatchObject({
      code: 'MSV_API_BAD_REQUEST',
      field: 'changes',
      message: expect.stringContaining('nothing to correct'),
    });
  });

  it('refuses a field the template does not allow, naming the allowed ones', () => {
    const r = refusal({ 'transactions.0.amount': 1 });
    expect(r.field).toBe('changes.transactions.0.amount');
    expect(r.message).toContain('allowed: customer.name, customer.address.lines, closingBalance');
  });

  it.each([
    [{ 'customer.name': 42 }, 'changes.customer.name', 'a text value'],
    [{ 'customer.name': '   ' }, 'changes.customer.name', 'must not be empty'],
    [{ 'customer.name': 'x'.repeat(21) }, 'changes.customer.name', 'at most 20 characters'],
    [{ 'customer.name': 'Jane\u202eSmith' }, 'changes.customer.name', 'control characters'],
    [{ 'customer.address.lines': ['a', 'b', 'c', 'd'] }, 'changes.customer.address.lines', 'at most 3 lines'],
    [{ 'customer.address.lines': [1] }, 'changes.customer.address.lines', 'a list of lines'],
    [{ 'customer.address.lines': '\n' }, 'changes.customer.address.lines', 'at least one line'],
    [{ closingBalance: '12,50' }, 'changes.closingBalance', 'an amount'],
    [{ closingBalance: 1.005 }, 'changes.closingBalance', 'two decimals'],
    [{ closingBalance: Number.POSITIVE_INFINITY }, 'changes.closingBalance', 'an amount'],
    [{ closingBalance: 1e13 }, 'changes.closingBalance', 'out of range'],
  ])('refuses %j with the field and why', (requested, field, why) => {
    const r = refusal(requested);
    expect(r.code).toBe('MSV_API_BAD_REQUEST');
    expect(r.field).toBe(field);
    expect(r.message).toContain(why);
  });

  it('reports every problem at once, the first as the field', () => {
    const r = refusal({ 'customer.name': '', closingBalance: 'x' });
    expect(r.field).toBe('changes.customer.name');
    expect(r.message).toMatch(/customer\.name: must not be empty; changes\.closingBalance: an amount/);
  });

  it('refuses a path through something that is not an object (a document without an address)', () => {
    const r = refusal(
      { 'customer.address.lines': ['1 Main Street'] },
      { customer: { name: 'A', address: null } },
    );
    expect(r).toMatchObject({ field: 'changes.customer.address.lines' });
    expect(r.message).toContain('no address');
  });

  it('reads the declaration from a manifest and labels fields per language', () => {
    expect(correctableFields({})).toEqual([]);
    expect(fieldLabel(FIELDS[0]!, 'zh-CN')).toBe('姓名');
    expect(fieldLabel(FIELDS[1]!, 'zh-CN')).toBe('customer.address.lines');
    const base = {
      name: 'x',
      description: 'x',
      channels: ['print'],
      locales: ['en-GB'],
      dataSchema: { type: 'object' },
    };
    const repeated = manifestSchema.safeParse({
      ...base,
      corrections: { fields: [FIELDS[0], FIELDS[0]] },
    });
    expect(repeated.success).toBe(false);
    const badPath = manifestSchema.safeParse({
      ...base,
      corrections: { fields: [{ path: 'a..b', type: 'text' }] },
    });
    expect(badPath.success).toBe(false);
    expect(
      manifestSchema.parse({ ...base, corrections: { fields: FIELDS } }).corrections?.fields,
    ).toHaveLength(3);
  });
});
