import type { Traits } from '../../core/types.ts';

/**
 * The simulation's ground truth. The term deposit's outcome is the customer's real recorded `y`
 * (bank-full.csv: subscribed to a term deposit after the campaign call). The data set records no
 * response to the other offers, so they get these documented synthetic rates by segment, chosen to
 * contradict the catalog's priors in places — what a feedback loop must discover:
 *
 * | offer                        | prior mean | true rate                                                  |
 * | ---------------------------- | ---------- | ---------------------------------------------------------- |
 * | credit-card-upgrade          | 9.1 %      | 6 % white-collar jobs, else 2 %                            |
 * | travel-accident-cover        | 6.3 %      | 4 % under 50, else 2 %                                     |
 * | mortgage                     | 3.2 %      | 5 % aged 25–34, else 1.5 %                                 |
 * | personal-loan-consolidation  | 4.8 %      | 6 % blue-collar jobs, else 3 %                             |
 * | education-fund               | 7.7 %      | 1.5 % ("the model says parents like it; the data says no") |
 * | youth-account                | 11.1 %     | 20 % students, else 3 %                                    |
 * | pension-plan                 | 6.7 %      | 8 % aged 50–60, else 3 %                                   |
 * | term-deposit                 | 11.1 %     | the real `y` (0 or 1 per customer; 11.7 % overall)         |
 *
 * A synthetic response is drawn once per (customer, offer) from a seeded uniform, so every policy
 * meets the same customer's same answer (common random numbers: differences between policies are
 * the policies', not the dice's).
 */

const WHITE_COLLAR = new Set(['management', 'admin.', 'technician', 'entrepreneur', 'self-employed']);
const BLUE_COLLAR = new Set(['blue-collar', 'services', 'housemaid']);

/** The probability that this customer takes this offer; the term deposit's is 0 or 1 (`y`). */
export function trueRate(offerId: string, traits: Traits, subscribed: boolean): number {
  const age = Number(traits.age ?? 0);
  const job = String(traits.job ?? '');
  switch (offerId) {
    case 'term-deposit':
      return subscribed ? 1 : 0;
    case 'credit-card-upgrade':
      return WHITE_COLLAR.has(job) ? 0.06 : 0.02;
    case 'travel-accident-cover':
      return age < 50 ? 0.04 : 0.02;
    case 'mortgage':
      return age >= 25 && age <= 34 ? 0.05 : 0.015;
    case 'personal-loan-consolidation':
      return BLUE_COLLAR.has(job) ? 0.06 : 0.03;
    case 'education-fund':
      return 0.015;
    case 'youth-account':
      return job === 'student' ? 0.2 : 0.03;
    case 'pension-plan':
      return age >= 50 && age <= 60 ? 0.08 : 0.03;
    default:
      return 0.02;
  }
}
