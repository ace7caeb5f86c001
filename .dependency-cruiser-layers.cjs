// The layer order of src/ (issue 23), read by .dependency-cruiser.cjs (import rules),
// .dependency-cruiser-light.cjs (start-up guard) and test/dependency-rules.test.ts (which also checks that
// docs/ARCHITECTURE.md "Layers" lists the same order).

/** Stage folders of src/, bottom layer first; folders in one inner list are siblings of one layer. */
const LAYERS = [
  ['core'],
  ['store'],
  ['customers', 'templates'],
  ['render', 'rules'],
  ['archive'],
  ['channels', 'feedback', 'studio'],
  ['batch'],
  ['on-demand', 'portal'],
  ['api'],
  ['cli'],
];

/**
 * A stage's entry points: `index.ts`, its light public surface, and for stages with modules that load
 * heavy packages `heavy.ts`, which light code imports with `await import()`; batch's Redis connection
 * (ioredis) has `redis.ts`, so the commands that need queues load no renderer. One start-up entry:
 * every CLI command opens the filesystem archive (cli/runtime.ts), and archive/index.ts would load the
 * whole archive stage and the stages below it (some 200 modules) before the quickest command.
 */
const ENTRY_POINTS = [
  '^src/[^/]+/(index|heavy)\\.ts$',
  '^src/batch/redis\\.ts$',
  '^src/archive/fs-blob-store\\.ts$',
];

/** npm packages that cost start-up time: an `index.ts` entry point must not load them. */
const HEAVY_PACKAGES = [
  'pdfkit',
  'mjml',
  'playwright-core',
  'bullmq',
  'ioredis',
  'fastify',
  '@fastify',
  '@aws-sdk',
  'twilio',
  'nodemailer',
  'fontkit',
  'pdf-lib',
  'bwip-js',
  'smtp-server',
  'mailparser',
  'prom-client',
];

module.exports = { LAYERS, ENTRY_POINTS, HEAVY_PACKAGES };
