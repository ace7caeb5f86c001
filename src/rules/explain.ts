import type { Decision } from './decision.ts';

/**
 * A decision in words, for `missive decide` and for the agent who is asked "why was I offered
 * this?". `names` gives offer names in the customer's locale where known.
 */
export function explainDecision(d: Decision, names: Readonly<Record<string, string>> = {}): string[] {
  const name = (id: string) => (names[id] ? `${id} (${names[id]})` : id);
  const lines = [
    `decision for customer ${d.customerId} — ${d.communicationType} (${d.purpose}) as of ${d.asOf}`,
    `  run ${d.runId}, catalog ${d.catalogVersion}, model ${d.modelVersion}, seed ${d.seed}`,
    `  segment ${d.segment}${d.segments.length ? `; member of ${d.segments.join(', ')}` : ''}`,
  ];
  if (d.suppressed) {
    lines.push(`  NOT SENT: ${d.suppressed.rule} — ${d.suppressed.reason}`);
  } else {
    lines.push(`  channel ${d.channel}: ${d.channelReason}`);
  }
  for (const t of d.channelsTried) lines.push(`    ${t.ok ? '✓' : '✗'} ${t.channel}: ${t.reason}`);
  if (d.holdout) lines.push('  holdout: yes — control group, no offers (lift is measured against it)');
  if (d.offersSuppressed && !d.suppressed) {
    lines.push(`  no offers: ${d.offersSuppressed.rule} — ${d.offersSuppressed.reason}`);
  }
  if (d.offers.length > 0) lines.push('  offers chosen:');
  for (const o of d.offers) {
    lines.push(
      `    slot ${o.slot + 1}: ${name(o.offerId)} score ${o.score.toFixed(4)} (sampled rate ${o.sample.toFixed(4)} ` +
        `from Beta(${fmt(o.posterior.alpha)}, ${fmt(o.posterior.beta)})), chosen with probability ${o.propensity.toFixed(3)}`,
    );
  }
  if (d.rejected.length > 0) lines.push('  offers not chosen:');
  for (const r of d.rejected) {
    lines.push(`    ${name(r.offerId)}: ${r.rule}${r.path ? ` at ${r.path}` : ''} — ${r.reason}`);
  }
  return lines;
}

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2));
