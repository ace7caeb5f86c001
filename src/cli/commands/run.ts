import type { Command } from 'commander';
import { executeRun } from '../../batch/execute-run.ts';
import { lastDayOfPreviousMonth, parseIsoDate } from '../../core/dates.ts';
import { MissiveError } from '../../core/errors.ts';
import { getLatestTemplateVersion, getTemplateVersion } from '../../store/templates.ts';
import { batchDeps, formatChannelSummary, formatRunSummary, runWithProgress } from '../run-with-progress.ts';
import { withQueueRuntime } from '../with-runtime.ts';

export function parseAsOf(value: string | undefined): string {
  if (value === undefined) return lastDayOfPreviousMonth(new Date());
  const date = parseIsoDate(value);
  if (!date)
    throw new MissiveError('MSV_CONFIG_INVALID', `--as-of must be a date YYYY-MM-DD, got "${value}"`);
  return date;
}

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('Run a communication for every customer in the store (resumes if it ran before)')
    .argument('<type>', 'communication type = published template name, e.g. monthly-statement')
    .option('--all', 'every customer in the store (the default and, for now, the only source)')
    .option('--as-of <date>', 'statement date YYYY-MM-DD (default: last day of the previous month)')
    .option('--template-version <id>', 'pin a published template version (default: the latest)')
    .option('--detach', 'plan the run, print its id and return; `missive worker` processes do the work')
    .action(async (type: string, opts: { asOf?: string; templateVersion?: string; detach?: boolean }) => {
      const asOf = parseAsOf(opts.asOf);
      await withQueueRuntime(async (rt) => {
        const version = opts.templateVersion
          ? await getTemplateVersion(rt.store.db, opts.templateVersion)
          : await getLatestTemplateVersion(rt.store.db, type);
        if (!version || version.templateName !== type) {
          throw new MissiveError(
            'MSV_TEMPLATE_NOT_FOUND',
            `no published version of "${type}"${opts.templateVersion ? ` with id ${opts.templateVersion}` : ''}; publish one with: missive templates publish templates/${type}`,
          );
        }
        const request = {
          communicationType: type,
          templateVersionId: version.id,
          asOf,
          source: 'store:all' as const,
        };
        if (opts.detach) {
          const outcome = await executeRun(batchDeps(rt), request, undefined, { detach: true });
          process.stdout.write(
            `${outcome.runId}\n${outcome.status === 'running' ? `planned: ${outcome.progress.total} customers in ${outcome.chunks} chunks; start \`missive worker\` to process it (same REDIS_URL and store)` : `run is ${outcome.status}`}\n`,
          );
          return;
        }
        const outcome = await runWithProgress(rt, request);
        if (outcome.status === 'paused' || outcome.status === 'cancelled')
          process.stdout.write(`run ${outcome.runId} is ${outcome.status}\n`);
        process.stdout.write(formatRunSummary(outcome, rt.config.archiveDir));
        process.stdout.write(await formatChannelSummary(rt, outcome.runId));
      });
    });
}
