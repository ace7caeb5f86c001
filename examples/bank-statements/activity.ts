import { type SeededRandom, seededRandom } from '../../src/core/seeded-random.ts';
import type { FeedCustomer } from '../customer-source.ts';

/**
 * A month of current-account activity for one customer, as a core banking system would book it:
 * the example's stand-in for a real bank's transactions extract (the bank-marketing rows carry a
 * yearly balance but no transactions). Seeded by customer id + as-of: the same customer and month
 * always give the same bookings, on every machine.
 *
 * - 8–60 bookings (or exactly `count`) on days from the 1st of the as-of month to the as-of day.
 * - Traits shape the month: `job` (retired → pension, student → allowance, unemployed → benefit,
 *   others → salary on the 25th), a housing loan → a mortgage payment, a personal loan → a repayment.
 * - Descriptions are merchant names in the customer's language (Chinese for zh-*, English otherwise);
 *   CNY amounts are about five times GBP/EUR ones.
 * - The closing balance is the `balance` trait when the customer has one; the opening balance is
 *   closing minus the month's bookings, all in integer minor units.
 * (Adapted from the former src/customers/synthetic-activity.ts.)
 */

export type Culture = 'zh' | 'en';
/** [description, min, max] in minor units. */
type Merchant = readonly [string, number, number];

const ZH_SPENDING: readonly Merchant[] = [
  ['星巴克咖啡', 3_000, 8_000],
  ['瑞幸咖啡', 1_500, 4_000],
  ['美团外卖', 2_500, 12_000],
  ['京东商城', 5_000, 150_000],
  ['淘宝购物', 3_000, 80_000],
  ['滴滴出行', 1_500, 9_000],
  ['中国移动话费', 5_000, 20_000],
  ['国家电网电费', 8_000, 40_000],
  ['盒马鲜生', 6_000, 50_000],
  ['中国石化加油', 20_000, 50_000],
  ['肯德基', 3_000, 10_000],
  ['上海地铁', 300, 1_000],
  ['全家便利店', 1_000, 5_000],
  ['拼多多', 1_000, 30_000],
  ['饿了么', 2_000, 10_000],
  ['华润万家超市', 5_000, 40_000],
  ['携程旅行', 30_000, 300_000],
  ['万达影城', 4_000, 15_000],
  ['物业管理费', 20_000, 60_000],
  ['支付宝转账', 10_000, 200_000],
];
const EN_SPENDING: readonly Merchant[] = [
  ['Tesco Stores', 800, 9_000],
  ["Sainsbury's", 900, 8_500],
  ['Pret A Manger', 350, 1_400],
  ['Costa Coffee', 280, 900],
  ['TfL Travel', 280, 1_600],
  ['Amazon UK', 700, 15_000],
  ['Vodafone', 1_500, 4_500],
  ['Thames Water', 2_500, 6_000],
  ['British Gas', 4_000, 15_000],
  ['Netflix', 599, 1_799],
  ['Boots', 400, 4_000],
  ['Deliveroo', 1_200, 4_500],
  ['Shell', 3_000, 9_000],
  ['Greggs', 250, 1_200],
  ['John Lewis', 2_000, 25_000],
  ['Trainline', 1_500, 18_000],
  ['Council Tax', 12_000, 25_000],
  ['Spotify', 1_199, 1_199],
  ['Waitrose', 1_500, 12_000],
  ['Uber', 800, 3_500],
];

const REGULAR = {
  zh: {
    salary: '工资',
    pension: '退休金',
    allowance: '生活费转入',
    benefit: '失业保险金',
    mortgage: '房贷还款',
    loan: '个人贷款还款',
    refund: '退款',
    transferIn: '微信转账收入',
    interest: '透支利息',
  },
  en: {
    salary: 'Salary',
    pension: 'Pension',
    allowance: 'Transfer from parents',
    benefit: "Jobseeker's Allowance",
    mortgage: 'Mortgage payment',
    loan: 'Loan repayment',
    refund: 'Refund',
    transferIn: 'Transfer from savings',
    interest: 'Overdraft interest',
  },
} as const;

/** Typical amounts in minor units of GBP/EUR: [min, max]. */
const INCOME = {
  salary: [180_000, 420_000],
  pension: [90_000, 220_000],
  allowance: [30_000, 80_000],
  benefit: [30_000, 40_000],
} as const;
const HOUSING = { mortgage: [65_000, 140_000], loan: [15_000, 45_000] } as const;

export interface Booking {
  day: number;
  description: string;
  /** Signed, minor units: money in > 0, money out < 0. */
  cents: number;
  /** The core system's booking type for interest and charges (the extract's `type` column). */
  kind?: 'interest' | 'fee';
}

/** Overdraft interest (EAR 39.9 %, a month's worth) on the lowest balance of the month, when below 0. */
function overdraftInterest(bookings: readonly Booking[], closingCents: number): number {
  let running = closingCents - bookings.reduce((s, b) => s + b.cents, 0);
  let lowest = running;
  for (const b of bookings) {
    running += b.cents;
    lowest = Math.min(lowest, running);
  }
  return lowest < 0 ? Math.max(100, Math.round((-lowest * 0.399) / 12)) : 0;
}

export interface MonthOfActivity {
  culture: Culture;
  /** Booking order: by day, then as booked. */
  bookings: Booking[];
  openingCents: number;
  closingCents: number;
  paidInCents: number;
  paidOutCents: number;
  /** The month's loan repayment (minor units, positive), when the customer has a personal loan. */
  loanRepaymentCents: number;
}

export const cultureOf = (locale: string): Culture => (/^zh\b/i.test(locale) ? 'zh' : 'en');
/** CNY amounts are larger than GBP/EUR ones. */
export const amountFactor = (culture: Culture): number => (culture === 'zh' ? 5 : 1);

const lower = (v: unknown): string => (typeof v === 'string' ? v.toLowerCase() : '');
/** A loan trait: the mapped boolean (`hasHousingLoan`) or the raw yes/no column (`housing`). */
const has = (traits: FeedCustomer['traits'], mapped: string, raw: string): boolean =>
  traits[mapped] === true || lower(traits[raw]) === 'yes';
const scaled = (rng: SeededRandom, [min, max]: readonly [number, number], factor: number): number =>
  Math.round(rng.between(min, max) * factor);

function regularBookings(customer: FeedCustomer, culture: Culture, lastDay: number, rng: SeededRandom) {
  const words = REGULAR[culture];
  const factor = amountFactor(culture);
  const job = lower(customer.traits.job);
  const income =
    job === 'retired'
      ? 'pension'
      : job === 'student'
        ? 'allowance'
        : job === 'unemployed'
          ? 'benefit'
          : 'salary';
  const out: Booking[] = [
    { day: Math.min(25, lastDay), description: words[income], cents: scaled(rng, INCOME[income], factor) },
  ];
  if (has(customer.traits, 'hasHousingLoan', 'housing')) {
    const cents = scaled(rng, HOUSING.mortgage, factor);
    out.push({ day: Math.min(1 + rng.int(5), lastDay), description: words.mortgage, cents: -cents });
  }
  let loan = 0;
  if (has(customer.traits, 'hasPersonalLoan', 'loan')) {
    loan = scaled(rng, HOUSING.loan, factor);
    out.push({ day: Math.min(10 + rng.int(5), lastDay), description: words.loan, cents: -loan });
  }
  return { bookings: out, loan };
}

function everydayBooking(culture: Culture, lastDay: number, rng: SeededRandom): Booking {
  const day = 1 + rng.int(lastDay);
  if (rng.chance(0.06)) {
    const words = REGULAR[culture];
    const description = rng.chance(0.5) ? words.refund : words.transferIn;
    return { day, description, cents: rng.between(500, culture === 'zh' ? 100_000 : 20_000) };
  }
  const [description, min, max] = rng.pick(culture === 'zh' ? ZH_SPENDING : EN_SPENDING);
  return { day, description, cents: -rng.between(min, max) };
}

/** The customer's bookings from the 1st of the as-of month to the as-of day (`count`: exactly that many). */
export function monthOfActivity(customer: FeedCustomer, asOf: string, count?: number): MonthOfActivity {
  const lastDay = Number(asOf.slice(8, 10));
  const culture = cultureOf(customer.locale);
  const rng = seededRandom('missive-example-statement-v1', customer.id, asOf);
  const wanted = count ?? rng.between(8, 60);
  const regular = regularBookings(customer, culture, lastDay, rng);
  const bookings = regular.bookings.slice(0, wanted);
  while (bookings.length < wanted) bookings.push(everydayBooking(culture, lastDay, rng));
  const ordered = bookings
    .map((b, seq) => ({ b, seq }))
    .sort((x, y) => x.b.day - y.b.day || x.seq - y.seq)
    .map(({ b }) => b);
  const balance = customer.traits.balance;
  const closingCents =
    typeof balance === 'number' && Number.isFinite(balance)
      ? Math.round(balance * 100)
      : rng.between(10_000, 500_000) * amountFactor(culture);
  // An overdrawn month is charged its interest on the last day (the core system's month-end run);
  // not when the caller asked for exactly `count` bookings (benchmarks).
  const interest = count === undefined ? overdraftInterest(ordered, closingCents) : 0;
  if (interest > 0) {
    ordered.push({
      day: lastDay,
      description: REGULAR[culture].interest,
      cents: -interest,
      kind: 'interest',
    });
  }
  let sum = 0;
  let paidIn = 0;
  let paidOut = 0;
  for (const b of ordered) {
    sum += b.cents;
    if (b.cents > 0) paidIn += b.cents;
    else paidOut -= b.cents;
  }
  return {
    culture,
    bookings: ordered,
    openingCents: closingCents - sum,
    closingCents,
    paidInCents: paidIn,
    paidOutCents: paidOut,
    loanRepaymentCents: regular.loan,
  };
}

/**
 * Money in and out per calendar month for the 12 months ending with the as-of month (oldest first):
 * the last month is this month's bookings exactly, the earlier ones vary around it from their own
 * seeded stream.
 */
export function monthlyHistory(
  customerId: string,
  asOf: string,
  month: MonthOfActivity,
): { month: string; paidInCents: number; paidOutCents: number }[] {
  const rng = seededRandom('missive-example-history-v1', customerId, asOf);
  const year = Number(asOf.slice(0, 4));
  const monthIndex = year * 12 + Number(asOf.slice(5, 7)) - 1;
  const typicalOut = Math.max(20_000 * amountFactor(month.culture), month.paidOutCents);
  const typicalIn = Math.max(10_000 * amountFactor(month.culture), month.paidInCents);
  return Array.from({ length: 12 }, (_, i) => {
    const back = 11 - i;
    const m = monthIndex - back;
    const label = `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}-01`;
    if (back === 0) return { month: label, paidInCents: month.paidInCents, paidOutCents: month.paidOutCents };
    return {
      month: label,
      paidInCents: Math.round((typicalIn * rng.between(80, 120)) / 100),
      paidOutCents: Math.round((typicalOut * rng.between(60, 140)) / 100),
    };
  });
}
