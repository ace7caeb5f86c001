/**
 * Fills a document's offer slots from candidates ranked best first: one offer per exclusion group
 * (mutually exclusive offers, e.g. two loans), up to `slots` offers. Works on indices into the
 * candidate list so the ranking and the propensity simulation share it without allocating.
 */
export interface SlotOutcome {
  /** Candidate indices in slot order. */
  chosen: number[];
  /** Candidate index → why it was left out ('exclusion-group' | 'slots'), for the others. */
  left: { index: number; rule: 'exclusion-group' | 'slots'; by?: number }[];
}

export function fillSlots(
  order: readonly number[],
  groupOf: (index: number) => string | null,
  slots: number,
): SlotOutcome {
  const chosen: number[] = [];
  const left: SlotOutcome['left'] = [];
  for (const index of order) {
    const group = groupOf(index);
    const clash = group === null ? -1 : chosen.findIndex((c) => groupOf(c) === group);
    if (clash >= 0) left.push({ index, rule: 'exclusion-group', by: chosen[clash] as number });
    else if (chosen.length >= slots) left.push({ index, rule: 'slots' });
    else chosen.push(index);
  }
  return { chosen, left };
}

/** Just the chosen indices (the hot path of the propensity simulation): writes into `out`. */
export function fillSlotsFast(
  order: readonly number[],
  groups: readonly (string | null)[],
  slots: number,
  out: number[],
): number {
  let n = 0;
  for (let k = 0; k < order.length && n < slots; k++) {
    const index = order[k] as number;
    const group = groups[index];
    let clash = false;
    if (group !== null) {
      for (let j = 0; j < n; j++) if (groups[out[j] as number] === group) clash = true;
    }
    if (!clash) out[n++] = index;
  }
  return n;
}
