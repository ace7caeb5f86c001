import os from 'node:os';
import type { Command } from 'commander';
import type { ErasureOutcome } from '../../archive/index.ts';
import { parseIsoDate } from '../../core/dates.ts';
import { MissiveError } from '../../core/errors.ts';
import { withRuntime } from '../with-runtime.ts';

/** `missive customers erase ID --reason TEXT [--actor NAME]` (GDPR Art. 17). */
export function registerCustomersEraseCommand(customers: Command): void {
  customers
    .command('erase')
    .description(
      "Erase a customer's personal data on request; documents a law obliges keeping are restricted instead",
    )
    .argument('<id>', 'customer id')
    .requiredOption(
      '--reason <text>',
      'why, e.g. a request number (recorded in the audit log; no personal data)',
    )
    .option('--actor <name>', 'who erases, for the audit log (default: cli:<user>)')
    .option('--today <date>', 'judge retention periods as of this day, YYYY-MM-DD (default: today)')
    .action(async (id: string, opts: { reason: string; actor?: string; today?: string }) => {
      if (opts.today !== undefined && !parseIsoDate(opts.today)) {
        throw new MissiveError('MSV_CONFIG_INVALID', `--today must be a date YYYY-MM-DD, got ${opts.today}`, {
          field: '--today',
        });
      }
      // Erasure and the retention policy load only for `customers erase`, not with every customers command.
      const [{ eraseCustomer }, { loadRetentionPolicy }] = await Promise.all([
        import('../../archive/index.ts'),
        import('../../archive/index.ts'),
      ]);
      await withRuntime(async (rt) => {
        const outcome = await eraseCustomer(
          { db: rt.store.db, blobs: rt.blobs, policy: loadRetentionPolicy(rt.config.retentionFile) },
          id,
          { actor: opts.actor ?? `cli:${os.userInfo().username}`, reason: opts.reason, today: opts.today },
        );
        process.stdout.write(formatErasure(outcome));
      });
    });
}

function formatErasure(o: ErasureOutcome): string {
  const lines = [
    `customer ${o.customerId} ${o.outcome}: personal data deleted, ${o.erasedDocuments} document(s) erased, ${o.shreddedKeys} data key(s) shredded`,
  ];
  for (const g of o.retained) {
    lines.push(
      `  restricted, not erased: ${g.documents} ${g.communicationType} document(s) kept until ${g.until} (GDPR Art. 17(3)(b): ${g.basis})`,
    );
  }
  lines.push(`tombstone ${o.tombstoneId} recorded; audit row written`);
  return `${lines.join('\n')}\n`;
}
