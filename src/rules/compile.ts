import { sha256Hex } from '../core/hash.ts';
import type { ChannelKind } from '../core/types.ts';
import { canonicalJson } from '../store/index.ts';
import type { Catalog, CommunicationType, Offer } from './catalog.ts';
import { type CompiledTraits, compileTraits } from './computed-traits.ts';
import { type CompiledEligibility, compileEligibility } from './eligibility.ts';
import { compileLogic, type Evaluator } from './logic.ts';
import type { ModelSnapshot, RankCandidate } from './ranking.ts';
import { type CompiledSegments, compileSegments } from './segments.ts';

/**
 * A catalog made ready for deciding, once per catalog version: every json-logic rule compiled to
 * closures, the type policies resolved against the catalog defaults, every fixed reason text made.
 * Deciding for a customer then only evaluates and compares.
 */

export interface CompiledOffer {
  readonly index: number;
  readonly id: string;
  readonly product: string;
  readonly offer: Offer;
  readonly eligibility: CompiledEligibility;
  readonly held: Evaluator | null;
  readonly cooldownDays: number;
  readonly prior: RankCandidate;
  readonly channels: ReadonlySet<ChannelKind>;
  readonly reasons: { validity: string; held: string; declined: string; noContent: string };
}

export type ResolvedType = CommunicationType &
  Required<Pick<CommunicationType, 'frequencyCap' | 'quietHours'>>;

export interface CompiledCatalog {
  readonly name: string;
  /** `<name>@<sha256 prefix of the definition>`: recorded in every decision. */
  readonly version: string;
  readonly catalog: Catalog;
  readonly traits: CompiledTraits;
  readonly segments: CompiledSegments;
  readonly offers: readonly CompiledOffer[];
  readonly types: Readonly<Record<string, ResolvedType>>;
  /** Propensities per model snapshot and situation (see ranking.ts). */
  readonly propensityCache: WeakMap<ModelSnapshot, Map<string, Float64Array>>;
}

/** The catalog's identity: the hash of its definition (where offers came from is not part of it). */
export function catalogVersion(catalog: Catalog): string {
  const { offerFiles: _where, ...definition } = catalog;
  return `${catalog.name}@${sha256Hex(canonicalJson(definition)).slice(0, 12)}`;
}

/**
 * A catalog compiled once: communication types with the catalog's defaults filled in, eligibility rules
 * compiled.
 */
export function compileCatalog(catalog: Catalog): CompiledCatalog {
  const types: Record<string, ResolvedType> = {};
  for (const [id, t] of Object.entries(catalog.communicationTypes)) {
    types[id] = {
      ...t,
      frequencyCap: t.frequencyCap ?? catalog.policy.frequencyCap,
      quietHours: t.quietHours ?? catalog.policy.quietHours,
    };
  }
  return {
    name: catalog.name,
    version: catalogVersion(catalog),
    catalog,
    traits: compileTraits(catalog.traits),
    segments: compileSegments(catalog.traits),
    offers: catalog.offers.map((offer, index) => compileOffer(offer, index, catalog)),
    types,
    propensityCache: new WeakMap(),
  };
}

function compileOffer(offer: Offer, index: number, catalog: Catalog): CompiledOffer {
  const cooldownDays = offer.declineCooldownDays ?? catalog.policy.declineCooldownDays;
  const window = `${offer.validFrom ?? 'always'} – ${offer.validTo ?? 'open'}`;
  return {
    index,
    id: offer.id,
    product: offer.product ?? offer.id,
    offer,
    eligibility: compileEligibility(offer.eligibility),
    held: offer.heldWhen === undefined ? null : compileLogic(offer.heldWhen),
    cooldownDays,
    prior: {
      offerId: offer.id,
      weight: offer.prior.weight,
      alpha: offer.prior.alpha,
      beta: offer.prior.beta,
      group: offer.exclusionGroup ?? null,
    },
    channels: new Set(Object.keys(offer.content) as ChannelKind[]),
    reasons: {
      validity: `outside the validity window ${window}`,
      held: `the customer already holds ${offer.product ?? offer.id}`,
      declined: `declined within the last ${cooldownDays} days`,
      noContent: 'the offer has no content for the chosen channel',
    },
  };
}
