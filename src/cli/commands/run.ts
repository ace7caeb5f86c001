import type { Command } from 'commander';
import type { Kysely } from 'kysely';
import { executeRun } from '../../batch/heavy.ts';
import {
  claimRunPeriod,
  type PeriodClaim,
  paperInsteadSummary,
  type RunSourceSpec,
  readRunTiming,
  resolveRun,
  runIdFor,
  sourceKeyFor,
} from '../../batch/index.ts';
import { parseAsOf } from '../../core/as-of.ts';
import { MissiveError } from '../../core/errors.ts';
import type { ChannelKind } from '../../core/types.ts';
import type { RunType } from '../../rules/index.ts';
import { countCustomers, type Database, getRun } from '../../store/index.ts';
import { EXIT_OK, parseRate } from '../exit-codes.ts';
import { formatImportSummary, importWithProgress } from '../import-with-progress.ts';
import { runExit, runFailureTally } from '../run-exit.ts';
import { batchDeps, formatChannelSummary, formatRunSummary, runWithProgress } from '../run-with-progress.ts';
import { withQueueRuntime } from '../with-runtime.ts';

/** The first line of a run: what the type is and which template version it renders. */
export function describeRunType(runType: RunType, version: number, missing: readonly ChannelKind[]): string {
  const what =
    runType.kind === 'catalog'
      ? `${runType.type}: ${runType.purpose} communication of catalog ${runType.catalog}, template ${runType.template} v${version}`
      : `${runType.type}: service document (not in the published catalog: no decisions, no offers), template ${runType.template} v${version}`;
  const note =
    missing.length > 0
      ? `\n  note: template ${runType.template} has no ${missing.join(', ')} channel; customers whose decision picks it get print`
      : '';
  return `${what}${note}\n`;
}

interface RunCommandOptions {
  maxFailureRate?: string;
  all?: boolean;
  customers?: string;
  mapping?: string;
  format?: string;
  delimiter?: string;
  segment?: string;
  asOf?: string;
  templateVersion?: string;
  detach?: boolean;
  supersede?: string;
}

/** --all, --customers FILE or --segment NAME: one of them (none means --all). */
export function runSourceOf(opts: RunCommandOptions): RunSourceSpec {
  const given = [opts.all && '--all', opts.customers && '--customers', opts.segment && '--segment'].filter(
    Boolean,
  );
  if (given.length > 1)
    throw new MissiveError('MSV_CONFIG_INVALID', `give one source of customers, not ${given.join(' and ')}`, {
      field: String(given[1]),
    });
  if ((opts.mapping || opts.format || opts.delimiter) && !opts.customers)
    throw new MissiveError(
      'MSV_CONFIG_INVALID',
      '--mapping, --format and --delimiter go with --customers FILE',
      { field: '--customers' },
    );
  if (opts.customers)
    return {
      kind: 'file',
      file: opts.customers,
      mapping: opts.mapping,
      format: opts.format,
      delimiter: opts.delimiter,
    };
  if (opts.segment) return { kind: 'segment', name: opts.segment };
  return { kind: 'all' };
}

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description(
      'Run a communication for every customer, a customer file or a segment (the same run again resumes it)',
    )
    .argument(
      '<type>',
      'communication type of the published catalog (it names its template), e.g. cross-sell-promotion; or a service document without a catalog entry, e.g. monthly-statement',
    )
    .option('--all', 'every customer in the store (the default)')
    .option(
      '--customers <file>',
      "the customers of this file (CSV or NDJSON), imported first; bad rows go to the run's failure list with their line",
    )
    .option('--mapping <file>', 'column mapping for --customers (see examples/bank-marketing/mapping.json)')
    .option('--format <format>', 'csv or ndjson for --customers (default: from the mapping or the extension)')
    .option('--delimiter <char>', 'CSV delimiter for --customers (default: detected)')
    .option(
      '--segment <name>',
      'the members of a named segment of the published offer catalog on the as-of date',
    )
    .option('--as-of <date>', 'statement date YYYY-MM-DD (default: last day of the previous month)')
    .option('--template-version <id>', 'pin a published template version (default: the latest)')
    .option(
      '--supersede <run>',
      'replace this earlier run of the same type and as-of (both are kept, it is marked superseded); without it a second run for a period is refused',
    )
    .option('--detach', 'plan the run, print its id and return; `missive worker` processes do the work')
    .option(
      '--max-failure-rate <rate>',
      'exit 0 (with a note) when at most this share of customers failed, e.g. 0.1% or 0.001',
    )
    .addHelpText(
      'after',
      [
        '',
        'Exit codes:',
        '  0  every customer ended archived, sent or suppressed (or the failures are within --max-failure-rate)',
        '  3  some customers failed: a document not made, a send failed or bounced, a file row refused',
        '     (the end of the output lists the most common reasons; missive runs failures ID lists them all)',
        '  1  the run could not be done, or every customer failed: the run is then `failed`, never `completed`;',
        '     or the type was already run for this as-of date (MSV_RUN_PERIOD_TAKEN; --supersede RUN replaces it)',
        '  2  bad usage (an unknown option, a bad --as-of or --max-failure-rate)',
        'With --detach: 0 once the run is planned; its outcome is for `missive runs show ID`.',
      ].join('\n'),
    )
    .action(async (type: string, opts: RunCommandOptions) => {
      const asOf = parseAsOf(opts.asOf);
      const maxFailureRate = parseRate('--max-failure-rate', opts.maxFailureRate);
      const source = runSourceOf(opts);
      await withQueueRuntime(async (rt) => {
        if (source.kind === 'all') await assertCustomersStored(rt.store.db);
        const {
          runType,
          templateVersion: version,
          missingChannels,
        } = await resolveRun(rt.store.db, type, {
          templateVersion: opts.templateVersion,
        });
        const described = describeRunType(runType, version.version, missingChannels);
        if (!opts.detach) process.stdout.write(described);
        const request = {
          communicationType: type,
          templateVersionId: version.id,
          asOf,
          source: await sourceKeyFor(source),
        };
        // One document per customer per period: a second run of the type and as-of is refused here,
        // before a file is read or anything rendered, unless --supersede names the run it replaces.
        const claim = await claimRunPeriod(
          rt.store.db,
          { id: runIdFor(request), ...request },
          opts.supersede,
        );
        const replaced = supersedeNote(claim, opts.supersede);
        if (replaced && !opts.detach) process.stdout.write(replaced);
        if (source.kind === 'file') {
          const runId = claim.run.id;
          const summary = await importWithProgress(rt, source, runId);
          if (summary) process.stdout.write(formatImportSummary(summary));
        }
        if (opts.detach) {
          const outcome = await executeRun(batchDeps(rt), request, undefined, { detach: true });
          process.stdout.write(
            `${outcome.runId}\n${outcome.status === 'running' ? `planned: ${outcome.progress.total} customers in ${outcome.chunks} chunks; start \`missive worker\` to process it (same REDIS_URL and store)` : `run is ${outcome.status}`}\n${described}`,
          );
          return;
        }
        const outcome = await runWithProgress(rt, request);
        if (outcome.status === 'paused' || outcome.status === 'cancelled')
          process.stdout.write(`run ${outcome.runId} is ${outcome.status}\n`);
        process.stdout.write(
          formatRunSummary(outcome, rt.config.archiveDir, await readRunTiming(rt.store.db, outcome.runId)),
        );
        process.stdout.write(await formatChannelSummary(rt, outcome.runId));
        const finished = await getRun(rt.store.db, outcome.runId);
        if (finished) process.stdout.write(await paperInsteadSummary(rt.store.db, finished));
        const end = runExit(await runFailureTally(rt.store.db, outcome), maxFailureRate);
        process.stdout.write(end.text);
        if (end.code !== EXIT_OK) process.exitCode = end.code;
      });
    });
}

/**
 * A run over every customer of an empty store would "complete" having done nothing; it is refused
 * with what to do first (MSV_RUN_SOURCE, exit 1).
 */
export async function assertCustomersStored(db: Kysely<Database>): Promise<void> {
  if ((await countCustomers(db)) > 0) return;
  throw new MissiveError(
    'MSV_RUN_SOURCE',
    'the store has no customers, so there is nothing to run: import customers first (missive customers import FILE [--mapping MAP.json]; e.g. examples/customers-sample.csv --mapping examples/bank-marketing/mapping.json), or give the run its customers with --customers FILE',
  );
}

/** What the run says about --supersede: the run it replaced, or why nothing was replaced now. */
export function supersedeNote(claim: PeriodClaim, supersede: string | undefined): string {
  if (claim.superseded)
    return `  replaces run ${claim.superseded.id} (${claim.superseded.status}, template version ${claim.superseded.templateVersionId}): kept, marked superseded\n`;
  if (supersede && !claim.created)
    return `  note: run ${claim.run.id} exists already, so it is resumed; --supersede ${supersede} changed nothing\n`;
  return '';
}
