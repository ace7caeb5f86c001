import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MissiveError } from '../core/errors.ts';
import { defaultMapping, formatPath, mappedColumns, parseMapping } from './mapping.ts';

const bankMapping = JSON.parse(
  fs.readFileSync(new URL('../../examples/bank-marketing/mapping.json', import.meta.url), 'utf8'),
) as unknown;

function issuesOf(input: unknown): string {
  try {
    parseMapping(input, 'm.json');
  } catch (err) {
    expect(err).toBeInstanceOf(MissiveError);
    const e = err as MissiveError;
    expect(e.code).toBe('MSV_INPUT_BAD_MAPPING');
    expect(e.details.file).toBe('m.json');
    return e.message;
  }
  throw new Error('expected the mapping to be refused');
}

describe('parseMapping', () => {
  it('accepts the shipped bank-marketing mapping, without duration', () => {
    const m = parseMapping(bankMapping);
    expect(m.id).toEqual({ from: '$row' });
    expect(Object.keys(m.traits)).toHaveLength(16);
    expect(m.traits.hasCreditDefault).toMatchObject({ from: 'default', type: 'boolean' });
    expect([...mappedColumns(m).keys()]).not.toContain('duration');
  });

  it('expands shorthands: a column name for a field, a trait without type is a string', () => {
    const m = parseMapping({
      id: 'cust',
      name: 'full_name',
      traits: { segment: 'seg', tier: { from: 'tier' } },
    });
    expect(m.id).toEqual({ from: 'cust' });
    expect(m.name).toEqual({ from: 'full_name' });
    expect(m.traits.segment).toEqual({ from: 'seg', type: 'string' });
    expect(m.traits.tier).toEqual({ from: 'tier', type: 'string' });
    expect(m.unmapped).toBe('ignore');
    expect(m.missingColumns).toBe('error');
  });

  it('is idempotent: a parsed mapping parses to itself', () => {
    const m = parseMapping(bankMapping);
    expect(parseMapping(m)).toEqual(m);
  });

  it('reports every problem with its path, not just the first', () => {
    const message = issuesOf({
      name: 'n',
      traits: {
        age: { from: 'age', type: 'int' },
        balance: { from: 'balance', type: 'number', default: 'zero', requried: true },
        'bad.name': 'x',
        since: { from: 's', type: 'date', default: '2023-02-30' },
      },
      email: { from: 'e', default: 'not-an-email' },
      colour: 'red',
    });
    expect(message).toContain('id: required');
    expect(message).toContain('traits.age.type:');
    expect(message).toContain('traits.balance.default:');
    expect(message).toContain('traits.balance: Unrecognized key: "requried"');
    expect(message).toContain('traits["bad.name"]: trait names are letters, digits and _');
    expect(message).toContain('traits.since.default: not a calendar date');
    expect(message).toContain('email.default: not a valid e-mail address');
    expect(message).toContain('(mapping): Unrecognized key: "colour"');
  });

  it('refuses an empty column name, a bad synthetic field and an address without city or country', () => {
    const message = issuesOf({
      id: { from: '' },
      synthetic: { fields: ['name', 'shoeSize'] },
      address: { lines: ['a1'] },
    });
    expect(message).toContain('id.from: must name a column');
    expect(message).toContain('synthetic.fields[1]:');
    expect(message).toContain('address.city:');
    expect(message).toContain('address.country:');
  });

  it('accepts synthetic: true as "all fields"', () => {
    expect(parseMapping({ id: { from: '$row' }, synthetic: true }).synthetic).toEqual({});
  });
});

describe('defaultMapping', () => {
  it('reads columns named like the fields and keeps the rest as traits', () => {
    const csv = defaultMapping('csv');
    expect(csv.id.from).toBe('id');
    expect(csv.unmapped).toBe('traits');
    expect(csv.missingColumns).toBe('ignore');
    expect(defaultMapping('ndjson').address?.city).toMatchObject({ from: 'address.city' });
  });
});

describe('formatPath', () => {
  it('quotes odd keys and indexes arrays', () => {
    expect(formatPath(['traits', 'a.b', 'type'])).toBe('traits["a.b"].type');
    expect(formatPath(['address', 'lines', 0])).toBe('address.lines[0]');
    expect(formatPath([])).toBe('(mapping)');
  });
});
