import { type SeededRandom, seededRandom } from '../../src/core/seeded-random.ts';
import { csvCell } from '../feed-writer.ts';

/**
 * A telecom operator's customer master in its own column names, modelled on IBM's well-known
 * "Telco Customer Churn" sample (7,043 customers of a fictional operator): the same 21 columns,
 * values and rough distributions — half on month-to-month contracts, 44 % on fibre, 22 % without
 * internet, tenure from 0 to 72 months, monthly charges from about 18 to 119, TotalCharges blank for
 * the 11 customers who joined this month, about a quarter churned. Generated, not copied: every row
 * is seeded by its position, so the file is the same on every machine.
 */
export const TELCO_COLUMNS = [
  'customerID',
  'gender',
  'SeniorCitizen',
  'Partner',
  'Dependents',
  'tenure',
  'PhoneService',
  'MultipleLines',
  'InternetService',
  'OnlineSecurity',
  'OnlineBackup',
  'DeviceProtection',
  'TechSupport',
  'StreamingTV',
  'StreamingMovies',
  'Contract',
  'PaperlessBilling',
  'PaymentMethod',
  'MonthlyCharges',
  'TotalCharges',
  'Churn',
] as const;

export type TelcoRecord = Record<(typeof TELCO_COLUMNS)[number], string>;

export const TELCO_CUSTOMER_COUNT = 7043;
/** Customers who joined in the current month: tenure 0, TotalCharges blank (as in the IBM set). */
const NEW_CUSTOMERS = 11;

const yesNo = (b: boolean): string => (b ? 'Yes' : 'No');
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** 7590-VHVEG: four digits, a dash, five capitals. */
function customerId(rng: SeededRandom): string {
  let letters = '';
  for (let i = 0; i < 5; i++) letters += LETTERS[rng.int(26)];
  return `${String(rng.int(10_000)).padStart(4, '0')}-${letters}`;
}

function contractOf(rng: SeededRandom, senior: boolean): string {
  const u = rng.next() - (senior ? 0.1 : 0);
  return u < 0.535 ? 'Month-to-month' : u < 0.75 ? 'One year' : 'Two year';
}

/** Months with the operator: short for month-to-month, long for two-year contracts (1–72). */
function tenureOf(rng: SeededRandom, contract: string): number {
  const exp = (mean: number) => Math.floor(-Math.log(1 - rng.next()) * mean);
  if (contract === 'Month-to-month') return rng.chance(0.2) ? 1 + rng.int(2) : Math.min(72, 1 + exp(20));
  if (contract === 'One year') return Math.min(72, Math.max(1, 12 + rng.int(61) - rng.int(12)));
  return rng.chance(0.15) ? 72 : Math.max(1, 72 - exp(18));
}

interface Services {
  phone: boolean;
  multiple: boolean;
  internet: 'DSL' | 'Fiber optic' | 'No';
  extras: Record<'security' | 'backup' | 'protection' | 'support' | 'tv' | 'movies', boolean>;
}

function servicesOf(rng: SeededRandom, senior: boolean): Services {
  const phone = rng.chance(0.903);
  const multiple = phone && rng.chance(0.467);
  const u = rng.next();
  const internet: Services['internet'] = !phone
    ? 'DSL'
    : u < (senior ? 0.62 : 0.46)
      ? 'Fiber optic'
      : u < (senior ? 0.87 : 0.735)
        ? 'DSL'
        : 'No';
  const fibre = internet === 'Fiber optic';
  const on = (dsl: number, fib: number) => internet !== 'No' && rng.chance(fibre ? fib : dsl);
  const tv = on(0.3, 0.64);
  return {
    phone,
    multiple,
    internet,
    extras: {
      security: on(0.48, 0.27),
      backup: on(0.44, 0.44),
      protection: on(0.4, 0.47),
      support: on(0.47, 0.28),
      tv,
      movies: internet !== 'No' && rng.chance(tv ? 0.7 : fibre ? 0.45 : 0.2),
    },
  };
}

/** The operator's price list: line rental, broadband, add-ons, streaming; ±2 % and rounded to 0.05. */
function monthlyCharge(rng: SeededRandom, s: Services): number {
  let price = 0;
  if (s.phone) price += 20 + (s.multiple ? 5 : 0);
  if (s.internet === 'DSL') price += s.phone ? 25 : 30;
  if (s.internet === 'Fiber optic') price += 50;
  const { security, backup, protection, support, tv, movies } = s.extras;
  price += 5 * [security, backup, protection, support].filter(Boolean).length;
  price += 10 * [tv, movies].filter(Boolean).length;
  const varied = price * (0.98 + rng.next() * 0.04) - (s.internet === 'No' ? rng.next() * 1.5 : 0);
  return Math.round(varied * 20) / 20;
}

function paymentMethodOf(rng: SeededRandom, contract: string): string {
  const u = rng.next();
  const check = contract === 'Month-to-month' ? 0.47 : 0.17;
  if (u < check) return 'Electronic check';
  const rest = (u - check) / (1 - check);
  return rest < 0.34 ? 'Mailed check' : rest < 0.67 ? 'Bank transfer (automatic)' : 'Credit card (automatic)';
}

/** Who left last month: month-to-month, fibre, electronic check and short tenure weigh most. */
function churned(rng: SeededRandom, r: { contract: string; fibre: boolean; check: boolean; tenure: number }) {
  let p = r.contract === 'Month-to-month' ? 0.29 : r.contract === 'One year' ? 0.08 : 0.02;
  if (r.fibre) p += 0.1;
  if (r.check) p += 0.08;
  if (r.tenure <= 6) p += 0.15;
  else if (r.tenure >= 48) p -= 0.08;
  return r.tenure > 0 && rng.chance(Math.max(0.01, p));
}

/** The n-th customer (0-based) of the file; `isNew` makes them join this month (tenure 0). */
export function telcoCustomer(n: number, isNew: boolean, used: Set<string>): TelcoRecord {
  const rng = seededRandom('missive-example-telco-v1', String(n));
  let id = customerId(rng);
  while (used.has(id)) id = customerId(rng);
  used.add(id);
  const senior = rng.chance(0.162);
  const partner = rng.chance(senior ? 0.45 : 0.49);
  const dependents = rng.chance(partner ? 0.52 : 0.09);
  const contract = isNew ? (rng.chance(0.6) ? 'Two year' : 'One year') : contractOf(rng, senior);
  const tenure = isNew ? 0 : tenureOf(rng, contract);
  const s = servicesOf(rng, senior);
  const charge = monthlyCharge(rng, s);
  const payment = paymentMethodOf(rng, contract);
  const paperless = rng.chance(s.internet === 'Fiber optic' ? 0.78 : s.internet === 'DSL' ? 0.55 : 0.29);
  const total =
    tenure === 0 ? ' ' : String(Math.round(charge * tenure * (0.96 + rng.next() * 0.08) * 100) / 100);
  const net = (b: boolean) => (s.internet === 'No' ? 'No internet service' : yesNo(b));
  return {
    customerID: id,
    gender: rng.chance(0.505) ? 'Male' : 'Female',
    SeniorCitizen: senior ? '1' : '0',
    Partner: yesNo(partner),
    Dependents: yesNo(dependents),
    tenure: String(tenure),
    PhoneService: yesNo(s.phone),
    MultipleLines: s.phone ? yesNo(s.multiple) : 'No phone service',
    InternetService: s.internet,
    OnlineSecurity: net(s.extras.security),
    OnlineBackup: net(s.extras.backup),
    DeviceProtection: net(s.extras.protection),
    TechSupport: net(s.extras.support),
    StreamingTV: net(s.extras.tv),
    StreamingMovies: net(s.extras.movies),
    Contract: contract,
    PaperlessBilling: yesNo(paperless),
    PaymentMethod: payment,
    MonthlyCharges: charge.toFixed(2),
    TotalCharges: total,
    Churn: yesNo(
      churned(rng, {
        contract,
        fibre: s.internet === 'Fiber optic',
        check: payment === 'Electronic check',
        tenure,
      }),
    ),
  };
}

/** The whole customer file as CSV text (header + `count` rows). */
export function telcoCustomersCsv(count = TELCO_CUSTOMER_COUNT): string {
  const pick = seededRandom('missive-example-telco-new-v1');
  const isNew = new Set<number>();
  while (isNew.size < Math.min(NEW_CUSTOMERS, count)) isNew.add(pick.int(count));
  const used = new Set<string>();
  const lines = [TELCO_COLUMNS.join(',')];
  for (let n = 0; n < count; n++) {
    const record = telcoCustomer(n, isNew.has(n), used);
    lines.push(TELCO_COLUMNS.map((c) => csvCell(record[c])).join(','));
  }
  return `${lines.join('\n')}\n`;
}
