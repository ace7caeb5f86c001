import { defineConfig } from 'vitest/config';

/**
 * Two groups, one after the other:
 * - `unit` (src/ and test/*.test.ts): pure and in-process, no servers. `isolate: false` lets one
 *   worker keep the modules it imported (pdfkit, fontkit, mjml…) from file to file: importing them
 *   again for each of ~110 files cost more than the tests themselves (387 s → 113 s measured).
 *   Two workers: these tests only use the CPU.
 * - `integration` (test/integration/): real servers started once (test/global-setup.ts), child
 *   processes and Chromium; two files at a time: one file keeps a core about 40 % busy — it waits for
 *   its child processes, servers and browser — so a second file uses the other core. Each of the two
 *   workers also keeps its imports from file to file (`isolate: false`): importing the app (fastify,
 *   pdfkit, MJML, BullMQ…) again for each file was most of the API, portal and studio files' time —
 *   their 22 files took 207 s (import 158 s, CPU 131 s) isolated and 102 s (import 34 s, CPU 64 s)
 *   this way, all passing, 2026-12-07 at load 7–11; the whole project, 587 tests, passed so at load
 *   7–12 with import 39 s in all. Files isolate what they share themselves: unique
 *   queue prefixes and schemas, temporary folders, environment variables restored in afterAll.
 *   The fault-injection files (a full disk, killed channels and workers, SIGTERM, a watchdog, a full
 *   Redis) run among them. They ran one at a time from d4f2151 until b6d83bf: beside another file,
 *   disk-full's SMTP sink had received 4 of 103 e-mails twice — a stop that closed the send journal
 *   under sends already accepted (docs/RELIABILITY.md F7, test/integration/dispatch-stop.test.ts).
 *   After the fix the six files passed two at a time at load 9–10 (9 tests, 2026-12-07).
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
          isolate: false,
          globalSetup: ['test/global-setup.ts'],
          // Two files share the two cores with their servers, CLI processes and browsers: a test that
          // takes 30 s alone can take 70 s beside a heavy one. A hang still ends in two minutes.
          testTimeout: 120_000,
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
