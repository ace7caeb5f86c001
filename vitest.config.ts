import { defineConfig } from 'vitest/config';

/**
 * Two groups, one after the other:
 * - `unit` (src/ and test/*.test.ts): pure and in-process, no servers. `isolate: false` lets one
 *   worker keep the modules it imported (pdfkit, fontkit, mjml…) from file to file: importing them
 *   again for each of ~110 files cost more than the tests themselves (387 s → 113 s measured).
 *   Two workers: these tests only use the CPU.
 * - `integration` (test/integration/): real servers started once (test/global-setup.ts), child
 *   processes and Chromium; one file at a time (they start processes and browsers that need the
 *   cores), in one worker that also keeps its imports (15 API files: import 160 s → 21 s, all
 *   passing). Files already isolate what they share: unique queue prefixes and schemas, temporary
 *   folders, environment variables restored in afterAll.
 */
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default', './test/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'test/*.test.ts'],
          isolate: false,
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/global-setup.ts'],
          isolate: false,
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
