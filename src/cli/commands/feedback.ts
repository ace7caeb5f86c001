import path from 'node:path';
import type { Command } from 'commander';
import { importConversions, parseSuccessRules } from '../../feedback/index.ts';
import { withRuntime } from '../with-runtime.ts';

export function registerFeedbackCommands(program: Command): void {
  const feedback = program
    .command('feedback')
    .description('Responses that flow back into the customer model');
  feedback
    .command('import')
    .description(
      'Import conversions (CSV: customer, offer, date[, id]) as events; idempotent, bad rows reported and skipped',
    )
    .argument('<file>', 'CSV file')
    .option('--json', 'print the report as JSON')
    .action(async (file: string, opts: { json?: boolean }) => {
      await withRuntime(async (rt) => {
        const report = await importConversions(
          rt.store.db,
          path.resolve(file),
          parseSuccessRules(rt.config.successEvents),
        );
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        } else {
          process.stdout.write(
            `${report.rows} row(s): ${report.recorded} conversion(s) recorded (${report.attributed} attributed to a communication), ` +
              `${report.duplicates} already known, ${report.rejected.length} rejected\n`,
          );
          for (const r of report.rejected) {
            process.stdout.write(`  ${r.file}:${r.line} ${r.field}: ${r.reason}\n`);
          }
        }
        if (report.rejected.length > 0) process.exitCode = 1;
      });
    });
}
