/**
 * The batch stage's modules that load heavy packages (pdfkit, MJML, BullMQ, fastify, nodemailer, Twilio,
 * the AWS SDK…). Import this file statically only from code that loads them anyway; light code (the CLI's
 * quick commands) imports it with `await import()`, so `missive --help` and `customers show` stay fast.
 */
export { STAGE_QUEUES, type StageQueue, startBatchStages } from './batch-stages.ts';
export { executeRun, type RunOutcome } from './execute-run.ts';
export { createRenderQueue, quiet } from './queues.ts';
export { startRunCoordinator } from './run-coordinator.ts';
export { prepareRunData } from './run-data.ts';
export { createTemplateCache, type TemplateCache } from './template-cache.ts';
export { createRenderChunkDeps } from './workers/chunk-deps.ts';
export { processRenderChunk, recordCustomerFailure } from './workers/render-chunk.ts';
