import { MissiveError } from '../core/errors.ts';
import { stableId } from '../core/hash.ts';
import { seededRandom } from '../core/seeded-random.ts';
import type { Customer } from '../core/types.ts';
import { chooseChannel } from './channel-policy.ts';
import type { CompiledCatalog, CompiledOffer, ResolvedType } from './compile.ts';
import { asOfParts, type RuleData } from './computed-traits.ts';
import {
  type ChosenOffer,
  type CustomerHistory,
  type Decision,
  type DecisionContext,
  EMPTY_HISTORY,
  type RejectedOffer,
  type SuppressionRule,
} from './decision.ts';
import { isHeldOut } from './holdout.ts';
import { truthy } from './logic.ts';
import { posteriorOf, type RankCandidate, simulatePropensities, thompsonRank } from './ranking.ts';
import { fillSlots } from './slots.ts';
import {
  declinedWithin,
  frequencyCapReached,
  hasConsent,
  inQuietHours,
  isDoNotContact,
} from './suppression.ts';

/**
 * The pure entry point: (customer, context) → Decision. No I/O, no clock, no Math.random: the
 * history comes in the context, `now` is given, and every draw comes from a generator seeded with
 * stableId(run, customer) — the same run and customer always get the same decision.
 */
export function decide(customer: Customer, ctx: DecisionContext): Decision {
  const catalog = ctx.catalog;
  const type = catalog.types[ctx.communicationType];
  if (!type) {
    throw new MissiveError(
      'MSV_RULES_UNKNOWN_TYPE',
      `catalog ${catalog.name} has no communication type ${ctx.communicationType}`,
      { customerId: customer.id, runId: ctx.runId, field: 'communicationType' },
    );
  }
  const history = ctx.history ?? EMPTY_HISTORY;
  const nowMs = Date.parse(ctx.now);
  const data = catalog.traits.build(customer, asOfParts(ctx.asOf));
  const segment = catalog.segments.assign(data);
  const smsQuiet = type.channels.includes('sms') && inQuietHours(customer.timeZone, nowMs, type.quietHours);
  const choice = chooseChannel(customer, type, smsQuiet, ctx.paperInstead);
  const decision: Decision = {
    customerId: customer.id,
    runId: ctx.runId,
    communicationType: ctx.communicationType,
    purpose: type.purpose,
    asOf: ctx.asOf,
    catalogVersion: catalog.version,
    modelVersion: ctx.model.version,
    seed: stableId('seed', ctx.runId, customer.id),
    segment: segment.key,
    segments: segment.member,
    channel: choice.channel,
    channelReason: choice.reason,
    channelsTried: choice.tried,
    suppressed: null,
    holdout: false,
    offersSuppressed: null,
    offers: [],
    rejected: [],
  };
  decision.suppressed = communicationSuppression(customer, ctx, type, history, nowMs, decision);
  if (decision.suppressed) {
    decision.channel = null;
    return decision;
  }
  decision.holdout = isHeldOut(customer.id, ctx.campaign ?? ctx.communicationType, type.holdout);
  decision.offersSuppressed = offerSuppression(customer, type, history, decision);
  if (!decision.offersSuppressed || decision.offersSuppressed.rule === 'holdout') {
    const eligible = eligibleOffers(catalog, data, ctx, history, nowMs, decision);
    if (!decision.holdout && eligible.length > 0) placeOffers(catalog, eligible, type, ctx, decision);
  }
  if (type.purpose === 'marketing' && !decision.holdout && decision.offers.length === 0) {
    // No offer, no marketing message: the only reason to send one is the offer (the holdout, which
    // is sent without offers on purpose, is the control group lift is measured against).
    decision.suppressed = { rule: 'no-eligible-offer', reason: noOfferReason(decision) };
    decision.channel = null;
  }
  return decision;
}

/** Why a marketing decision placed no offer, in words: the offers' own reasons are in `rejected`. */
function noOfferReason(decision: Decision): string {
  if (decision.offersSuppressed) return `no offer can be placed (${decision.offersSuppressed.reason})`;
  return "none of the catalog's offers is eligible for the customer on the chosen channel";
}

const NO_CHANNEL = 'no usable channel: none reachable with consent';
const DNC = 'the customer asked not to be contacted for marketing';

function communicationSuppression(
  customer: Customer,
  ctx: DecisionContext,
  type: ResolvedType,
  history: CustomerHistory,
  nowMs: number,
  decision: Decision,
): Decision['suppressed'] {
  if (type.purpose === 'marketing') {
    if (isDoNotContact(customer, history)) return { rule: 'do-not-contact', reason: DNC };
    if (frequencyCapReached(history, type.frequencyCap, nowMs, ctx.runId)) {
      const { max, days } = type.frequencyCap;
      return {
        rule: 'frequency-cap',
        reason: `already ${max} marketing message(s) in the last ${days} days`,
      };
    }
  }
  return decision.channel === null ? { rule: 'no-channel', reason: NO_CHANNEL } : null;
}

/** Offers in a document that goes anyway (a statement): no slots, holdout, DNC, marketing consent. */
function offerSuppression(
  customer: Customer,
  type: ResolvedType,
  history: CustomerHistory,
  decision: Decision,
): { rule: SuppressionRule; reason: string } | null {
  if (type.offerSlots === 0) return { rule: 'no-slots', reason: 'the communication type has no offer slots' };
  if (type.purpose === 'service') {
    if (isDoNotContact(customer, history)) return { rule: 'do-not-contact', reason: DNC };
    const channel = decision.channel!;
    if (!hasConsent(customer, channel, 'marketing')) {
      return { rule: 'consent', reason: `no marketing consent for ${channel}` };
    }
  }
  if (decision.holdout) {
    return { rule: 'holdout', reason: `control group (${Math.round(type.holdout * 100)} % of customers)` };
  }
  return null;
}

function eligibleOffers(
  catalog: CompiledCatalog,
  data: RuleData,
  ctx: DecisionContext,
  history: CustomerHistory,
  nowMs: number,
  decision: Decision,
): CompiledOffer[] {
  const eligible: CompiledOffer[] = [];
  const rejected = decision.rejected;
  const channel = decision.channel!;
  for (const o of catalog.offers) {
    const { validFrom, validTo } = o.offer;
    if ((validFrom !== undefined && ctx.asOf < validFrom) || (validTo !== undefined && ctx.asOf > validTo)) {
      rejected.push({ offerId: o.id, rule: 'validity', reason: o.reasons.validity });
      continue;
    }
    if ((o.held !== null && truthy(o.held(data))) || history.heldProducts.includes(o.product)) {
      rejected.push({ offerId: o.id, rule: 'held', reason: o.reasons.held, path: 'heldWhen' });
      continue;
    }
    const failed = o.eligibility.firstFailing(data);
    if (failed >= 0) {
      const clause = o.eligibility.clauses[failed]!;
      rejected.push({ offerId: o.id, rule: 'eligibility', reason: clause.reason, path: clause.path });
      continue;
    }
    if (history.declined.length > 0 && declinedWithin(history, o.id, o.cooldownDays, nowMs)) {
      rejected.push({ offerId: o.id, rule: 'declined', reason: o.reasons.declined });
      continue;
    }
    if (!o.channels.has(channel)) {
      rejected.push({ offerId: o.id, rule: 'channel-content', reason: o.reasons.noContent });
      continue;
    }
    eligible.push(o);
  }
  return eligible;
}

function placeOffers(
  catalog: CompiledCatalog,
  eligible: readonly CompiledOffer[],
  type: ResolvedType,
  ctx: DecisionContext,
  decision: Decision,
): void {
  const n = eligible.length;
  const candidates: RankCandidate[] = new Array(n);
  let learned = false;
  for (let i = 0; i < n; i++) {
    const o = eligible[i] as CompiledOffer;
    const post = posteriorOf(o.prior, o.id, decision.segment, ctx.model);
    learned ||= post.learned;
    candidates[i] = post.learned ? { ...o.prior, alpha: post.alpha, beta: post.beta } : o.prior;
  }
  const samples = new Float64Array(n);
  const scores = new Float64Array(n);
  const order: number[] = [];
  thompsonRank(candidates, seededRandom(decision.seed), samples, scores, order);
  const slots = type.offerSlots;
  const outcome = fillSlots(order, (i) => (candidates[i] as RankCandidate).group, slots);
  const propensity = propensitiesFor(
    catalog,
    ctx,
    eligible,
    candidates,
    slots,
    learned ? decision.segment : '*',
  );
  const keep = 1 - type.holdout;
  for (const [slot, i] of outcome.chosen.entries()) {
    const c = candidates[i] as RankCandidate;
    decision.offers.push({
      offerId: c.offerId,
      slot,
      score: scores[i] as number,
      sample: samples[i] as number,
      propensity: keep * (propensity[i * slots + slot] as number),
      posterior: { alpha: c.alpha, beta: c.beta },
      exclusionGroup: c.group,
    } satisfies ChosenOffer);
  }
  for (const left of outcome.left) decision.rejected.push(slotRejection(candidates, left, slots));
}

function slotRejection(
  candidates: readonly RankCandidate[],
  left: { index: number; rule: 'exclusion-group' | 'slots'; by?: number },
  slots: number,
): RejectedOffer {
  const c = candidates[left.index] as RankCandidate;
  if (left.rule === 'slots') {
    return {
      offerId: c.offerId,
      rule: 'slots',
      reason: `ranked below the ${slots} offer(s) that fill the slots`,
    };
  }
  const by = candidates[left.by as number] as RankCandidate;
  return {
    offerId: c.offerId,
    rule: 'exclusion-group',
    reason: `exclusion group ${c.group}: ${by.offerId} ranked higher`,
    path: 'exclusionGroup',
  };
}

/** Distinct (slots, segment, eligible set) situations kept per model snapshot. */
const MAX_CACHED_SITUATIONS = 50_000;

function propensitiesFor(
  catalog: CompiledCatalog,
  ctx: DecisionContext,
  eligible: readonly CompiledOffer[],
  candidates: readonly RankCandidate[],
  slots: number,
  segment: string,
): Float64Array {
  let byModel = catalog.propensityCache.get(ctx.model);
  if (!byModel) {
    byModel = new Map();
    catalog.propensityCache.set(ctx.model, byModel);
  }
  let key = `${slots}|${segment}|`;
  for (const o of eligible) key += `${o.index},`;
  let p = byModel.get(key);
  if (!p) {
    p = simulatePropensities(candidates, slots, `${catalog.version}|${ctx.model.version}|${key}`);
    if (byModel.size >= MAX_CACHED_SITUATIONS) byModel.clear();
    byModel.set(key, p);
  }
  return p;
}
