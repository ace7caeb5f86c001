import fs from 'node:fs';
import type { Command } from 'commander';
import {
  type ArchiveVerification,
  formatCheckpoint,
  issueCheckpoint,
  loadOrCreateLogKey,
  ORPHAN_PURGE_AFTER_MS,
  parseCheckpoint,
  verifyArchive,
} from '../../archive/index.ts';
import { MissiveError } from '../../core/errors.ts';
import { withRuntime } from '../with-runtime.ts';
import { registerArchivePurgeCommand } from './archive-purge.ts';

export function registerArchiveCommands(program: Command): void {
  const archive = program
    .command('archive')
    .description('Archive integrity: signed log checkpoints, verification, retention purge');
  archive
    .command('checkpoint')
    .description("Sign the tamper-evident log's current tree head; keep the file somewhere else")
    .option('-o, --out <file>', 'write the checkpoint to this file (default: stdout)')
    .action(async (opts: { out?: string }) => {
      await withRuntime(async (rt) => {
        const checkpoint = await issueCheckpoint(rt.store.db, loadOrCreateLogKey(rt.config.logKeyFile));
        const text = formatCheckpoint(checkpoint);
        if (opts.out) {
          fs.writeFileSync(opts.out, text);
          process.stdout.write(
            `${opts.out}: checkpoint of ${checkpoint.size} entries, root ${checkpoint.rootHash}, key ${checkpoint.keyId}\n`,
          );
        } else {
          process.stdout.write(text);
        }
      });
    });
  archive
    .command('verify')
    .description(
      'Recompute the log from its rows, prove it consistent with a checkpoint, check every blob; exit 1 on any problem',
    )
    .option(
      '-c, --checkpoint <file>',
      'a checkpoint from `missive archive checkpoint` to prove the log against',
    )
    .action(async (opts: { checkpoint?: string }) => {
      await withRuntime(async (rt) => {
        const checkpoint = opts.checkpoint ? readCheckpoint(opts.checkpoint) : undefined;
        const key = loadOrCreateLogKey(rt.config.logKeyFile);
        const result = await verifyArchive(
          { db: rt.store.db, blobs: rt.blobs },
          { checkpoint, trustedPublicKey: key.publicKeyBase64 },
        );
        process.stdout.write(formatVerification(result));
        if (!result.log.ok) throw logInvalid(result.log);
        if (!result.ok) process.exitCode = 1;
      });
    });
  registerArchivePurgeCommand(archive);
}

/** The log does not verify (exit 1 after the report): its first bad index, if one entry is to blame. */
function logInvalid(log: ArchiveVerification['log']): MissiveError {
  const first = log.problems[0]?.message ?? 'the log does not verify';
  return new MissiveError(
    'MSV_ARCHIVE_LOG_INVALID',
    `the archive log does not verify (${log.problems.length} problem(s)): ${first}`,
    log.firstBadIndex === undefined ? {} : { firstBadIndex: log.firstBadIndex },
  );
}

function readCheckpoint(file: string) {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (cause) {
    throw new MissiveError('MSV_ARCHIVE_CHECKPOINT_INVALID', `cannot read ${file}`, { file }, { cause });
  }
  return parseCheckpoint(text, file);
}

export function formatVerification(result: ArchiveVerification): string {
  const { log } = result;
  const lines = [
    `log        ${log.verified} of ${log.size} entries verified, tree head ${log.treeHead}`,
    `documents  ${result.documents.checked} blobs verified, ${result.documents.removed} removed by retention/erasure`,
  ];
  if (log.checkpoint) {
    lines.push(
      `checkpoint size ${log.checkpoint.size}, root ${log.checkpoint.rootHash}: ${log.checkpoint.consistent ? 'consistent (proved)' : 'NOT consistent'}`,
    );
  }
  for (const warning of result.warnings) lines.push(`warning    ${warning}`);
  const { orphans } = result;
  if (orphans.count > 0) {
    const oldest = orphans.first[0]!;
    lines.push(
      `orphans    ${orphans.count} blob(s) written by a run that stopped before recording them (oldest ${oldest.createdAt}, run ${oldest.runId}); \`missive archive purge\` removes them after ${ORPHAN_PURGE_AFTER_MS / 3_600_000} h`,
    );
  }
  if (log.firstBadIndex !== undefined) lines.push(`first bad index: ${log.firstBadIndex}`);
  for (const problem of [...log.problems, ...result.problems]) lines.push(`FAILED     ${problem.message}`);
  const note = orphans.count > 0 ? ` (${orphans.count} orphan blob(s) to purge)` : '';
  lines.push(result.ok ? `verified: the archive is intact${note}` : 'verification FAILED');
  return `${lines.join('\n')}\n`;
}
