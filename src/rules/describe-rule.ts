import type { Catalog } from './catalog.ts';
import { traitLabel } from './catalog-labels.ts';
import type { Decision, RejectedOffer, SuppressionRule } from './decision.ts';
import { isLogicNode, nodeParts } from './logic.ts';

export { traitLabel };

/**
 * A decision's reasons as sentences an agent can read out, in en-GB or zh-CN: "Not offered: value
 * tier is not Plus or Premier" rather than `eligibility.and[0] is false: {"in":[{"var":"valueTier"}…`.
 * An eligibility clause is described from the offer's own rule in the catalog version the decision
 * used (negated, since it failed); traits are named by their label in the catalog in the reader's
 * language (catalog-labels.ts), else their description, else their name in words (`valueTier` →
 * "value tier"). Anything the describer does not know how to say
 * falls back to the rule as written, never to a wrong sentence.
 */
export type ReasonLocale = 'en-GB' | 'zh-CN';

interface Words {
  notOffered: string;
  notSent: string;
  is: (a: string, b: string) => string;
  isNot: (a: string, b: string) => string;
  oneOf: (items: string[]) => string;
  atLeast: (a: string, b: string) => string;
  below: (a: string, b: string) => string;
  moreThan: (a: string, b: string) => string;
  atMost: (a: string, b: string) => string;
  between: (a: string, lo: string, hi: string) => string;
  notBetween: (a: string, lo: string, hi: string) => string;
  contains: (a: string, b: string) => string;
  set: (a: string) => string;
  notSet: (a: string) => string;
  and: (parts: string[]) => string;
  or: (parts: string[]) => string;
  yes: string;
  no: string;
  rejection: Record<Exclude<RejectedOffer['rule'], 'eligibility'>, string>;
  suppression: Record<SuppressionRule, string>;
}

const EN: Words = {
  notOffered: 'Not offered',
  notSent: 'Not sent',
  is: (a, b) => `${a} is ${b}`,
  isNot: (a, b) => `${a} is not ${b}`,
  oneOf: (items) =>
    items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`,
  atLeast: (a, b) => `${a} is at least ${b}`,
  below: (a, b) => `${a} is below ${b}`,
  moreThan: (a, b) => `${a} is more than ${b}`,
  atMost: (a, b) => `${a} is at most ${b}`,
  between: (a, lo, hi) => `${a} is between ${lo} and ${hi}`,
  notBetween: (a, lo, hi) => `${a} is not between ${lo} and ${hi}`,
  contains: (a, b) => `${a} contains ${b}`,
  set: (a) => `${a}: yes`,
  notSet: (a) => `${a}: no`,
  and: (parts) => parts.join(' and '),
  or: (parts) => parts.join(' or '),
  yes: 'yes',
  no: 'no',
  rejection: {
    validity: 'the offer is not valid on this date',
    held: 'the customer already holds this product',
    declined: 'the customer declined this offer recently',
    'channel-content': 'the offer has no text for this channel',
    'exclusion-group': 'another offer of the same group was chosen',
    slots: 'the message had no slot left',
  },
  suppression: {
    'do-not-contact': 'the customer asked not to be contacted',
    consent: 'no consent for marketing on any allowed channel',
    'frequency-cap': 'the customer has had as many messages as the contact policy allows',
    'no-channel': 'no channel reaches the customer',
    holdout: 'control group (no offers, to measure the lift)',
    'no-slots': 'the message has no offer slots',
    'no-eligible-offer': 'no offer is eligible for the customer',
  },
};

const ZH: Words = {
  notOffered: '未提供此优惠',
  notSent: '未发送',
  is: (a, b) => `${a}为${b}`,
  isNot: (a, b) => `${a}不为${b}`,
  oneOf: (items) =>
    items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join('、')}或${items.at(-1)}`,
  atLeast: (a, b) => `${a}不低于${b}`,
  below: (a, b) => `${a}低于${b}`,
  moreThan: (a, b) => `${a}高于${b}`,
  atMost: (a, b) => `${a}不高于${b}`,
  between: (a, lo, hi) => `${a}介于${lo}与${hi}之间`,
  notBetween: (a, lo, hi) => `${a}不在${lo}与${hi}之间`,
  contains: (a, b) => `${a}包含${b}`,
  set: (a) => `${a}：是`,
  notSet: (a) => `${a}：否`,
  and: (parts) => parts.join('，且'),
  or: (parts) => parts.join('，或'),
  yes: '是',
  no: '否',
  rejection: {
    validity: '该优惠在此日期无效',
    held: '客户已持有该产品',
    declined: '客户近期拒绝过该优惠',
    'channel-content': '该优惠没有此渠道的文字',
    'exclusion-group': '已选择同组的另一项优惠',
    slots: '信息中已无空位',
  },
  suppression: {
    'do-not-contact': '客户要求不再联系',
    consent: '客户未同意通过任何允许的渠道接收营销信息',
    'frequency-cap': '客户收到的信息已达联系政策的上限',
    'no-channel': '没有可联系客户的渠道',
    holdout: '对照组（不发优惠，用于衡量效果）',
    'no-slots': '该信息没有优惠位',
    'no-eligible-offer': '没有客户符合条件的优惠',
  },
};

const WORDS: Record<ReasonLocale, Words> = { 'en-GB': EN, 'zh-CN': ZH };

/** The language decisions are explained in for a locale: zh-CN for Chinese, else en-GB. */
export function wordsFor(locale: string): ReasonLocale {
  return /^zh/i.test(locale) ? 'zh-CN' : 'en-GB';
}

/** One rule in words; `negate` says it is false. Undefined when it cannot be said faithfully. */
export function describeRule(
  rule: unknown,
  locale: ReasonLocale,
  label: (name: string) => string,
  negate = false,
): string | undefined {
  const w = WORDS[locale];
  const value = (v: unknown): string | undefined => {
    if (typeof v === 'boolean') return v ? w.yes : w.no;
    if (typeof v === 'number' || typeof v === 'string') return String(v);
    return undefined;
  };
  const variable = (v: unknown): string | undefined => {
    if (!isLogicNode(v)) return undefined;
    const [op, args] = nodeParts(v);
    return op === 'var' && typeof args[0] === 'string' ? label(args[0]) : undefined;
  };
  if (!isLogicNode(rule)) return undefined;
  const [op, args] = nodeParts(rule);
  switch (op) {
    case '!':
      return describeRule(args[0], locale, label, !negate);
    case '!!':
    case 'var': {
      const name = op === 'var' ? variable(rule) : variable(args[0]);
      return name === undefined ? undefined : negate ? w.notSet(name) : w.set(name);
    }
    case 'and':
    case 'or': {
      const parts = args.map((a) => describeRule(a, locale, label, negate));
      if (parts.some((p) => p === undefined)) return undefined;
      // De Morgan: "not (A and B)" is "not A or not B".
      return (op === 'and') !== negate ? w.and(parts as string[]) : w.or(parts as string[]);
    }
    case '==':
    case '===':
    case '!=':
    case '!==': {
      const [a, b] = variable(args[0]) !== undefined ? [args[0], args[1]] : [args[1], args[0]];
      const name = variable(a);
      const v = value(b);
      if (name === undefined || v === undefined) return undefined;
      const equal = (op === '==' || op === '===') !== negate;
      // A yes/no trait reads as its answer: "has housing loan: no", not "is not yes".
      if (typeof b === 'boolean')
        return `${name}${locale === 'zh-CN' ? '：' : ': '}${b === equal ? w.yes : w.no}`;
      return equal ? w.is(name, v) : w.isNot(name, v);
    }
    case 'in': {
      const list = args[1];
      const name = variable(args[0]);
      if (name !== undefined && Array.isArray(list)) {
        const items = list.map(value);
        if (items.some((i) => i === undefined)) return undefined;
        return negate ? w.isNot(name, w.oneOf(items as string[])) : w.is(name, w.oneOf(items as string[]));
      }
      const haystack = variable(list);
      const needle = value(args[0]);
      if (haystack !== undefined && needle !== undefined) {
        const text = w.contains(haystack, `"${needle}"`);
        return negate
          ? locale === 'zh-CN'
            ? `${haystack}不包含"${needle}"`
            : `${haystack} does not contain "${needle}"`
          : text;
      }
      return undefined;
    }
    case '<':
    case '<=':
    case '>':
    case '>=':
      return comparison(op, args, negate, w, variable, value);
    default:
      return undefined;
  }
}

function comparison(
  op: '<' | '<=' | '>' | '>=',
  args: unknown[],
  negate: boolean,
  w: Words,
  variable: (v: unknown) => string | undefined,
  value: (v: unknown) => string | undefined,
): string | undefined {
  if (args.length === 3) {
    // json-logic's between: {"<=": [lo, var, hi]}.
    const [lo, x, hi] = [value(args[0]), variable(args[1]), value(args[2])];
    if (lo === undefined || x === undefined || hi === undefined) return undefined;
    return negate ? w.notBetween(x, lo, hi) : w.between(x, lo, hi);
  }
  let [a, b] = [args[0], args[1]];
  let o = op;
  if (variable(a) === undefined) {
    // n < var is var > n.
    [a, b] = [b, a];
    o = ({ '<': '>', '<=': '>=', '>': '<', '>=': '<=' } as const)[op];
  }
  const name = variable(a);
  const v = value(b);
  if (name === undefined || v === undefined) return undefined;
  const effective = negate ? ({ '<': '>=', '<=': '>', '>': '<=', '>=': '<' } as const)[o] : o;
  switch (effective) {
    case '>=':
      return w.atLeast(name, v);
    case '<':
      return w.below(name, v);
    case '>':
      return w.moreThan(name, v);
    case '<=':
      return w.atMost(name, v);
  }
}

/** Why an offer was not chosen, as a sentence ("Not offered: value tier is not Plus or Premier"). */
export function rejectionSentence(
  rejected: RejectedOffer,
  catalog: Catalog | undefined,
  locale: ReasonLocale,
): string {
  const w = WORDS[locale];
  const sep = locale === 'zh-CN' ? '：' : ': ';
  if (rejected.rule !== 'eligibility') return `${w.notOffered}${sep}${w.rejection[rejected.rule]}`;
  const offer = catalog?.offers.find((o) => o.id === rejected.offerId);
  const clause = offer ? clauseAt(offer.eligibility, rejected.path ?? 'eligibility') : undefined;
  const said =
    clause === undefined
      ? undefined
      : describeRule(clause, locale, (n) => traitLabel(catalog, n, locale), true);
  return `${w.notOffered}${sep}${said ?? rejected.reason}`;
}

/** Why a message was not sent, as a sentence. */
export function suppressionSentence(
  decision: Pick<Decision, 'suppressed'>,
  locale: ReasonLocale,
): string | undefined {
  if (!decision.suppressed) return undefined;
  const w = WORDS[locale];
  const sep = locale === 'zh-CN' ? '：' : ': ';
  return `${w.notSent}${sep}${w.suppression[decision.suppressed.rule] ?? decision.suppressed.reason}`;
}

/**
 * A suppressed ledger row's reason in a language. Rows are written as `<rule>: <detail>` in English
 * (render-chunk.ts, communicate.ts); a known rule is said in the reader's words, anything else (an
 * older row, another writer) is undefined and the caller shows the stored text.
 */
export function storedSuppressionReason(stored: string, locale: ReasonLocale): string | undefined {
  const rule = /^([a-z-]+): /.exec(stored)?.[1];
  const words = WORDS[locale].suppression;
  return rule !== undefined && Object.hasOwn(words, rule) ? words[rule as SuppressionRule] : undefined;
}

function clauseAt(rule: unknown, path: string): unknown {
  const match = /^eligibility(?:\.and\[(\d+)\])?$/.exec(path);
  if (!match) return undefined;
  if (match[1] === undefined) return rule;
  if (!isLogicNode(rule)) return undefined;
  const [op, args] = nodeParts(rule);
  return op === 'and' ? args[Number(match[1])] : undefined;
}
