import { relative } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

/** How many of the slowest files and tests the run's end lists. */
const SLOWEST_FILES = 15;
const SLOWEST_TESTS = 10;

/**
 * Ends the run with one plain line, "tests: N passed, N failed, N skipped", that any CI log reader
 * understands, after vitest's own report. Below it, where the time went: the slowest test files
 * (wall time of the file: import, hooks and tests, with its project) and the slowest tests, so every
 * CI log shows which files to look at when the suite grows slower.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    const files: Array<{ name: string; seconds: number }> = [];
    const tests: Array<{ name: string; seconds: number }> = [];
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') counts.passed += 1;
        else if (state === 'failed') counts.failed += 1;
        else counts.skipped += 1;
        const duration = test.diagnostic()?.duration;
        if (duration !== undefined) {
          tests.push({ name: `${fileName(module)} > ${test.fullName}`, seconds: duration / 1000 });
        }
      }
      if (module.state() === 'failed' && [...module.children.allTests()].length === 0) counts.failed += 1;
      const diagnostic = module.diagnostic();
      // Import (collect) plus setup plus tests and hooks: what the file held a worker for.
      const seconds = (diagnostic.collectDuration + diagnostic.setupDuration + diagnostic.duration) / 1000;
      files.push({ name: `${fileName(module)} [${module.project.name}]`, seconds });
    }
    process.stdout.write(
      `\ntests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`,
    );
    process.stdout.write(table(`slowest ${SLOWEST_FILES} test files`, files, SLOWEST_FILES));
    process.stdout.write(table(`slowest ${SLOWEST_TESTS} tests`, tests, SLOWEST_TESTS));
  }
}

function fileName(module: TestModule): string {
  return relative(process.cwd(), module.moduleId);
}

function table(title: string, rows: Array<{ name: string; seconds: number }>, count: number): string {
  const slowest = [...rows].sort((a, b) => b.seconds - a.seconds).slice(0, count);
  if (slowest.length === 0) return '';
  const lines = slowest.map((row) => {
    const name = row.name.length > 140 ? `${row.name.slice(0, 139)}…` : row.name;
    return `${row.seconds.toFixed(1).padStart(7)} s  ${name}`;
  });
  return `\n${title}:\n${lines.join('\n')}\n`;
}
