import fs from 'node:fs/promises';
import os from 'node:os';
import type { Command } from 'commander';
import { MissiveError } from '../../core/errors.ts';
import { appendAudit, getCommunication } from '../../store/index.ts';
import { withRuntime } from '../with-runtime.ts';

export function registerDocumentsCommands(program: Command): void {
  const documents = program
    .command('documents')
    .description('Archived documents: fetch the exact bytes a customer received');
  documents
    .command('get')
    .description('Write the archived document of a communication to a file, verified against its sha256')
    .argument('<communication-id>', 'ledger id, as printed by `missive customers show`')
    .option('-o, --out <file>', 'where to write the document (default: <communication-id>.pdf)')
    .action(async (id: string, opts: { out?: string }) => {
      await withRuntime(async (rt) => {
        const communication = await getCommunication(rt.store.db, id);
        if (!communication) throw new MissiveError('MSV_STORE_NOT_FOUND', `no communication ${id}`);
        if (!communication.artifactSha256) {
          throw new MissiveError(
            'MSV_ARCHIVE_NOT_FOUND',
            `communication ${id} has no document (${communication.status}: ${communication.reason ?? ''})`,
          );
        }
        const bytes = await rt.blobs.get(communication.artifactSha256);
        const out = opts.out ?? `${id}.pdf`;
        await fs.writeFile(out, bytes);
        await appendAudit(rt.store.db, {
          actor: `cli:${os.userInfo().username}`,
          action: 'document.view',
          targetType: 'communication',
          targetId: id,
          details: { sha256: communication.artifactSha256, customerId: communication.customerId },
        });
        process.stdout.write(
          `${out}: ${bytes.byteLength} bytes, sha256 ${communication.artifactSha256} (verified)\n`,
        );
      });
    });
}
