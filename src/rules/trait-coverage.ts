import type { Traits } from '../core/types.ts';
import type { Catalog } from './catalog.ts';
import { asOfParts, compileTraits } from './computed-traits.ts';
import type { RuleIssue } from './issues.ts';
import { compileSegments } from './segments.ts';

/**
 * Lint against reality: do the customers have the traits the catalog's rules read, and do its
 * segments split them? Counted the same way for the catalog's sample (in memory) and for the stored
 * customers (absence by SQL, segments a page at a time: src/rules/reality-check.ts). A trait absent
 * (missing or null) for more than half of them is an error — every rule reading it sees null, and
 * a computed band built on it puts everyone in one bucket; one segment holding more than 90 % of
 * them is a warning.
 */

/** How many customers lack each declared trait. */
export interface TraitCoverage {
  total: number;
  /** trait → customers for whom it is missing or null. */
  absent: Readonly<Record<string, number>>;
}

/** How the customers fall into the named segments and the values of each segmentation dimension. */
export interface SegmentCounts {
  total: number;
  named: Readonly<Record<string, number>>;
  /** dimension → value (`-` for null) → customers. */
  dimensions: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

/** Share above which an absent trait is an error. */
export const ABSENT_SHARE = 0.5;
/** Share above which one segment is a warning. */
export const DOMINANT_SHARE = 0.9;

export function traitCoverage(
  traitNames: readonly string[],
  customers: readonly { traits: Traits }[],
): TraitCoverage {
  const absent: Record<string, number> = {};
  for (const name of traitNames) absent[name] = 0;
  for (const c of customers) {
    for (const name of traitNames)
      if (c.traits[name] === undefined || c.traits[name] === null) absent[name]! += 1;
  }
  return { total: customers.length, absent };
}

export interface SegmentTally {
  add(traits: Traits): void;
  counts(): SegmentCounts;
}

/** Counts segment memberships one customer at a time (only the counts are kept). */
export function createSegmentTally(catalog: Pick<Catalog, 'traits'>, asOf: string): SegmentTally {
  const traits = compileTraits(catalog.traits);
  const segments = compileSegments(catalog.traits);
  const parts = asOfParts(asOf);
  const named: Record<string, number> = Object.fromEntries(catalog.traits.segments.map((s) => [s.id, 0]));
  const dimensions: Record<string, Record<string, number>> = Object.fromEntries(
    segments.dimensions.map((d) => [d, {}]),
  );
  let total = 0;
  return {
    add(customerTraits) {
      const data = traits.build({ traits: customerTraits }, parts);
      const { member } = segments.assign(data);
      total += 1;
      for (const id of member) named[id] = (named[id] ?? 0) + 1;
      for (const d of segments.dimensions) {
        const value = String(data[d] ?? '-');
        const counts = dimensions[d]!;
        counts[value] = (counts[value] ?? 0) + 1;
      }
    },
    counts: () => ({ total, named, dimensions }),
  };
}

const count = (n: number) => n.toLocaleString('en-GB');

/** An error per trait absent for more than ABSENT_SHARE of `who` (e.g. "stored customers"). */
export function coverageIssues(coverage: TraitCoverage, who: string): RuleIssue[] {
  if (coverage.total === 0) return [];
  return Object.entries(coverage.absent)
    .filter(([, n]) => n > coverage.total * ABSENT_SHARE)
    .map(([name, n]) => ({
      code: 'MSV_RULES_TRAIT_ABSENT' as const,
      offerId: name,
      file: 'traits.yaml',
      path: `traits.${name}`,
      message: `trait \`${name}\` is absent for ${count(n)} of ${count(coverage.total)} ${who} (does their import mapping produce it?)`,
    }));
}

/** A warning per named segment or dimension value holding more than DOMINANT_SHARE of `who`. */
export function segmentIssues(counts: SegmentCounts, who: string): RuleIssue[] {
  if (counts.total === 0) return [];
  const over = (n: number) => n > counts.total * DOMINANT_SHARE;
  const share = (n: number) =>
    `${count(n)} of ${count(counts.total)} ${who} (${Math.round((100 * n) / counts.total)} %)`;
  const issues: RuleIssue[] = [];
  for (const [id, n] of Object.entries(counts.named)) {
    if (over(n))
      issues.push(
        warning(id, `segments.${id}`, `segment ${id} holds ${share(n)}: it hardly separates anyone`),
      );
  }
  for (const [d, values] of Object.entries(counts.dimensions)) {
    for (const [value, n] of Object.entries(values)) {
      if (over(n))
        issues.push(
          warning(
            d,
            `segmentation.dimensions.${d}`,
            `${d} = ${value} for ${share(n)}: the model's segments hardly differ on ${d}`,
          ),
        );
    }
  }
  return issues;
}

function warning(owner: string, path: string, message: string): RuleIssue {
  return {
    code: 'MSV_RULES_SEGMENT_DOMINANT',
    severity: 'warning',
    offerId: owner,
    file: 'traits.yaml',
    path,
    message,
  };
}
