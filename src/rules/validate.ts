import type { Customer } from '../core/types.ts';
import type { Catalog, TraitType } from './catalog.ts';
import { compileCatalog } from './compile.ts';
import { asOfParts, RESERVED_NAMES } from './computed-traits.ts';
import type { RuleIssue } from './issues.ts';
import { compileLogic, isLogicNode, KNOWN_OPERATORS, nodeParts, truthy } from './logic.ts';

/**
 * Publish-time validation: everything that can be known about a catalog before any customer meets
 * it. Unknown operators, variables that are not traits / computed traits / segments, comparisons of
 * different types, and rules that no sample customer satisfies — each with the offer id (or the
 * computed trait / segment / type name) and the path inside the rule.
 */

type Kind = 'number' | 'string' | 'boolean' | 'unknown';

const COMPARISONS = new Set(['==', '===', '!=', '!==', '<', '<=', '>', '>=']);
const ARITHMETIC = new Set(['+', '-', '*', '/', '%', 'min', 'max']);
const BOOLEAN_OPS = new Set([...COMPARISONS, '!', '!!', 'in']);
/** Their second argument runs with each array item as the data: its variables are not traits. */
const SCOPED = new Set(['map', 'filter', 'reduce', 'all', 'some', 'none']);
const AS_OF_FIELDS: Record<string, Kind> = { date: 'string', year: 'number', month: 'number', day: 'number' };

export interface ValidateOptions {
  /** Customers to try every rule on: a rule true for none of them is reported. */
  sample?: readonly Customer[];
  /** The as-of date the sample is tried at (rules may read `asOf`). */
  asOf?: string;
}

/**
 * Every issue of a catalog (names, rules against the trait types, segments, offers, types); errors and
 * warnings, never thrown.
 */
export function validateCatalog(catalog: Catalog, options: ValidateOptions = {}): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const vars = new Map<string, Kind>();
  for (const [name, t] of Object.entries(catalog.traits.traits)) vars.set(name, kindOf(t.type));
  checkNames(catalog, issues);
  const scope: Scope = { vars, segments: new Set(catalog.traits.segments.map((s) => s.id)) };
  for (const [i, c] of catalog.traits.computed.entries()) {
    walk(c.rule, `computed[${i}].rule`, { ...scope, owner: c.name, file: 'traits.yaml', issues });
    vars.set(c.name, kindOf(c.type));
  }
  for (const [i, s] of catalog.traits.segments.entries()) {
    walk(s.rule, `segments[${i}].rule`, { ...scope, owner: s.id, file: 'traits.yaml', issues });
  }
  for (const [i, d] of catalog.traits.segmentation.dimensions.entries()) {
    if (!vars.has(d)) {
      issues.push(
        issue(
          'MSV_RULES_UNKNOWN_VARIABLE',
          'segmentation',
          'traits.yaml',
          `segmentation.dimensions[${i}]`,
          `${d} is not a trait or computed trait`,
        ),
      );
    }
  }
  for (const offer of catalog.offers) {
    const ctx = { ...scope, owner: offer.id, file: catalog.offerFiles[offer.id], issues };
    walk(offer.eligibility, 'eligibility', ctx);
    if (offer.heldWhen !== undefined) walk(offer.heldWhen, 'heldWhen', ctx);
    checkOfferShape(catalog, offer, issues);
  }
  if (options.sample && options.sample.length > 0) neverTrue(catalog, options, issues);
  return issues;
}

interface Scope {
  vars: Map<string, Kind>;
  segments: Set<string>;
}

interface WalkContext extends Scope {
  owner: string;
  file: string | undefined;
  issues: RuleIssue[];
}

function issue(
  code: RuleIssue['code'],
  offerId: string,
  file: string | undefined,
  path: string,
  message: string,
): RuleIssue {
  return { code, offerId, ...(file ? { file } : {}), path, message };
}

function kindOf(type: TraitType): Kind {
  return type === 'integer' ? 'number' : type;
}

/** Walks a rule, reporting problems; returns what kind of value it yields, when that is known. */
function walk(rule: unknown, path: string, ctx: WalkContext): Kind {
  if (Array.isArray(rule)) {
    for (const [i, item] of rule.entries()) walk(item, `${path}[${i}]`, ctx);
    return 'unknown';
  }
  if (!isLogicNode(rule)) {
    if (typeof rule === 'number' || typeof rule === 'string' || typeof rule === 'boolean')
      return typeof rule as Kind;
    return 'unknown';
  }
  const [op, args] = nodeParts(rule);
  const at = `${path}.${op}`;
  if (!KNOWN_OPERATORS.has(op)) {
    ctx.issues.push(
      issue('MSV_RULES_UNKNOWN_OPERATOR', ctx.owner, ctx.file, at, `unknown json-logic operator "${op}"`),
    );
    return 'unknown';
  }
  if (op === 'var') return checkVar(args, at, ctx);
  if (op === 'missing' || op === 'missing_some') return 'unknown';
  const kinds = args.map((a, i) => (SCOPED.has(op) && i > 0 ? 'unknown' : walk(a, `${at}[${i}]`, ctx)));
  if (COMPARISONS.has(op)) checkSameKind(kinds, args, at, ctx);
  if (op === 'in') checkIn(kinds[0] ?? 'unknown', args[1], at, ctx);
  if (ARITHMETIC.has(op)) {
    kinds.forEach((k, i) => {
      if (k === 'string' || k === 'boolean') {
        ctx.issues.push(
          issue(
            'MSV_RULES_TYPE_MISMATCH',
            ctx.owner,
            ctx.file,
            `${at}[${i}]`,
            `"${op}" needs numbers, got a ${k}`,
          ),
        );
      }
    });
    return 'number';
  }
  if (BOOLEAN_OPS.has(op)) return 'boolean';
  if (op === 'cat' || op === 'substr') return 'string';
  return 'unknown';
}

function checkVar(args: unknown[], at: string, ctx: WalkContext): Kind {
  const name = args[0];
  if (typeof name !== 'string' || name === '') return 'unknown';
  const [root, field, ...rest] = name.split('.');
  if (root === 'asOf') {
    const kind = field === undefined ? 'unknown' : AS_OF_FIELDS[field];
    if (kind && rest.length === 0) return kind;
  } else if (root === 'segments') {
    if (field !== undefined && ctx.segments.has(field) && rest.length === 0) return 'boolean';
  } else {
    const kind = ctx.vars.get(root as string);
    if (kind && field === undefined) return kind;
  }
  ctx.issues.push(
    issue(
      'MSV_RULES_UNKNOWN_VARIABLE',
      ctx.owner,
      ctx.file,
      at,
      `"${name}" is not a trait, computed trait, segments.<id> or asOf.<date|year|month|day>`,
    ),
  );
  return 'unknown';
}

function checkSameKind(kinds: Kind[], args: unknown[], at: string, ctx: WalkContext): void {
  const known = kinds.filter((k) => k !== 'unknown');
  if (known.length < 2 || known.every((k) => k === known[0])) return;
  const shown = args.map((a) => JSON.stringify(a)).join(' vs ');
  ctx.issues.push(
    issue(
      'MSV_RULES_TYPE_MISMATCH',
      ctx.owner,
      ctx.file,
      at,
      `compares a ${known[0]} with a ${known.find((k) => k !== known[0])}: ${shown}`,
    ),
  );
}

function checkIn(needle: Kind, haystack: unknown, at: string, ctx: WalkContext): void {
  if (needle === 'unknown' || !Array.isArray(haystack)) return;
  haystack.forEach((item, i) => {
    const k = typeof item;
    if ((k === 'number' || k === 'string' || k === 'boolean') && k !== needle) {
      ctx.issues.push(
        issue(
          'MSV_RULES_TYPE_MISMATCH',
          ctx.owner,
          ctx.file,
          `${at}[1][${i}]`,
          `a ${needle} is looked for among ${k}s: ${JSON.stringify(item)}`,
        ),
      );
    }
  });
}

function checkNames(catalog: Catalog, issues: RuleIssue[]): void {
  const taken = new Set<string>([...RESERVED_NAMES, ...Object.keys(catalog.traits.traits)]);
  for (const name of RESERVED_NAMES) {
    if (name in catalog.traits.traits)
      issues.push(
        issue('MSV_RULES_CATALOG_INVALID', name, 'traits.yaml', `traits.${name}`, `${name} is reserved`),
      );
  }
  catalog.traits.computed.forEach((c, i) => {
    if (taken.has(c.name)) {
      issues.push(
        issue(
          'MSV_RULES_CATALOG_INVALID',
          c.name,
          'traits.yaml',
          `computed[${i}].name`,
          `${c.name} is already a trait, computed trait or reserved name`,
        ),
      );
    }
    taken.add(c.name);
  });
}

function checkOfferShape(catalog: Catalog, offer: Catalog['offers'][number], issues: RuleIssue[]): void {
  const file = catalog.offerFiles[offer.id];
  const invalid = (path: string, message: string) =>
    issues.push(issue('MSV_RULES_CATALOG_INVALID', offer.id, file, path, message));
  if (offer.validFrom && offer.validTo && offer.validFrom > offer.validTo)
    invalid('validTo', 'validTo is before validFrom');
  for (const locale of catalog.locales) {
    if (!offer.name[locale]) invalid(`name.${locale}`, `no name for locale ${locale}`);
    for (const [channel, blocks] of Object.entries(offer.content)) {
      if (!blocks?.[locale])
        invalid(`content.${channel}.${locale}`, `no ${channel} content for locale ${locale}`);
    }
  }
  if (Object.keys(offer.content).length === 0)
    invalid('content', 'an offer needs content for at least one channel');
}

/** Rules false for every sample customer; for a top-level `and`, the clause that is never true. */
function neverTrue(catalog: Catalog, options: ValidateOptions, issues: RuleIssue[]): void {
  const broken = new Set(issues.filter((i) => i.code !== 'MSV_RULES_CATALOG_INVALID').map((i) => i.offerId));
  if (broken.size > 0) return; // rules that do not compile cleanly are not tried
  const compiled = compileCatalog(catalog);
  const asOf = asOfParts(options.asOf ?? '2026-01-01');
  const data = (options.sample ?? []).map((c) => {
    const d = compiled.traits.build(c, asOf);
    compiled.segments.assign(d);
    return d;
  });
  for (const o of compiled.offers) {
    if (data.some((d) => o.eligibility.firstFailing(d) < 0)) continue;
    const clauses = o.eligibility.clauses;
    const sources =
      clauses.length > 1 ? (o.offer.eligibility as { and: unknown[] }).and : [o.offer.eligibility];
    const dead = sources.findIndex((clause) => {
      const fn = compileLogic(clause);
      return !data.some((d) => truthy(fn(d)));
    });
    const path = dead >= 0 ? (clauses[dead]?.path ?? 'eligibility') : 'eligibility';
    const what = dead >= 0 ? 'this clause is' : 'the clauses are never all';
    issues.push(
      issue(
        'MSV_RULES_NEVER_TRUE',
        o.id,
        catalog.offerFiles[o.id],
        path,
        `${what} true for any of the ${data.length} sample customers`,
      ),
    );
  }
}
