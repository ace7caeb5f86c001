import type { Command } from 'commander';
import { withRuntime } from '../with-runtime.ts';

export function registerVerifyCommand(program: Command): void {
  program
    .command('verify')
    .description(
      'Re-render a communication from its stored inputs and prove the bytes equal the archived document',
    )
    .argument('<communication-id>', 'ledger id, as printed by `missive customers show`')
    .action(async (id: string) => {
      // The renderers (pdfkit, fonts, MJML) load when a document is replayed, not with `verify --help`.
      const { verifyCommunication } = await import('../../archive/heavy.ts');
      await withRuntime(async (rt) => {
        const result = await verifyCommunication({ db: rt.store.db, blobs: rt.blobs }, id);
        for (const warning of result.warnings) process.stderr.write(`missive: warning: ${warning}\n`);
        if (result.ok) {
          process.stdout.write(
            `verified: sha256 ${result.sha256} (${result.size} bytes): re-rendered from the stored inputs, byte for byte identical\n`,
          );
        } else {
          process.stdout.write(
            `NOT verified: ${id} (archived sha256 ${result.sha256}${result.replayedSha256 ? `, replay ${result.replayedSha256}` : ''})\n${result.difference ?? ''}${result.code ? ` [${result.code}]` : ''}\n`,
          );
          process.exitCode = 1;
        }
      });
    });
}
