import { describe, expect, it } from 'vitest';
import { type MappingInput, parseMapping } from './mapping.ts';
import { compileRowMapper, type MapResult } from './row-mapper.ts';
import type { SourceRow } from './source-row.ts';
import { syntheticIdentity } from './synthetic-identity.ts';

function rowOf(values: Record<string, unknown>, row = 1): SourceRow {
  return {
    line: row + 1,
    row,
    values: { get: (c) => values[c], keys: () => Object.keys(values) },
  };
}

function mapOne(mapping: MappingInput, values: Record<string, unknown>, row = 1): MapResult {
  return compileRowMapper(parseMapping(mapping))(rowOf(values, row));
}

function customerOf(result: MapResult) {
  if (!result.ok) throw new Error(`rejected: ${JSON.stringify(result.problems)}`);
  return result.customer;
}

describe('compileRowMapper', () => {
  it('maps fields and typed traits', () => {
    const c = customerOf(
      mapOne(
        {
          id: 'no',
          name: 'name',
          email: 'mail',
          phone: 'tel',
          locale: 'lang',
          traits: {
            age: { from: 'age', type: 'integer' },
            vip: { from: 'vip', type: 'boolean', trueValues: ['J'], falseValues: ['N'] },
            since: { from: 'since', type: 'date', format: 'DD/MM/YYYY' },
            note: 'note',
          },
        },
        {
          no: ' 42 ',
          name: 'Margaret Hughes',
          mail: 'm@Example.com',
          tel: '+44 7700 900123',
          lang: 'en-gb',
          age: '58',
          vip: 'j',
          since: '31/12/2019',
          note: '',
        },
      ),
    );
    expect(c).toMatchObject({
      id: '42',
      name: 'Margaret Hughes',
      email: 'm@example.com',
      phone: '+447700900123',
      locale: 'en-GB',
      timeZone: 'Europe/London',
      address: null,
      eDelivery: false,
      traits: { age: 58, vip: true, since: '2019-12-31', note: null },
    });
    expect(c.consent.email).toEqual({ service: true, marketing: false });
  });

  it('reports every problem of a row, each with its column', () => {
    const result = mapOne(
      {
        id: 'no',
        email: 'mail',
        phone: 'tel',
        traits: {
          balance: { from: 'bal', type: 'number' },
          age: { from: 'age', type: 'integer', required: true },
        },
      },
      { no: 'C9', mail: 'nope', tel: '0044 12', bal: 'lots', age: '' },
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.customerId).toBe('C9');
    expect(result.problems.map((p) => [p.field, p.code])).toEqual([
      ['mail', 'MSV_INPUT_BAD_VALUE'],
      ['tel', 'MSV_INPUT_BAD_VALUE'],
      ['bal', 'MSV_INPUT_BAD_VALUE'],
      ['age', 'MSV_INPUT_MISSING_VALUE'],
    ]);
  });

  it('refuses an empty id, and treats nullValues as empty', () => {
    const result = mapOne({ id: { from: 'no', nullValues: ['NA'] } }, { no: 'NA' });
    expect(result).toEqual({
      ok: false,
      customerId: null,
      problems: [{ field: 'no', reason: 'empty id', code: 'MSV_INPUT_MISSING_VALUE' }],
    });
  });

  it('derives the id from the row number, with prefix and padding', () => {
    expect(customerOf(mapOne({ id: { from: '$row' } }, {}, 7)).id).toBe('7');
    expect(customerOf(mapOne({ id: { from: '$row', prefix: 'C', pad: 6 } }, {}, 7)).id).toBe('C000007');
  });

  it('fills missing identity fields from the synthetic identity, keeping what the data has', () => {
    const mapping: MappingInput = { id: { from: '$row' }, name: 'name', synthetic: true };
    const synthetic = syntheticIdentity('5');
    const c = customerOf(mapOne(mapping, { name: '' }, 5));
    expect(c).toMatchObject({
      name: synthetic.name,
      email: synthetic.email,
      phone: synthetic.phone,
      address: synthetic.address,
      locale: synthetic.locale,
      timeZone: synthetic.timeZone,
      consent: synthetic.consent,
      eDelivery: synthetic.eDelivery,
    });
    expect(customerOf(mapOne(mapping, { name: 'Given Name' }, 5)).name).toBe('Given Name');
  });

  it('derives only the synthetic fields asked for', () => {
    const c = customerOf(mapOne({ id: { from: '$row' }, synthetic: { fields: ['name'] } }, {}, 5));
    expect(c.name).toBe(syntheticIdentity('5').name);
    expect(c.email).toBeNull();
    expect(c.address).toBeNull();
    expect(c.locale).toBe('en-GB');
  });

  it('builds an address when any part is there, and names what is missing', () => {
    const mapping: MappingInput = {
      id: 'id',
      address: {
        lines: ['a1', 'a2'],
        postalCode: 'pc',
        city: 'city',
        country: { from: 'cc', default: 'gb' },
      },
    };
    expect(customerOf(mapOne(mapping, { id: '1' })).address).toBeNull();
    expect(
      customerOf(mapOne(mapping, { id: '1', a1: '1 Mill Lane', pc: 'YO1 7HH', city: 'York' })).address,
    ).toEqual({
      lines: ['1 Mill Lane'],
      postalCode: 'YO1 7HH',
      city: 'York',
      country: 'GB',
    });
    const result = mapOne(mapping, { id: '1', pc: 'YO1 7HH' });
    expect(result.ok ? [] : result.problems.map((p) => [p.field, p.reason])).toEqual([
      ['a1', 'incomplete address: no street line'],
      ['city', 'incomplete address: no city'],
    ]);
  });

  it('maps consent and e-delivery flags, with defaults', () => {
    const c = customerOf(
      mapOne(
        {
          id: 'id',
          consent: { sms: { marketing: 'sms_ok' } },
          eDelivery: { from: 'paperless', default: true },
        },
        { id: '1', sms_ok: 'yes' },
      ),
    );
    expect(c.consent.sms).toEqual({ service: true, marketing: true });
    expect(c.consent.email).toEqual({ service: true, marketing: false });
    expect(c.eDelivery).toBe(true);
  });

  it('keeps unmapped columns as traits when asked', () => {
    const c = customerOf(
      mapOne(
        { id: 'id', unmapped: 'traits', traits: { age: { from: 'age', type: 'integer' } } },
        { id: '1', age: '3', segment: ' gold ', empty: '', traits: { score: 0.5, nested: { no: 1 } } },
      ),
    );
    expect(c.traits).toEqual({ age: 3, segment: 'gold', empty: null, score: 0.5 });
  });

  it('uses time-zone and locale defaults, normalised', () => {
    const c = customerOf(
      mapOne(
        {
          id: 'id',
          locale: { from: 'l', default: 'zh-cn' },
          phone: { from: 'p', default: '+86 138 1234 5678' },
        },
        { id: '1' },
      ),
    );
    expect(c.locale).toBe('zh-CN');
    expect(c.timeZone).toBe('Asia/Shanghai');
    expect(c.phone).toBe('+8613812345678');
  });
});

describe('constants, text rules and gender', () => {
  it('takes a constant for every row, normalised like the data', () => {
    const c = customerOf(
      mapOne(
        {
          id: 'id',
          name: 'name',
          locale: { value: 'zh-cn' },
          phone: { value: '+44 7700 900123' },
          eDelivery: { value: true },
          traits: {
            segment: { value: 'retail' },
            tier: { value: 3, type: 'integer' },
            since: { value: '2020-01-31', type: 'date' },
          },
        },
        { id: '7', name: 'Ann' },
      ),
    );
    expect(c.locale).toBe('zh-CN');
    expect(c.phone).toBe('+447700900123');
    expect(c.eDelivery).toBe(true);
    expect(c.traits).toEqual({ segment: 'retail', tier: 3, since: '2020-01-31' });
  });

  it('refuses a constant that fails its own check when the mapping loads', () => {
    expect(() => parseMapping({ id: 'id', email: { value: 'not-an-address' } })).toThrow(/email\.value/);
    expect(() => parseMapping({ id: 'id', traits: { n: { value: 'x', type: 'number' } } })).toThrow(
      /traits\.n/,
    );
  });

  it('refuses values longer than the limits, control characters in one-line fields and bidi controls', () => {
    const mapping = { id: 'id', name: 'name', traits: { note: 'note' }, limits: { name: 5, text: 20 } };
    const tooLong = mapOne(mapping, { id: '1', name: 'Abcdef', note: 'ok' });
    expect(tooLong.ok).toBe(false);
    if (!tooLong.ok) {
      expect(tooLong.problems).toEqual([
        { field: 'name', reason: 'longer than 5 characters (limits.name)', code: 'MSV_INPUT_TOO_LONG' },
      ]);
    }
    // A surrogate pair is one character: five CJK-extension characters fit a limit of 5.
    expect(mapOne(mapping, { id: '1', name: '𠀀𠀁𠀂𠀃𠀄' }).ok).toBe(true);
    const control = mapOne(mapping, { id: '1', name: 'A\u0000B' });
    expect(!control.ok && control.problems[0]).toMatchObject({
      field: 'name',
      code: 'MSV_INPUT_CONTROL_CHARACTER',
      reason: 'contains control character U+0000 (NUL)',
    });
    // Free text may span lines; a one-line field may not.
    expect(mapOne(mapping, { id: '1', name: 'Ann', note: 'line 1\nline 2' }).ok).toBe(true);
    const newline = mapOne(mapping, { id: '1', name: 'A\nB' });
    expect(!newline.ok && newline.problems[0]?.code).toBe('MSV_INPUT_CONTROL_CHARACTER');
    const bidi = mapOne(mapping, { id: '1', name: 'Ann', note: 'pay \u202eevil' });
    expect(!bidi.ok && bidi.problems[0]).toMatchObject({ field: 'note', code: 'MSV_INPUT_BIDI_CONTROL' });
    const longNote = mapOne(mapping, { id: '1', name: 'Ann', note: 'x'.repeat(21) });
    expect(!longNote.ok && longNote.problems[0]?.code).toBe('MSV_INPUT_TOO_LONG');
  });

  it('holds unmapped traits to the text rules too', () => {
    const result = mapOne({ id: 'id', unmapped: 'traits', limits: { text: 3 } }, { id: '1', extra: 'abcd' });
    expect(!result.ok && result.problems[0]).toMatchObject({ field: 'extra', code: 'MSV_INPUT_TOO_LONG' });
  });

  it('gives synthetic first names that match a gender column', () => {
    const mapping: MappingInput = {
      id: 'id',
      locale: 'lang',
      synthetic: {
        fields: ['name'],
        gender: { from: 'gender', female: ['F', 'Female'], male: ['M', 'male'] },
      },
    };
    const female = ['Margaret', 'Susan', 'Elizabeth', 'Patricia', 'Helen', 'Catherine', 'Sarah', 'Emma'];
    for (let i = 1; i <= 40; i++) {
      const woman = customerOf(mapOne(mapping, { id: String(i), lang: 'en-GB', gender: ' female ' }));
      const man = customerOf(mapOne(mapping, { id: String(i), lang: 'en-GB', gender: 'M' }));
      expect(woman.name.split(' ')[0]).not.toMatch(
        /^(David|John|James|Peter|William|Thomas|Richard|Michael)$/,
      );
      expect(female).not.toContain(man.name.split(' ')[0]);
    }
    // An unknown value draws from every name: the same identity as without a gender column.
    const unknown = customerOf(mapOne(mapping, { id: '9', lang: 'en-GB', gender: 'X' }));
    expect(unknown.name).toBe(syntheticIdentity('9', { locale: 'en-GB' }).name);
    expect(() =>
      parseMapping({ id: 'id', synthetic: { gender: { from: 'g', female: ['F'], male: ['f'] } } }),
    ).toThrow(/in both female and male: f/);
  });
});
