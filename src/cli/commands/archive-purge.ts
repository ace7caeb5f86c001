import os from 'node:os';
import type { Command } from 'commander';
import { executePurge, type PurgePlan, planPurge } from '../../archive/retention.ts';
import { loadRetentionPolicy } from '../../archive/retention-policy.ts';
import { parseIsoDate } from '../../core/dates.ts';
import { MissiveError } from '../../core/errors.ts';
import { withRuntime } from '../with-runtime.ts';

export function registerArchivePurgeCommand(archive: Command): void {
  archive
    .command('purge')
    .description('Remove documents the retention policy no longer keeps (tombstone + audit row each run)')
    .option('--dry-run', 'only list what would go: ids, types, ages, bytes')
    .option('--today <date>', 'judge ages as of this day, YYYY-MM-DD (default: today)')
    .option('--actor <name>', 'who purges, for the audit log (default: cli:<user>)')
    .action(async (opts: { dryRun?: boolean; today?: string; actor?: string }) => {
      if (opts.today !== undefined && !parseIsoDate(opts.today)) {
        throw new MissiveError('MSV_CONFIG_INVALID', `--today must be a date YYYY-MM-DD, got ${opts.today}`);
      }
      await withRuntime(async (rt) => {
        const policy = loadRetentionPolicy(rt.config.retentionFile);
        const plan = await planPurge({ db: rt.store.db }, policy, { today: opts.today });
        process.stdout.write(formatPlan(plan));
        if (opts.dryRun || plan.items.length === 0) return;
        const outcome = await executePurge({ db: rt.store.db, blobs: rt.blobs }, plan, {
          actor: opts.actor ?? `cli:${os.userInfo().username}`,
        });
        process.stdout.write(
          `purged ${outcome.purged} document(s); ${outcome.blobsDeleted} blob(s) deleted, ${outcome.bytesFreed} bytes freed\n`,
        );
      });
    });
}

function formatPlan(plan: PurgePlan): string {
  const lines = [`retention policy ${plan.policySource}, as of ${plan.today}`];
  for (const item of plan.items) {
    lines.push(
      `  ${item.communicationId}  ${item.communicationType}  ${item.channel}  dated ${item.asOf}  age ${item.ageDays}d > ${item.keep}  ${item.bytes} bytes`,
    );
  }
  lines.push(`${plan.items.length} document(s), ${plan.totalBytes} bytes past retention`);
  return `${lines.join('\n')}\n`;
}
