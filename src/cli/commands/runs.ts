import type { Command } from 'commander';
import {
  buildRunReport,
  cancelRun,
  formatRunReport,
  pauseRun,
  resumeRun,
  retryFailed,
} from '../../batch/index.ts';
import { csvCell } from '../../core/csv-cell.ts';
import { MissiveError } from '../../core/errors.ts';
import {
  getRun,
  listPrintStreams,
  listRunFailures,
  listRuns,
  type PrintStreamRecord,
  type RunRecord,
  summarizeRunCommunications,
} from '../../store/index.ts';
import { formatRunList } from '../run-list.ts';
import { withRuntime } from '../with-runtime.ts';

export function registerRunsCommands(program: Command): void {
  const runs = program.command('runs').description('Runs: list, show, pause, resume, cancel, retry-failed');
  registerRunControl(runs);
  runs
    .command('report')
    .description(
      'The run report: counts per channel and status, reconciliation, suppressions, offers, print, throughput',
    )
    .argument('<run-id>')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { json?: boolean }) => {
      await withRuntime(async (rt) => {
        const report = await buildRunReport(rt.store.db, id);
        process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : formatRunReport(report));
      });
    });
  runs
    .command('failures')
    .description(
      "The run's failure list as CSV (line, field, customer, stage, code, reason): what to fix and retry",
    )
    .argument('<run-id>')
    .option('--stage <stage>', 'only this stage: input, decide, render, archive, dispatch')
    .action(async (id: string, opts: { stage?: string }) => {
      await withRuntime(async (rt) => {
        if (!(await getRun(rt.store.db, id))) throw new MissiveError('MSV_RUN_NOT_FOUND', `no run ${id}`);
        const failures = await listRunFailures(rt.store.db, id, { stage: opts.stage, limit: 10_000_000 });
        process.stdout.write('line,field,customer,stage,code,reason\n');
        for (const f of failures) {
          const cells = [f.line ?? '', f.field ?? '', f.customerId, f.stage, f.code, f.reason];
          process.stdout.write(`${cells.map(csvCell).join(',')}\n`);
        }
      });
    });
  runs
    .command('list')
    .description('List runs, newest first')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      await withRuntime(async (rt) => {
        const rows = await listRuns(rt.store.db);
        if (opts.json) return void process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        process.stdout.write(rows.length === 0 ? 'no runs yet: try `missive demo`\n' : formatRunList(rows));
      });
    });
  runs
    .command('show')
    .description('Show one run: counts by status, pages, bytes and the first failures')
    .argument('<run-id>')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { json?: boolean }) => {
      await withRuntime(async (rt) => {
        const run = await getRun(rt.store.db, id);
        if (!run) throw new MissiveError('MSV_RUN_NOT_FOUND', `no run ${id}`);
        const summary = await summarizeRunCommunications(rt.store.db, id);
        const failures = await listRunFailures(rt.store.db, id);
        const printStreams = await listPrintStreams(rt.store.db, id);
        const report = await buildRunReport(rt.store.db, id);
        if (opts.json)
          return void process.stdout.write(
            `${JSON.stringify({ run: { ...run, report: undefined }, summary, failures, printStreams, report }, null, 2)}\n`,
          );
        process.stdout.write(
          `${[
            `run ${run.id}: ${run.communicationType} as of ${run.asOf}, ${run.status}`,
            `  template version ${run.templateVersionId}`,
            run.supersededBy ? `  superseded by run ${run.supersededBy} (${run.supersededAt})` : '',
            `  customers ${run.customersTotal ?? '?'}; ${
              Object.entries(summary.byStatus)
                .map(([s, n]) => `${s} ${n}`)
                .join(', ') || 'nothing yet'
            }`,
            `  pages ${summary.pages}, bytes ${summary.bytes}`,
            `  reconciliation: ${report.reconciliation.balanced ? 'balanced' : `NOT BALANCED (${report.reconciliation.problems.join('; ')})`}; ${report.reconciliation.customersNotProcessed} not processed (missive runs report ${id})`,
            ...printStreamLines(printStreams),
            ...failures
              .slice(0, 20)
              .map((f) =>
                f.line === null
                  ? `  failed ${f.customerId} at ${f.stage}: ${f.reason} [${f.code}]`
                  : `  refused line ${f.line}${f.customerId ? ` (customer ${f.customerId})` : ''}: ${f.reason} [${f.code}]`,
              ),
            failures.length > 20 ? `  … and ${failures.length - 20} more (--json for all)` : '',
          ]
            .filter(Boolean)
            .join('\n')}\n`,
        );
      });
    });
}

/**
 * Pause, resume, cancel and retry-failed act on the store only (src/batch/run-control.ts): the
 * workers — `missive worker` or a foreground `missive run` — see the change between customers.
 */
function registerRunControl(runs: Command): void {
  const say = (run: RunRecord, extra = ''): void => {
    process.stdout.write(`run ${run.id}: ${run.status}${extra}\n`);
  };
  runs
    .command('pause')
    .description('Pause a run: workers stop between customers; resume continues where it stopped')
    .argument('<run-id>')
    .action(async (id: string) => withRuntime(async (rt) => say(await pauseRun(rt.store.db, id))));
  runs
    .command('resume')
    .description(
      'Resume a paused run: it is planned again (only what is undone) by the next worker or `missive run`',
    )
    .argument('<run-id>')
    .action(async (id: string) =>
      withRuntime(async (rt) =>
        say(
          await resumeRun(rt.store.db, id),
          ' (start `missive worker`, or `missive run` again, to process it)',
        ),
      ),
    );
  runs
    .command('cancel')
    .description('Cancel a run: customers not yet processed are left out, queued sends are dropped')
    .argument('<run-id>')
    .action(async (id: string) => withRuntime(async (rt) => say(await cancelRun(rt.store.db, id))));
  runs
    .command('retry-failed')
    .description(
      "Re-run only the run's failures (render failures, sends given up); nothing sent is sent again",
    )
    .argument('<run-id>')
    .action(async (id: string) =>
      withRuntime(async (rt) => {
        const r = await retryFailed(rt.store.db, id);
        say(
          r.run,
          `; to redo: ${r.rerender} documents, ${r.resend} sends, ${r.refallback} fallback prints (start \`missive worker\`, or \`missive run\` again)`,
        );
      }),
    );
}

/** One line per set of print stream options: files, documents, pages and sheets sent to the print house. */
function printStreamLines(streams: PrintStreamRecord[]): string[] {
  const byOptions = new Map<string, PrintStreamRecord[]>();
  for (const s of streams) {
    const files = byOptions.get(s.optionsKey) ?? [];
    files.push(s);
    byOptions.set(s.optionsKey, files);
  }
  return [...byOptions.values()].map((files) => {
    const sum = (k: 'documents' | 'pages' | 'physicalPages' | 'sheets') =>
      files.reduce((n, f) => n + f[k], 0);
    const o = files[0]!.options;
    return `  print streams (${o.duplex ? 'duplex' : 'simplex'}, ${o.marks}${o.householding ? ', householding' : ''}): ${files.length} files, ${sum('documents')} documents, ${sum('pages')} pages (${sum('physicalPages')} printed), ${sum('sheets')} sheets`;
  });
}
