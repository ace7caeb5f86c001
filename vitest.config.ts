import { defineConfig } from 'vitest/config';

/**
 * Two groups, one after the other:
 * - `unit` (src/ and test/*.test.ts): pure and in-process, no servers. `isolate: false` lets one
 *   worker keep the modules it imported (pdfkit, fontkit, mjml…) from file to file: importing them
 *   again for each of ~110 files cost more than the tests themselves (387 s → 113 s measured).
 *   Two workers: these tests only use the CPU.
 * - `integration` (test/integration/): real servers started once (test/global-setup.ts), child
 *   processes and Chromium; each file in its own process (a file's leftover clients and timers end
 *   with it), two files at a time: one file keeps a core about 40 % busy — it waits for its child
 *   processes, servers and browser — so a second file uses the other core.
 * - `faults`: the fault-injection files (a full disk, killed channels and workers, SIGTERM, a
 *   watchdog, a full Redis), one at a time after the rest, as they ran before two files shared the
 *   cores. Run next to another file (2026-12-07), disk-full's SMTP sink received 103 e-mails with 99
 *   distinct Message-IDs: 4 sent twice across the disk-full stop and resume when the machine is busy.
 *   That is a product gap to fix (docs/RELIABILITY.md F7), not a test to loosen; alone the
 *   file passes.
 */
const FAULT_FILES = [
  'test/integration/disk-full.test.ts',
  'test/integration/channels-kill.test.ts',
  'test/integration/batch-faults.test.ts',
  'test/integration/worker-sigterm.test.ts',
  'test/integration/worker-watchdog.test.ts',
  'test/integration/redis-full.test.ts',
];

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
          exclude: FAULT_FILES,
          globalSetup: ['test/global-setup.ts'],
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: 'faults',
          include: FAULT_FILES,
          globalSetup: ['test/global-setup.ts'],
          maxWorkers: 1,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
