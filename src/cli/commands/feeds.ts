import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { parseAsOf } from '../../core/as-of.ts';
import type { ErrorCode } from '../../core/errors.ts';
import {
  type FeedLoadSummary,
  feedsNeeded,
  listDataSources,
  loadDataSource,
  loadFeed,
  RejectReportWriter,
  requireDataSource,
} from '../../customers/index.ts';
import { listFeedLoads } from '../../store/index.ts';
import { decideExit, EXIT_OK, EXIT_PARTIAL, parseRate } from '../exit-codes.ts';
import { createProgressBar, estimateRows } from '../progress-bar.ts';
import type { Runtime } from '../runtime.ts';
import { withRuntime } from '../with-runtime.ts';

interface LoadOptions {
  asOf: string;
  rejects?: string;
  maxRejectRate?: string;
}

export function registerFeedsCommands(program: Command): void {
  const feeds = program
    .command('feeds')
    .description("Data feeds: the organisation's extracts (accounts, transactions, usage…) per as-of period");
  feeds
    .command('load')
    .description(
      'Load an extract into a feed of a data source for an as-of period (same file twice: no change)',
    )
    .argument('<datasource>', 'data source = communication type, e.g. monthly-statement')
    .argument('<feed>', 'feed of the data source, e.g. transactions')
    .argument('<file>', 'the extract (CSV or NDJSON; a FILE.ctl beside it carries its control totals)')
    .requiredOption('--as-of <date>', 'the period the file is for, YYYY-MM-DD')
    .option('--rejects <file>', 'where to write the reject report (default: the data folder)')
    .option(
      '--max-reject-rate <rate>',
      'exit 0 when at most this share of rows was refused, e.g. 0.5% or 0.005',
    )
    .addHelpText(
      'after',
      '\nExit codes: 0 every row loaded and the control totals match; 3 some rows were refused or orphans,\nor the control totals differ; 1 the file could not be loaded; 2 bad usage.',
    )
    .action(async (name: string, feed: string, file: string, opts: LoadOptions) => {
      const asOf = parseAsOf(opts.asOf);
      const maxRate = parseRate('--max-reject-rate', opts.maxRejectRate);
      await withRuntime(async (rt) => {
        const { summary, reportLine } = await loadFeedFile(rt, {
          datasource: name,
          feed,
          file,
          asOf,
          rejects: opts.rejects,
        });
        process.stdout.write(formatLoadSummary(summary, reportLine));
        const rejects = decideExit({
          total: summary.records,
          bad: summary.rejected,
          maxRate,
          option: '--max-reject-rate',
          what: 'rows refused',
        });
        // Orphans and a control mismatch are never "a known level": the period is not right.
        const reasons = [
          rejects.reason,
          summary.orphans.count > 0 ? `${summary.orphans.count} orphan row(s)` : '',
          summary.control.status === 'mismatch' ? 'the control totals do not match' : '',
        ].filter(Boolean);
        const partial =
          rejects.code !== EXIT_OK || summary.orphans.count > 0 || summary.control.status === 'mismatch';
        if (reasons.length > 0)
          process.stdout.write(`exit ${partial ? EXIT_PARTIAL : EXIT_OK}: ${reasons.join('; ')}\n`);
        if (partial) process.exitCode = EXIT_PARTIAL;
      });
    });
  feeds
    .command('status')
    .description(
      'What is loaded, per data source, feed and period, with rows, rejects, orphans and control totals',
    )
    .option('--as-of <date>', 'only this period')
    .option('--datasource <name>', 'only this data source')
    .action(async (opts: { asOf?: string; datasource?: string }) => {
      const asOf = opts.asOf === undefined ? undefined : parseAsOf(opts.asOf);
      await withRuntime(async (rt) => {
        const loads = await listFeedLoads(rt.store.db, {
          ...(asOf ? { asOf } : {}),
          ...(opts.datasource ? { datasource: opts.datasource } : {}),
        });
        const lines = [
          [
            'DATA SOURCE',
            'FEED',
            'AS OF',
            'ROWS',
            'REJECTED',
            'ORPHANS',
            'CONTROL',
            'FILE',
            'LOADED AT (UTC)',
          ],
        ];
        for (const l of loads) {
          lines.push([
            l.datasource,
            l.feed,
            l.asOf,
            l.rows.toLocaleString('en-GB'),
            String(l.rejected),
            String(l.orphans),
            l.controlStatus === 'mismatch' ? `MISMATCH: ${l.controlDetail}` : l.controlStatus,
            l.fileName,
            (l.finishedAt ?? l.startedAt).slice(0, 19).replace('T', ' '),
          ]);
        }
        const missing = await missingFeeds(rt.config.datasourcesDir, loads, asOf, opts.datasource);
        process.stdout.write(loads.length === 0 ? 'no feeds loaded\n' : table(lines));
        for (const m of missing) process.stdout.write(`not loaded: ${m}\n`);
      });
    });
  const sources = program
    .command('datasources')
    .description(
      'Data sources: which feeds each communication type reads (datasources/<type>/datasource.yaml)',
    );
  sources
    .command('list')
    .description('The data sources and their feeds')
    .action(async () => {
      await withRuntime(async (rt) => {
        const dir = rt.config.datasourcesDir;
        const names = await listDataSources(dir);
        if (names.length === 0) process.stdout.write(`no data sources in ${dir}\n`);
        for (const name of names) {
          const ds = await requireDataSource(dir, name);
          process.stdout.write(`${name}: ${ds.spec.description ?? ''}\n`);
          for (const feed of ds.feedOrder) {
            const f = ds.spec.feeds[feed]!;
            const key = f.key ? `, key ${f.key}` : '';
            process.stdout.write(
              `  ${feed}${f.required ? ' (required)' : ''}: ${f.parent} → ${f.parentKey}${key}${f.file ? `, files ${f.file}` : ''}\n`,
            );
          }
        }
      });
    });
}

/**
 * Loads one extract with a progress bar and a reject report in the data folder (removed again when
 * nothing was refused, unless a path was asked for): `missive feeds load` and the demo.
 */
export async function loadFeedFile(
  rt: Runtime,
  request: { datasource: string; feed: string; file: string; asOf: string; rejects?: string | undefined },
): Promise<{ summary: FeedLoadSummary; reportLine: string }> {
  const { datasource: name, feed, file, asOf } = request;
  const datasource = await requireDataSource(rt.config.datasourcesDir, name);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const reportPath =
    request.rejects ?? path.join(rt.config.dataDir, 'rejects', `${path.basename(file)}.${stamp}.rejects.csv`);
  fs.mkdirSync(path.dirname(reportPath), { recursive: true });
  const report = await RejectReportWriter.open(reportPath);
  const bar = createProgressBar({ label: `loading ${name}/${feed}`, unit: 'rows', countFrom: 0 });
  let summary: FeedLoadSummary;
  try {
    summary = await loadFeed({
      db: rt.store.db,
      datasource,
      feed,
      file,
      asOf,
      onReject: (r) => report.write(r),
      onProgress: (p) => {
        const { total, estimated } = estimateRows(p);
        bar.update(p.rows, total, { rejected: p.rejected }, estimated);
      },
    });
    bar.finish(summary.records, summary.records, { rejected: summary.rejected });
  } finally {
    bar.stop();
    await report.close();
  }
  if (summary.rejected === 0 && !request.rejects) {
    fs.rmSync(reportPath, { force: true });
    return { summary, reportLine: '' };
  }
  return { summary, reportLine: `reject report: ${reportPath}` };
}

/** For the periods shown, the feeds data sources need that have no load. */
async function missingFeeds(
  dir: string,
  loads: readonly { datasource: string; feed: string; asOf: string }[],
  asOf: string | undefined,
  only: string | undefined,
): Promise<string[]> {
  const out: string[] = [];
  for (const name of only ? [only] : await listDataSources(dir)) {
    const ds = await loadDataSource(dir, name).catch(() => undefined);
    if (!ds) continue;
    const periods = asOf
      ? [asOf]
      : [...new Set(loads.filter((l) => l.datasource === name).map((l) => l.asOf))];
    for (const period of periods) {
      for (const feed of feedsNeeded(ds)) {
        if (!loads.some((l) => l.datasource === name && l.feed === feed && l.asOf === period)) {
          out.push(`${name} ${feed} for ${period}`);
        }
      }
    }
  }
  return out;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return `${rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
}

export function formatLoadSummary(s: FeedLoadSummary, reportLine: string): string {
  const lines: string[] = [];
  const what = `${s.datasource}/${s.feed} for ${s.asOf}`;
  if (s.outcome === 'unchanged') {
    lines.push(
      `${what}: ${path.basename(s.file)} is already loaded (${s.rows.toLocaleString('en-GB')} rows): nothing changed`,
    );
  } else {
    const verb = s.outcome === 'replaced' ? 'replaced the period with' : 'loaded';
    const rate =
      s.seconds > 0
        ? ` in ${s.seconds.toFixed(1)} s (${Math.round(s.records / s.seconds).toLocaleString('en-GB')} rows/s)`
        : '';
    lines.push(
      `${what}: ${verb} ${s.rows.toLocaleString('en-GB')} of ${s.records.toLocaleString('en-GB')} rows from ${path.basename(s.file)}${rate}`,
    );
  }
  if (s.rejected > 0) {
    lines.push(`rejected: ${s.rejected} row(s)`);
    for (const r of s.rejects.slice(0, 10))
      lines.push(`  line ${r.line}${r.field ? ` ${r.field}` : ''}: ${r.reason} (${r.code})`);
    if (s.rejected > 10) lines.push('  …');
  }
  if (s.orphans.count > 0) {
    const code: ErrorCode = 'MSV_FEED_ORPHAN';
    lines.push(`orphans: ${s.orphans.count} row(s) whose parent does not exist (${code})`);
    for (const o of s.orphans.sample.slice(0, 10))
      lines.push(`  line ${o.line}: parent key ${o.parentKey} not found`);
    if (s.orphans.count > 10) lines.push('  …');
  }
  if (s.control.status === 'none') lines.push('control totals: none given (no .ctl file)');
  else if (s.control.status === 'ok') lines.push(`control totals: match (${path.basename(s.control.file)})`);
  else
    lines.push(
      `control totals: MISMATCH (${path.basename(s.control.file)}): ${s.control.detail} — runs for ${s.asOf} are refused until a corrected file is loaded`,
    );
  if (reportLine) lines.push(reportLine);
  return `${lines.join('\n')}\n`;
}
