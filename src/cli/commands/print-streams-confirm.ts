import type { Command } from 'commander';
import { type ConfirmOutcome, confirmPrintFile, PRINT_HOUSE_STATUSES } from '../../channels/index.ts';
import type { CommunicationRecord } from '../../store/index.ts';
import { decideExit, EXIT_PARTIAL, parseRate } from '../exit-codes.ts';
import type { Runtime } from '../runtime.ts';
import { withRuntime } from '../with-runtime.ts';

/** The actor of a spoiled letter's re-print (on the original's timeline and in the audit log). */
export const PRINT_HOUSE_ACTOR = 'print-house';

/** Rejects printed in full; beyond this many, a count of the rest. */
const SHOWN_REJECTS = 100;

/**
 * `missive print-streams confirm FILE`: the print house's returned manifest (docs/ARCHITECTURE.md
 * "Print lifecycle") moves each letter to printed, mailed or spoiled; spoiled ones are re-printed.
 */
export function registerPrintStreamsConfirmCommand(printStreams: Command): void {
  printStreams
    .command('confirm')
    .description(
      "Read the print house's returned manifest: letters move to printed, mailed or spoiled (re-printed in the next print file); the same file twice changes nothing",
    )
    .argument('<file>', 'CSV with stream, communication_id (or sequence, or envelope), status, timestamp')
    .option('--max-reject-rate <rate>', 'exit 0 when at most this share of lines was refused, e.g. 0.5%')
    .addHelpText(
      'after',
      '\nExit codes: 0 every line applied (or already applied); 3 some lines were refused (file, line,\nfield and reason printed); 1 the file could not be read (no header with the needed columns); 2 bad usage.',
    )
    .action(async (file: string, opts: { maxRejectRate?: string }) => {
      const maxRate = parseRate('--max-reject-rate', opts.maxRejectRate);
      await withRuntime(async (rt) => {
        const outcome = await confirmPrintFile(
          { db: rt.store.db, logger: rt.logger, reprint: await spoiledReprinter(rt) },
          file,
        );
        process.stdout.write(formatConfirmSummary(outcome));
        const exit = decideExit({
          total: outcome.lines,
          bad: outcome.rejected.length,
          maxRate,
          option: '--max-reject-rate',
          what: 'lines refused',
        });
        if (exit.note) process.stdout.write(`${exit.note}\n`);
        if (exit.code === EXIT_PARTIAL) process.exitCode = EXIT_PARTIAL;
      });
    });
}

/**
 * A spoiled letter's re-print, made as an agent's re-print is (on-demand/agent-copies.ts: the same
 * archived PDF, flagged in the next print file's manifest) by the print house, under a form id of
 * the letter's own, so confirming the same file again finds the same copy.
 */
async function spoiledReprinter(rt: Runtime) {
  const { copyCommunication } = await import('../../on-demand/heavy.ts');
  return async (letter: CommunicationRecord, reason: string) => {
    const result = await copyCommunication(
      { db: rt.store.db, blobs: rt.blobs, now: () => new Date(), logger: rt.logger },
      PRINT_HOUSE_ACTOR,
      {
        kind: 'reprint',
        customerId: letter.customerId,
        communicationId: letter.id,
        reason,
        clientId: `spoiled-${letter.id}`,
      },
    );
    return { id: result.communication.id, created: result.created };
  };
}

export function formatConfirmSummary(o: ConfirmOutcome): string {
  const reprinted = o.reprints.filter((r) => r.created).length;
  const rejects = o.rejected
    .slice(0, SHOWN_REJECTS)
    .map((r) => `    ${r.file}:${r.line}${r.field ? ` ${r.field}` : ''}: ${r.reason}`);
  if (o.rejected.length > SHOWN_REJECTS) rejects.push(`    … and ${o.rejected.length - SHOWN_REJECTS} more`);
  const spoiled = o.reprints
    .slice(0, SHOWN_REJECTS)
    .map((r) => `    ${r.spoiled} spoiled → re-print ${r.reprint}${r.created ? '' : ' (queued before)'}`);
  return `${[
    `print house confirmations from ${o.file}`,
    `  lines       ${o.lines}`,
    ...PRINT_HOUSE_STATUSES.map((s) => `  ${s.padEnd(11)} ${o.moved[s]}`),
    `  unchanged   ${o.unchanged} (already in that status or past it)`,
    `  re-printed  ${reprinted} queued for the next print file${o.reprints.length > reprinted ? ` (${o.reprints.length - reprinted} queued before)` : ''}`,
    ...spoiled,
    `  refused     ${o.rejected.length}`,
    ...rejects,
  ].join('\n')}\n`;
}
