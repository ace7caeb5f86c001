import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Command } from 'commander';
import { buildPrintStreams, type PrintStreamOutcome } from '../../channels/heavy.ts';
import { type PrintStreamOptions, printStreamOptions } from '../../channels/index.ts';
import { MissiveError } from '../../core/errors.ts';
import { recordPrintedExposures } from '../../feedback/index.ts';
import { createProgressBar } from '../progress-bar.ts';
import { withRuntime } from '../with-runtime.ts';
import { registerPrintStreamsConfirmCommand } from './print-streams-confirm.ts';

interface Flags {
  size?: string;
  simplex?: boolean;
  householding?: boolean;
  marks?: string;
  out?: string;
}

export function registerPrintStreamsCommand(program: Command): void {
  const printStreams = program
    .command('print-streams')
    .description("Assemble a run's print documents into print files for the print house, with manifests")
    .argument('<run-id>', 'the run, as printed by `missive runs list`')
    .option('--size <n>', 'documents per print file', '5000')
    .option('--simplex', 'print on one side (default: duplex, blank back page after an odd page count)')
    .option('--householding', 'documents for the same address in one envelope')
    .option('--marks <kind>', 'inserter marks on every sheet: datamatrix or omr', 'datamatrix')
    .option('--out <dir>', 'where to write the files (default: <data dir>/print-streams/<run-id>)')
    .action(async (runId: string, flags: Flags) => {
      const options = parseFlags(flags);
      await withRuntime(async (rt) => {
        const outDir = path.resolve(flags.out ?? path.join(rt.config.dataDir, 'print-streams', runId));
        const bar = createProgressBar({ label: 'print streams', unit: 'documents' });
        const start = performance.now();
        let outcome: PrintStreamOutcome;
        try {
          outcome = await buildPrintStreams(
            {
              db: rt.store.db,
              blobs: rt.blobs,
              logger: rt.logger,
              // Handed to the print house: the letters' offers count as exposures from now on.
              onPrinted: async (ids) => void (await recordPrintedExposures(rt.store.db, ids)),
            },
            { runId, options, outDir, onProgress: (done, total) => bar.update(done, total) },
          );
        } finally {
          bar.stop();
        }
        process.stdout.write(formatSummary(outcome, (performance.now() - start) / 1000));
      });
    });
  registerPrintStreamsConfirmCommand(printStreams);
}

export function parseFlags(flags: Flags): PrintStreamOptions {
  const size = Number(flags.size ?? 5000);
  if (!Number.isInteger(size) || size < 1)
    throw new MissiveError('MSV_CONFIG_INVALID', `--size must be a positive integer, got "${flags.size}"`, {
      field: '--size',
    });
  if (flags.marks !== undefined && flags.marks !== 'datamatrix' && flags.marks !== 'omr') {
    throw new MissiveError('MSV_CONFIG_INVALID', `--marks must be datamatrix or omr, got "${flags.marks}"`, {
      field: '--marks',
    });
  }
  return printStreamOptions({
    size,
    duplex: !flags.simplex,
    householding: Boolean(flags.householding),
    marks: flags.marks as PrintStreamOptions['marks'] | undefined,
  });
}

export function formatSummary(o: PrintStreamOutcome, seconds: number): string {
  const t = o.totals;
  const byCode = new Map<string, number>();
  for (const f of o.failures) byCode.set(f.code, (byCode.get(f.code) ?? 0) + 1);
  const rate = seconds > 0 ? Math.round(t.documents / seconds) : t.documents;
  return `${[
    `print streams for ${o.run.id} (${o.run.communicationType}, as of ${o.run.asOf})`,
    `  files       ${t.streams} in ${o.outDir}`,
    ...o.streams.map(
      (s) => `    ${s.file}  ${s.documents} documents, ${s.sheets} sheets, sha256 ${s.sha256.slice(0, 16)}`,
    ),
    `  documents   ${t.documents} in ${t.envelopes} envelopes`,
    `  pages       ${t.pages} (+${t.blankPages} blank backs = ${t.physicalPages} in the files)`,
    `  sheets      ${t.sheets}`,
    `  left out    ${t.failed}${[...byCode].map(([code, n]) => `  ${code} ${n}`).join('')}`,
    `  manifests   ${o.manifests.json}, ${o.manifests.csv}`,
    `  documents/s ${rate} (${seconds.toFixed(1)} s)`,
  ].join('\n')}\n`;
}
