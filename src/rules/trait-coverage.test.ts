import { describe, expect, it } from 'vitest';
import { testCatalog } from '../../test/support/test-catalog.ts';
import type { Traits } from '../core/types.ts';
import { describeIssue, errorsOf } from './issues.ts';
import { coverageIssues, createSegmentTally, segmentIssues, traitCoverage } from './trait-coverage.ts';

const catalog = testCatalog();
const traitNames = Object.keys(catalog.traits.traits);

describe('traitCoverage and coverageIssues', () => {
  it('counts missing and null traits, and makes an error only of one absent for most customers', () => {
    const customers: { traits: Traits }[] = [
      { traits: { age: 30, job: 'admin', balance: 10, hasHousingLoan: false } },
      { traits: { age: null, job: 'admin', balance: 20 } },
      { traits: { job: 'admin', balance: null } },
    ];
    const coverage = traitCoverage(traitNames, customers);
    expect(coverage).toEqual({ total: 3, absent: { age: 2, job: 0, balance: 1, hasHousingLoan: 2 } });
    const issues = coverageIssues(coverage, 'stored customers');
    expect(issues.map((i) => i.path)).toEqual(['traits.age', 'traits.hasHousingLoan']);
    expect(issues[0]?.message).toBe(
      'trait `age` is absent for 2 of 3 stored customers (does their import mapping produce it?)',
    );
    expect(errorsOf(issues)).toHaveLength(2);
  });

  it('writes counts with thousands separators and says nothing about no customers', () => {
    const issues = coverageIssues({ total: 7043, absent: { age: 7043 } }, 'stored customers');
    expect(issues[0]?.message).toContain('absent for 7,043 of 7,043 stored customers');
    expect(issues[0]?.code).toBe('MSV_RULES_TRAIT_ABSENT');
    expect(coverageIssues({ total: 0, absent: { age: 0 } }, 'stored customers')).toEqual([]);
  });

  it('half absent is not most', () => {
    expect(coverageIssues({ total: 10, absent: { age: 5 } }, 'x')).toEqual([]);
    expect(coverageIssues({ total: 10, absent: { age: 6 } }, 'x')).toHaveLength(1);
  });
});

describe('segment tally and segmentIssues', () => {
  it('warns when one dimension value or named segment holds more than 90 %', () => {
    const tally = createSegmentTally(catalog, '2026-10-31');
    // Every customer without an age falls into the same band: the issue's "everyone is 18-24".
    for (let i = 0; i < 19; i += 1) tally.add({ job: 'admin', balance: 50_000 });
    tally.add({ age: 60, job: 'retired', balance: 1 });
    const counts = tally.counts();
    expect(counts.total).toBe(20);
    expect(counts.dimensions.ageBand).toEqual({ young: 19, older: 1 });
    expect(counts.named).toEqual({ rich: 19 });
    const issues = segmentIssues(counts, 'stored customers');
    expect(issues.map((i) => i.path)).toEqual([
      'segments.rich',
      'segmentation.dimensions.ageBand',
      'segmentation.dimensions.job',
    ]);
    expect(issues.every((i) => i.severity === 'warning' && i.code === 'MSV_RULES_SEGMENT_DOMINANT')).toBe(
      true,
    );
    expect(errorsOf(issues)).toEqual([]);
    expect(describeIssue(issues[1]!)).toBe(
      "warning: traits.yaml ageBand at segmentation.dimensions.ageBand: ageBand = young for 19 of 20 stored customers (95 %): the model's segments hardly differ on ageBand [MSV_RULES_SEGMENT_DOMINANT]",
    );
  });

  it('90 % exactly is not a warning; a null dimension value counts as "-"', () => {
    const tally = createSegmentTally(catalog, '2026-10-31');
    for (let i = 0; i < 9; i += 1) tally.add({ age: 20, job: `job${i % 3}`, balance: 1 });
    tally.add({ age: 70, balance: 1 });
    const counts = tally.counts();
    expect(counts.dimensions.job).toMatchObject({ '-': 1 });
    expect(segmentIssues(counts, 'x')).toEqual([]);
  });
});
