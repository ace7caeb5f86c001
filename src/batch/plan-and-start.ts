import type { FlowProducer, Queue } from 'bullmq';
import { createRunBrands } from '../archive/index.ts';
import { SHIPPED_DATASOURCES_DIR } from '../core/config.ts';
import { type RunRecord, setRunTotal, transitionRunStatus } from '../store/index.ts';
import type { BatchDeps } from './batch-deps.ts';
import { planRun } from './planner.ts';
import type { RenderChunkJob } from './queues.ts';
import { explainRedisError } from './redis-connection.ts';
import { prepareRunData } from './run-data.ts';
import { createRunDecisions } from './run-decisions.ts';
import { prepareRunSource } from './run-source.ts';
import { createTemplateCache } from './template-cache.ts';

/**
 * Plans the run under its plan generation (re-planning adds no chunk twice), records its customer
 * count and moves it to `running` — unless it was paused or cancelled meanwhile. Used by the
 * foreground run (execute-run.ts) and by `missive worker`'s coordinator (run-coordinator.ts).
 *
 * Throws what `prepareRunData` throws when the run's data is not ready (the run is then `failed`),
 * and Redis errors explained (`explainRedisError`).
 */
export async function planAndStart(
  deps: Pick<BatchDeps, 'db' | 'logger' | 'chunkSize' | 'datasourcesDir'> & Partial<Pick<BatchDeps, 'blobs'>>,
  queue: Queue<RenderChunkJob>,
  run: RunRecord,
  flow?: FlowProducer,
  options: { prepared?: boolean } = {},
): Promise<{ customers: number; chunks: number }> {
  if (!options.prepared) await prepareRunSource(deps.db, run);
  await prepareData(deps, run);
  if (deps.blobs) await pinBrand({ ...deps, blobs: deps.blobs }, run);
  const plan = await planRun(deps.db, queue, run, deps.chunkSize, run.generation, flow).catch(
    (err: unknown) => {
      throw explainRedisError(err);
    },
  );
  await setRunTotal(deps.db, run.id, plan.customers);
  await transitionRunStatus(deps.db, run.id, ['planning', 'running', 'failed', 'completed'], 'running');
  deps.logger.info(
    { runId: run.id, customers: plan.customers, chunks: plan.chunks, generation: run.generation },
    'run planned',
  );
  return plan;
}

/**
 * The run's document data must be obtainable before any chunk is planned: its data source meets the
 * template's contract and its feeds are loaded for the period (src/batch/run-data.ts). When not, the
 * run is marked failed (nothing was touched; planning it again after the feeds are loaded resumes it)
 * and the reason is thrown.
 */
async function prepareData(deps: Pick<BatchDeps, 'db' | 'logger' | 'datasourcesDir'>, run: RunRecord) {
  try {
    const template = await createTemplateCache(deps.db).get(run.templateVersionId);
    await prepareRunData(deps.db, run, template, deps.datasourcesDir ?? SHIPPED_DATASOURCES_DIR);
  } catch (err) {
    deps.logger.warn(
      { runId: run.id, code: (err as { code?: string }).code },
      'run refused: its data is not ready',
    );
    await transitionRunStatus(deps.db, run.id, ['planning'], 'failed');
    throw err;
  }
}

/**
 * The run keeps the brand version of its start: pinned on the run now (archive/run-brand.ts), so a
 * brand change approved while it waits for workers reaches only runs started later. A brand that
 * cannot be read is left to the first chunk, which fails its customers with the reason as before.
 */
async function pinBrand(deps: Pick<BatchDeps, 'db' | 'blobs' | 'logger'>, run: RunRecord): Promise<void> {
  try {
    const catalog = await createRunDecisions(deps.db).catalog();
    await createRunBrands(deps.blobs, undefined, deps.db).forRun(run, catalog);
  } catch (err) {
    deps.logger.warn(
      { runId: run.id, code: (err as { code?: string }).code },
      'run brand not pinned at start',
    );
  }
}
