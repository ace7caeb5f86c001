import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testCatalog, testCustomer, testOffer } from '../../test/support/test-catalog.ts';
import { loadCatalogDir } from './catalog-loader.ts';
import { validateCatalog } from './validate.ts';

const only = (eligibility: unknown, extra = {}) =>
  testCatalog([testOffer('bad-offer', { eligibility, ...extra })]);

describe('publish-time validation', () => {
  it('accepts a sound catalog', () => {
    expect(validateCatalog(testCatalog(), { sample: [testCustomer()] })).toEqual([]);
  });

  it('names an unknown operator with the offer id and the path', () => {
    const issues = validateCatalog(
      only({ and: [{ '>=': [{ var: 'age' }, 18] }, { between: [{ var: 'age' }, 1, 2] }] }),
    );
    expect(issues).toEqual([
      expect.objectContaining({
        code: 'MSV_RULES_UNKNOWN_OPERATOR',
        offerId: 'bad-offer',
        file: 'offers/test.yaml',
        path: 'eligibility.and[1].between',
      }),
    ]);
  });

  it('names a variable that is not in the customer schema', () => {
    const issues = validateCatalog(
      only({ or: [{ var: 'age' }, { '==': [{ var: 'salary' }, 1] }, { var: 'segments.nope' }] }),
    );
    expect(issues.map((i) => [i.code, i.offerId, i.path])).toEqual([
      ['MSV_RULES_UNKNOWN_VARIABLE', 'bad-offer', 'eligibility.or[1].==[0].var'],
      ['MSV_RULES_UNKNOWN_VARIABLE', 'bad-offer', 'eligibility.or[2].var'],
    ]);
  });

  it('names type mismatches: a string trait compared with a number, `in` over the wrong type, arithmetic on strings', () => {
    const issues = validateCatalog(
      only({
        and: [
          { '>': [{ var: 'job' }, 3] },
          { in: [{ var: 'age' }, ['30', 40]] },
          { '<': [{ '+': [{ var: 'job' }, 1] }, 5] },
          { '==': [{ var: 'ageBand' }, 'young'] },
        ],
      }),
    );
    expect(issues.map((i) => [i.code, i.path])).toEqual([
      ['MSV_RULES_TYPE_MISMATCH', 'eligibility.and[0].>'],
      ['MSV_RULES_TYPE_MISMATCH', 'eligibility.and[1].in[1][0]'],
      ['MSV_RULES_TYPE_MISMATCH', 'eligibility.and[2].<[0].+[0]'],
    ]);
    expect(issues[0]?.message).toMatch(/compares a string with a number/);
  });

  it('names a rule no sample customer satisfies, down to the clause', () => {
    const sample = [testCustomer('a'), testCustomer('b', { traits: { age: 70, balance: 5 } })];
    const issues = validateCatalog(
      only({ and: [{ '>=': [{ var: 'age' }, 18] }, { '>': [{ var: 'age' }, 120] }] }),
      { sample },
    );
    expect(issues).toEqual([
      expect.objectContaining({
        code: 'MSV_RULES_NEVER_TRUE',
        offerId: 'bad-offer',
        path: 'eligibility.and[1]',
      }),
    ]);
    const both = validateCatalog(
      only({ and: [{ '<': [{ var: 'age' }, 40] }, { '>': [{ var: 'age' }, 60] }] }),
      { sample },
    );
    expect(both[0]).toMatchObject({ code: 'MSV_RULES_NEVER_TRUE', path: 'eligibility' });
  });

  it('checks rules of computed traits, segments, heldWhen, and the shape of offers', () => {
    const catalog = testCatalog([
      testOffer('x', {
        heldWhen: { var: 'nope' },
        validFrom: '2027-01-01',
        validTo: '2026-01-01',
        name: { 'en-GB': 'x' },
      }),
    ]);
    catalog.traits.computed.push({ name: 'age', type: 'number', rule: { foo: [] } });
    const issues = validateCatalog(catalog).map((i) => [i.code, i.offerId, i.path]);
    expect(issues).toEqual([
      ['MSV_RULES_CATALOG_INVALID', 'age', 'computed[1].name'],
      ['MSV_RULES_UNKNOWN_OPERATOR', 'age', 'computed[1].rule.foo'],
      ['MSV_RULES_UNKNOWN_VARIABLE', 'x', 'heldWhen.var'],
      ['MSV_RULES_CATALOG_INVALID', 'x', 'validTo'],
      ['MSV_RULES_CATALOG_INVALID', 'x', 'name.zh-CN'],
    ]);
  });
});

describe('catalog files', () => {
  it('reports every schema problem with file and path, and duplicate offer ids', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-catalog-'));
    fs.cpSync(path.join(import.meta.dirname, '..', '..', 'catalogs', 'telecom'), dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'offers', 'zz-broken.yaml'),
      'offers:\n  - id: roaming-bundle\n    name: { en-GB: x, zh-CN: y }\n    eligibility: true\n    prior: { weight: -1 }\n    content: {}\n',
    );
    const { catalog, issues } = await loadCatalogDir(dir);
    expect(catalog).toBeUndefined();
    expect(issues.map((i) => [i.code, i.file, i.path])).toEqual([
      ['MSV_RULES_CATALOG_INVALID', 'offers/zz-broken.yaml', 'offers[0].prior.weight'],
    ]);
    fs.writeFileSync(
      path.join(dir, 'offers', 'zz-broken.yaml'),
      'offers:\n  - id: roaming-bundle\n    name: { en-GB: x, zh-CN: y }\n    eligibility: true\n    prior: {}\n    content: {}\n',
    );
    const again = await loadCatalogDir(dir);
    expect(again.issues).toEqual([
      expect.objectContaining({
        offerId: 'roaming-bundle',
        path: 'offers[0].id',
        file: 'offers/zz-broken.yaml',
      }),
    ]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
