import type { Command } from 'commander';
import { parseAsOf } from '../../core/as-of.ts';
import { MissiveError } from '../../core/errors.ts';
import { decideForCustomer, explainDecision } from '../../rules/index.ts';
import { withRuntime } from '../with-runtime.ts';

interface DecideOptions {
  customer: string;
  asOf?: string;
  type?: string;
  catalog?: string;
  now?: string;
  run?: string;
  json?: boolean;
}

export function registerDecideCommand(program: Command): void {
  program
    .command('decide')
    .description(
      "Decide a customer's offers and channel with the published catalog, and say why (stores nothing)",
    )
    .requiredOption('--customer <id>', 'customer id')
    .option('--as-of <date>', 'date YYYY-MM-DD (default: last day of the previous month)')
    .option('--type <type>', 'communication type (default: the first with offer slots)')
    .option('--catalog <name>', 'published catalog (default: the latest published)')
    .option('--now <time>', 'the moment of sending, ISO-8601, for quiet hours and caps (default: now)')
    .option('--run <id>', 'run id the seed derives from (default: a preview id from type and as-of)')
    .option('--json', 'print the decision as JSON')
    .action(async (opts: DecideOptions) => {
      const now = opts.now ?? new Date().toISOString();
      if (Number.isNaN(Date.parse(now))) {
        throw new MissiveError('MSV_CONFIG_INVALID', `--now must be an ISO-8601 time, got "${now}"`, {
          field: '--now',
        });
      }
      await withRuntime(async (rt) => {
        const { decision, offerNames } = await decideForCustomer(rt.store.db, {
          customerId: opts.customer,
          asOf: parseAsOf(opts.asOf),
          now,
          type: opts.type,
          catalog: opts.catalog,
          runId: opts.run,
        });
        process.stdout.write(
          opts.json
            ? `${JSON.stringify(decision, null, 2)}\n`
            : `${explainDecision(decision, offerNames).join('\n')}\n`,
        );
      });
    });
}
