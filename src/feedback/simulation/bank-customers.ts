import fs from 'node:fs';
import path from 'node:path';
import type { Customer } from '../../core/types.ts';
import { importCustomers } from '../../customers/index.ts';
import type { SimCustomer } from './simulate.ts';

/**
 * The bank-marketing customers for the simulation, through the ordinary import stage and mapping,
 * then prepared: `y` (mapped to the trait `subscribedTermDeposit`) is taken out of what the engine
 * sees and kept as the ground truth; every customer gets e-mail marketing consent (the identities,
 * and so the consents, are synthetic anyway) so that every customer takes part in the campaigns.
 */
export async function loadSimCustomers(file: string, mapping: string): Promise<SimCustomer[]> {
  const out: SimCustomer[] = [];
  await importCustomers({
    file,
    mapping,
    sink: async (batch) => {
      for (const c of batch) out.push(prepare(c));
      return { inserted: batch.length, updated: 0, unchanged: 0 };
    },
  });
  return out;
}

export function prepare(customer: Customer): SimCustomer {
  const subscribed = customer.traits.subscribedTermDeposit === true;
  return {
    subscribed,
    customer: {
      ...customer,
      traits: { ...customer.traits, subscribedTermDeposit: false },
      consent: { ...customer.consent, email: { service: true, marketing: true } },
      email: customer.email ?? `${customer.id}@example.test`,
    },
  };
}

/** bank-full.csv beside the project (`../shared/data/bank-marketing`), also from a git worktree one level deeper. */
export function defaultBankData(projectRoot: string): string {
  const candidates = [
    path.join(projectRoot, '..', 'shared', 'data', 'bank-marketing', 'bank-full.csv'),
    path.join(projectRoot, '..', '..', 'shared', 'data', 'bank-marketing', 'bank-full.csv'),
  ];
  return candidates.find((c) => fs.existsSync(c)) ?? (candidates[0] as string);
}
