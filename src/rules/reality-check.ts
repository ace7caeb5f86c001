import type { Kysely } from 'kysely';
import type { Customer } from '../core/types.ts';
import { countAbsentTraits, customerTraitPages, type Database } from '../store/index.ts';
import type { Catalog } from './catalog.ts';
import type { RuleIssue } from './issues.ts';
import { coverageIssues, createSegmentTally, segmentIssues, traitCoverage } from './trait-coverage.ts';

/** Who the catalog was checked against: the sample's and the store's customer counts. */
export interface RealityChecked {
  sample: number;
  /** Undefined when no store was given (a lint without a data folder). */
  stored: number | undefined;
}

/** The catalog's traits and segments against its sample customers (in memory: the sample is small). */
export function sampleRealityIssues(
  catalog: Catalog,
  sample: readonly Customer[],
  asOf: string,
): RuleIssue[] {
  if (sample.length === 0) return [];
  const tally = createSegmentTally(catalog, asOf);
  for (const c of sample) tally.add(c.traits);
  return [
    ...coverageIssues(traitCoverage(Object.keys(catalog.traits.traits), sample), 'sample customers'),
    ...segmentIssues(tally.counts(), 'sample customers'),
  ];
}

/**
 * The catalog's traits and segments against the stored customers: absence counted in SQL, segments
 * evaluated a page of traits at a time (only the counts are kept). No stored customers: no issues.
 */
export async function storedRealityIssues(
  db: Kysely<Database>,
  catalog: Catalog,
  asOf: string,
): Promise<{ issues: RuleIssue[]; stored: number }> {
  const coverage = await countAbsentTraits(db, Object.keys(catalog.traits.traits));
  if (coverage.total === 0) return { issues: [], stored: 0 };
  const tally = createSegmentTally(catalog, asOf);
  for await (const page of customerTraitPages(db)) for (const traits of page) tally.add(traits);
  return {
    issues: [
      ...coverageIssues(coverage, 'stored customers'),
      ...segmentIssues(tally.counts(), 'stored customers'),
    ],
    stored: coverage.total,
  };
}
