import type { Kysely } from 'kysely';
import { isMissiveError } from '../core/errors.ts';
import type { Customer } from '../core/types.ts';
import {
  type Catalog,
  type CompiledCatalog,
  type Decision,
  decide,
  loadCustomerHistory,
  loadModel,
  loadPublishedCatalog,
  type ModelSnapshot,
} from '../rules/index.ts';
import { type Database, listRunDecisions, type RunRecord, saveDecisionIfAbsent } from '../store/index.ts';
import { paperInsteadOf } from './run-channels.ts';

/**
 * The rules stage inside a run: one Decision per customer, stored before the document is made, so a
 * retried or resumed run reuses it (the same offers, holdout and channel) and an agent can later
 * answer "why was I offered this?". No published catalog, or a catalog without this communication
 * type, means the run makes documents without decisions (the foundation's behaviour).
 */
export interface RunDecisions {
  /** Decides for the customer and stores the decision (or returns the one stored already). */
  decideFor(customer: Customer, run: RunRecord): Promise<Decision | undefined>;
  /** The decisions stored already for these customers of the run (a resumed chunk reuses them). */
  storedFor(run: RunRecord, customerIds: readonly string[]): Promise<Map<string, Decision>>;
  /**
   * Decides without storing: `save` stores the decision unless one exists, and a run chunk calls it
   * in the transaction that writes the customer's ledger row, so neither exists without the other.
   */
  decideUnsaved(customer: Customer, run: RunRecord): Promise<UnsavedDecision | undefined>;
  /** The published catalog the decisions are made with (offer content lives there), if any. */
  catalog(): Promise<Catalog | undefined>;
}

export interface UnsavedDecision {
  decision: Decision;
  save(trx: Kysely<Database>): Promise<void>;
}

/**
 * A run's decisions: the published catalog and model loaded once, each customer's decision made or read back
 * (a resumed run decides the same).
 */
export function createRunDecisions(db: Kysely<Database>): RunDecisions {
  let context: Promise<{ catalog: CompiledCatalog; model: ModelSnapshot } | undefined> | undefined;
  const load = async () => {
    try {
      return { catalog: await loadPublishedCatalog(db), model: await loadModel(db) };
    } catch (err) {
      if (isMissiveError(err) && err.code === 'MSV_RULES_NOT_PUBLISHED') return undefined;
      throw err;
    }
  };
  const decideUnsaved = async (customer: Customer, run: RunRecord): Promise<UnsavedDecision | undefined> => {
    context ??= load();
    const ctx = await context;
    if (!ctx || !(run.communicationType in ctx.catalog.types)) return undefined;
    // "now" is the run's creation: fixed per run, so a resumed run sees the same windows.
    const now = run.createdAt;
    const history = await loadCustomerHistory(db, customer.id, ctx.catalog, now);
    const decision = decide(customer, {
      asOf: run.asOf,
      now,
      runId: run.id,
      communicationType: run.communicationType,
      catalog: ctx.catalog,
      model: ctx.model,
      history,
      paperInstead: paperInsteadOf(run),
    });
    return {
      decision,
      save: async (trx) => {
        await saveDecisionIfAbsent(trx, decisionRow(run, customer, decision), { readBack: false });
      },
    };
  };
  return {
    decideUnsaved,
    async catalog() {
      context ??= load();
      return (await context)?.catalog.catalog;
    },
    async decideFor(customer, run) {
      const unsaved = await decideUnsaved(customer, run);
      if (!unsaved) return undefined;
      const { stored } = await saveDecisionIfAbsent(db, decisionRow(run, customer, unsaved.decision));
      return stored.decision;
    },
    async storedFor(run, customerIds) {
      context ??= load();
      const ctx = await context;
      if (!ctx || !(run.communicationType in ctx.catalog.types)) return new Map();
      const stored = await listRunDecisions<Decision>(db, run.id, customerIds);
      return new Map([...stored].map(([customerId, d]) => [customerId, d.decision]));
    },
  };
}

function decisionRow(run: RunRecord, customer: Customer, decision: Decision) {
  return {
    runId: run.id,
    customerId: customer.id,
    communicationType: run.communicationType,
    catalogVersion: decision.catalogVersion,
    modelVersion: decision.modelVersion,
    seed: decision.seed,
    holdout: decision.holdout,
    decision,
  };
}
