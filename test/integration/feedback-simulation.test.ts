import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultBankData, loadSimCustomers } from '../../src/feedback/simulation/bank-customers.ts';
import { checkOfflineEvaluation } from '../../src/feedback/simulation/offline-check.ts';
import { simulationJson, simulationSvg, simulationTable } from '../../src/feedback/simulation/plot.ts';
import { type SimCustomer, type SimulationResult, simulate } from '../../src/feedback/simulation/simulate.ts';
import { loadCatalogDirOrThrow } from '../../src/rules/catalog-loader.ts';
import { type CompiledCatalog, compileCatalog } from '../../src/rules/compile.ts';
import { PRIOR_ONLY } from '../../src/rules/ranking.ts';
import { BANK_MAPPING, ROOT } from '../support/stores.ts';

/** The simulation on every 5th customer of bank-full.csv (9,043): seconds, deterministic (seeded). */
describe('simulate: the feedback loop on the bank-marketing outcomes (sample)', () => {
  let dir: string;
  let customers: SimCustomer[];
  let catalog: CompiledCatalog;
  let result: SimulationResult;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-sim-'));
    const lines = fs.readFileSync(defaultBankData(ROOT), 'utf8').trimEnd().split('\n');
    const sample = path.join(dir, 'bank-sample.csv');
    fs.writeFileSync(sample, `${[lines[0], ...lines.slice(1).filter((_, i) => i % 5 === 0)].join('\n')}\n`);
    customers = await loadSimCustomers(sample, BANK_MAPPING);
    catalog = compileCatalog(await loadCatalogDirOrThrow(path.join(ROOT, 'catalogs', 'bank')));
    result = simulate(customers, { catalog, weeks: 6, keepLogs: true });
  });

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('hides y from the engine', () => {
    expect(customers.some((c) => c.subscribed)).toBe(true);
    expect(customers.every((c) => c.customer.traits.subscribedTermDeposit === false)).toBe(true);
  });

  it('the learning model beats static priors significantly, and random; the oracle bounds it', () => {
    const { learning, static: fixed, random, oracle } = result.totals;
    expect(result.totals['segment-oracle'].rate).toBeGreaterThan(learning.rate);
    expect(oracle.rate).toBeGreaterThan(result.totals['segment-oracle'].rate);
    expect(result.weeks[0]?.policies.learning.rate).toBe(result.weeks[0]?.policies.static.rate);
    expect(result.learningVsStatic.difference).toBeGreaterThan(0.01);
    expect(result.learningVsStatic.pValue).toBeLessThan(0.01);
    expect(fixed.rate).toBeGreaterThan(random.rate);
    expect(oracle.rate).toBeGreaterThan(learning.rate);
    expect(new Set(result.weeks.map((w) => w.modelVersion)).size).toBe(6);
    expect(result.weeks[1]?.modelVersion).toMatch(/^stats@/);
  });

  it('plots and serialises the weeks', () => {
    const svg = simulationSvg(result);
    expect(svg.match(/<polyline/g)).toHaveLength(5);
    expect(simulationTable(result)).toContain('learning vs static');
    const json = simulationJson(result);
    expect(json).not.toHaveProperty('logs');
    expect(JSON.parse(JSON.stringify(json)).weeks).toHaveLength(6);
  });

  it('offline evaluation (IPS, SNIPS) of other policies matches the ground truth', () => {
    for (const model of [result.finalModel, PRIOR_ONLY]) {
      const { estimate, truth } = checkOfflineEvaluation(result, { catalog, model });
      expect(estimate.ips.low).toBeLessThanOrEqual(truth);
      expect(estimate.ips.high).toBeGreaterThanOrEqual(truth);
      expect(estimate.snips.low).toBeLessThanOrEqual(truth);
      expect(estimate.snips.high).toBeGreaterThanOrEqual(truth);
      expect(estimate.matched).toBeGreaterThan(estimate.samples / 3);
    }
    const learned = checkOfflineEvaluation(result, { catalog, model: result.finalModel });
    expect(learned.estimate.snips.mean).toBeGreaterThan(learned.estimate.logged.mean);
  });
});
