import os from 'node:os';
import type { Command } from 'commander';
import {
  executePurge,
  findOrphanBlobs,
  loadRetentionPolicy,
  ORPHAN_PURGE_AFTER_MS,
  type PurgePlan,
  planPurge,
  purgeOrphanBlobs,
} from '../../archive/index.ts';
import { parseIsoDate } from '../../core/dates.ts';
import { MissiveError } from '../../core/errors.ts';
import { withRuntime } from '../with-runtime.ts';

export function registerArchivePurgeCommand(archive: Command): void {
  archive
    .command('purge')
    .description(
      'Remove documents the retention policy no longer keeps (tombstone + audit row each run), and orphan blobs older than 24 h',
    )
    .option('--dry-run', 'only list what would go: ids, types, ages, bytes')
    .option('--today <date>', 'judge ages as of this day, YYYY-MM-DD (default: today)')
    .option('--actor <name>', 'who purges, for the audit log (default: cli:<user>)')
    .action(async (opts: { dryRun?: boolean; today?: string; actor?: string }) => {
      if (opts.today !== undefined && !parseIsoDate(opts.today)) {
        throw new MissiveError('MSV_CONFIG_INVALID', `--today must be a date YYYY-MM-DD, got ${opts.today}`, {
          field: '--today',
        });
      }
      await withRuntime(async (rt) => {
        const policy = loadRetentionPolicy(rt.config.retentionFile);
        const plan = await planPurge({ db: rt.store.db }, policy, { today: opts.today });
        process.stdout.write(formatPlan(plan));
        const orphans = await findOrphanBlobs(rt.store.db, { olderThanMs: ORPHAN_PURGE_AFTER_MS, list: 0 });
        if (orphans.count > 0) {
          process.stdout.write(
            `${orphans.count} orphan blob(s) older than ${ORPHAN_PURGE_AFTER_MS / 3_600_000} h (written by a run that stopped before recording them)\n`,
          );
        }
        if (opts.dryRun) return;
        if (plan.items.length > 0) {
          const outcome = await executePurge({ db: rt.store.db, blobs: rt.blobs }, plan, {
            actor: opts.actor ?? `cli:${os.userInfo().username}`,
          });
          process.stdout.write(
            `purged ${outcome.purged} document(s); ${outcome.blobsDeleted} blob(s) deleted, ${outcome.bytesFreed} bytes freed\n`,
          );
        }
        if (orphans.count > 0) {
          const swept = await purgeOrphanBlobs({ db: rt.store.db, blobs: rt.blobs });
          process.stdout.write(
            `removed ${swept.orphans} orphan(s): ${swept.blobsDeleted} blob(s) deleted, ${swept.kept} kept (their bytes are in use)\n`,
          );
        }
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
