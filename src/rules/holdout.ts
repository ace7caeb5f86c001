import { hash32 } from '../core/seeded-random.ts';

/**
 * The control group: a customer is held out of a campaign when the hash of (campaign, customer)
 * falls in the first `share` of the 32-bit range. Stable across runs and machines (no run id in it),
 * so the same customers stay the control group for the whole campaign, and lift can be measured.
 */
export function isHeldOut(customerId: string, campaign: string, share: number): boolean {
  if (share <= 0) return false;
  if (share >= 1) return true;
  return hash32(`holdout\u0000${campaign}\u0000${customerId}`) / 4294967296 < share;
}
