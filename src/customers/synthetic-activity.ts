import { MissiveError } from '../core/errors.ts';
import type { Customer, TraitValue } from '../core/types.ts';
import type { DocumentData, JsonValue } from '../templates/types.ts';
import { hash32, type SeededRandom, seededRandom } from './seeded-random.ts';

/**
 * A month of account activity for a customer whose data has none (the bank-marketing rows carry a
 * balance but no transactions), as document data for the monthly-statement template.
 *
 * Pure and seeded by customer id + asOf: the same customer and date always give the same statement.
 * - Period: the first day of asOf's month to asOf. 8–60 transactions on days in that period.
 * - Currency follows the locale: zh-* → CNY, en-GB → GBP, anything else → EUR (the bank-marketing
 *   data is Portuguese; its balances are euros). Amounts are in major units (1234.5).
 * - The `balance` trait is the closing balance; the opening balance is closing minus the month's
 *   sum, and every row carries the running balance, all computed in integer minor units.
 * - Traits shape the month: `job` (retired → pension, student → allowance, unemployed → benefit,
 *   others → salary on the 25th), `housing: yes` → a mortgage payment, `loan: yes` → a loan repayment.
 * - Descriptions are merchant names in the customer's language (Chinese for zh-*, English otherwise).
 * - The account number is synthetic, derived from the id; templates show it masked (`{{mask}}`).
 */

type Culture = 'zh' | 'en';
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
  },
} as const;

/** Typical amounts in minor units: [min, max]; CNY amounts are larger than GBP/EUR ones. */
const INCOME = {
  salary: [180_000, 420_000],
  pension: [90_000, 220_000],
  allowance: [30_000, 80_000],
  benefit: [30_000, 40_000],
} as const;
const HOUSING = { mortgage: [65_000, 140_000], loan: [15_000, 45_000] } as const;

interface Entry {
  day: number;
  description: string;
  cents: number;
}

export function currencyFor(locale: string): string {
  if (/^zh\b/i.test(locale)) return 'CNY';
  return locale === 'en-GB' ? 'GBP' : 'EUR';
}

function parseAsOf(asOf: string): { year: number; month: number; day: number } {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(asOf);
  const date = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
  if (!m || !date?.toISOString().startsWith(asOf)) {
    throw new MissiveError('MSV_CONFIG_INVALID', 'asOf must be a calendar date as YYYY-MM-DD', {
      field: 'asOf',
    });
  }
  return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
}

const text = (v: TraitValue | undefined): string => (typeof v === 'string' ? v.toLowerCase() : '');
const scaled = (rng: SeededRandom, [min, max]: readonly [number, number], factor: number): number =>
  Math.round(rng.between(min, max) * factor);

function regularEntries(customer: Customer, culture: Culture, lastDay: number, rng: SeededRandom): Entry[] {
  const words = REGULAR[culture];
  const factor = culture === 'zh' ? 5 : 1;
  const job = text(customer.traits.job);
  const income =
    job === 'retired'
      ? 'pension'
      : job === 'student'
        ? 'allowance'
        : job === 'unemployed'
          ? 'benefit'
          : 'salary';
  const entries: Entry[] = [];
  const payday = Math.min(25, lastDay);
  entries.push({ day: payday, description: words[income], cents: scaled(rng, INCOME[income], factor) });
  if (text(customer.traits.housing) === 'yes') {
    entries.push({
      day: Math.min(1 + rng.int(5), lastDay),
      description: words.mortgage,
      cents: -scaled(rng, HOUSING.mortgage, factor),
    });
  }
  if (text(customer.traits.loan) === 'yes') {
    entries.push({
      day: Math.min(10 + rng.int(5), lastDay),
      description: words.loan,
      cents: -scaled(rng, HOUSING.loan, factor),
    });
  }
  return entries;
}

function everydayEntry(culture: Culture, lastDay: number, rng: SeededRandom): Entry {
  const day = 1 + rng.int(lastDay);
  if (rng.chance(0.06)) {
    const words = REGULAR[culture];
    const description = rng.chance(0.5) ? words.refund : words.transferIn;
    return { day, description, cents: rng.between(500, culture === 'zh' ? 100_000 : 20_000) };
  }
  const [description, min, max] = rng.pick(culture === 'zh' ? ZH_SPENDING : EN_SPENDING);
  return { day, description, cents: -rng.between(min, max) };
}

function accountNumber(id: string, culture: Culture): string {
  const digits = (seed: string, n: number): string => {
    let out = '';
    for (let i = 0; out.length < n; i++) out += String(hash32(`${seed}\u0000${i}`) % 10_000).padStart(4, '0');
    return out.slice(0, n);
  };
  const d = digits(`missive-account-v1\u0000${id}`, 14);
  return culture === 'zh'
    ? `6222${d.slice(0, 12)}`
    : `${d.slice(0, 2)}-${d.slice(2, 4)}-${d.slice(4, 6)} ${d.slice(6, 14)}`;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');
const major = (cents: number): number => cents / 100;

/** The monthly-statement document data for `customer` as of `asOf` (YYYY-MM-DD). */
/**
 * Card and account spending for the 12 months ending with the statement's month (oldest first), for
 * the statement's chart. The last month is this statement's money out; the earlier ones come from
 * their own seeded stream, so adding them left the transactions unchanged.
 */
function spendingSeries(
  customer: Customer,
  asOf: string,
  year: number,
  month: number,
  paidOut: number,
): JsonValue[] {
  const rng = seededRandom('missive-spending-v1', customer.id, asOf);
  const typical = Math.max(20_000, paidOut);
  return Array.from({ length: 12 }, (_, i) => {
    const back = 11 - i;
    const m0 = (year * 12 + (month - 1) - back) % 12;
    const y = Math.floor((year * 12 + (month - 1) - back) / 12);
    const cents = back === 0 ? paidOut : Math.round((typical * rng.between(60, 140)) / 100);
    return { month: `${y}-${pad2(m0 + 1)}-01`, amount: major(cents) };
  });
}

export function buildStatementData(customer: Customer, asOf: string): DocumentData {
  const { year, month, day: lastDay } = parseAsOf(asOf);
  const culture: Culture = /^zh\b/i.test(customer.locale) ? 'zh' : 'en';
  const rng = seededRandom('missive-statement-v1', customer.id, asOf);
  const count = rng.between(8, 60);
  const entries = regularEntries(customer, culture, lastDay, rng);
  while (entries.length < count) entries.push(everydayEntry(culture, lastDay, rng));
  const ordered = entries.map((e, seq) => ({ ...e, seq })).sort((a, b) => a.day - b.day || a.seq - b.seq);

  const balanceTrait = customer.traits.balance;
  const closing =
    typeof balanceTrait === 'number' && Number.isFinite(balanceTrait)
      ? Math.round(balanceTrait * 100)
      : rng.between(10_000, 500_000);
  const sum = ordered.reduce((s, e) => s + e.cents, 0);
  let running = closing - sum;
  const opening = running;
  const transactions: JsonValue[] = ordered.map((e) => {
    running += e.cents;
    const date = `${year}-${pad2(month)}-${pad2(e.day)}`;
    return { date, description: e.description, amount: major(e.cents), balance: major(running) };
  });
  const paidIn = ordered.reduce((s, e) => s + Math.max(0, e.cents), 0);
  const paidOut = ordered.reduce((s, e) => s + Math.max(0, -e.cents), 0);
  const address: JsonValue = customer.address
    ? { ...customer.address, lines: [...customer.address.lines] }
    : null;
  return {
    customer: { id: customer.id, name: customer.name, address },
    account: { number: accountNumber(customer.id, culture), currency: currencyFor(customer.locale) },
    period: { from: `${year}-${pad2(month)}-01`, to: asOf },
    openingBalance: major(opening),
    closingBalance: major(closing),
    totals: { paidIn: major(paidIn), paidOut: major(paidOut) },
    transactions,
    spending: spendingSeries(customer, asOf, year, month, paidOut),
  };
}
