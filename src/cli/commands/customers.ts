import type { Command } from 'commander';
import { MissiveError } from '../../core/errors.ts';
import { getCustomer, listCommunicationsForCustomer } from '../../store/index.ts';
import { EXIT_OK, importExit, parseRate } from '../exit-codes.ts';
import { withRuntime } from '../with-runtime.ts';
import { registerCustomersEraseCommand } from './customers-erase.ts';

interface ImportOptions {
  mapping?: string;
  format?: string;
  delimiter?: string;
  encoding?: string;
  asOf?: string;
  rejects?: string;
  maxRejectRate?: string;
}

export function registerCustomersCommands(program: Command): void {
  const customers = program
    .command('customers')
    .description('Customers: import files, look one up, erase on request');
  registerCustomersEraseCommand(customers);
  customers
    .command('import')
    .description('Import customers from CSV (any delimiter) or NDJSON; bad rows go to a reject report')
    .argument('<file>', 'CSV or NDJSON file')
    .option('-m, --mapping <file>', 'column mapping JSON (default: columns named like the fields)')
    .option('--format <format>', 'csv or ndjson (default: from the mapping or the file extension)')
    .option('--delimiter <char>', 'CSV delimiter: , ; tab or | (default: detected from the header)')
    .option(
      '--encoding <name>',
      "the file's encoding: utf-8, utf-16le, utf-16be, gb18030, gbk, big5… (default: the mapping's, else a BOM's, else UTF-8)",
    )
    .option(
      '--as-of <time>',
      "when the file was written (YYYY-MM-DD or ISO time): consent changes recorded after it are kept (default: the file's modification time)",
    )
    .option('--rejects <file>', 'where to write the reject report (default: the data folder)')
    .option(
      '--max-reject-rate <rate>',
      'exit 0 (with a note) when at most this share of rows was refused, e.g. 0.5% or 0.005',
    )
    .addHelpText(
      'after',
      [
        '',
        'Exit codes:',
        '  0  every row imported (or the refused share is within --max-reject-rate)',
        '  3  some rows were refused (the reject report lists them), or the file could not be read to its end',
        '  1  the file could not be imported at all (missing, unreadable, a bad mapping)',
        '  2  bad usage (an unknown option, a bad --max-reject-rate)',
      ].join('\n'),
    )
    .action(async (file: string, opts: ImportOptions) => {
      const maxRate = parseRate('--max-reject-rate', opts.maxRejectRate);
      // The import pipeline (readers, encodings, mapping, progress bar) only for `customers import`:
      // `customers show` starts without it (issue 18).
      const { formatImportSummary, importWithProgress } = await import('../import-with-progress.ts');
      await withRuntime(async (rt) => {
        const summary = await importWithProgress(rt, {
          file,
          mapping: opts.mapping,
          format: opts.format,
          delimiter: opts.delimiter,
          encoding: await importEncoding(opts.encoding),
          asOf: importAsOf(opts.asOf),
          rejectReportPath: opts.rejects,
        });
        process.stdout.write(formatImportSummary(summary));
        const exit = importExit(summary, maxRate);
        if (exit.note) process.stdout.write(`${exit.note}\n`);
        if (exit.code !== EXIT_OK) process.exitCode = exit.code;
      });
    });
  customers
    .command('show')
    .description('Show a customer and every communication sent to them')
    .argument('<id>', 'customer id')
    .option('--full', 'also print name, contact points and traits (personal data)')
    .action(async (id: string, opts: { full?: boolean }) => {
      await withRuntime(async (rt) => {
        const customer = await getCustomer(rt.store.db, id);
        if (!customer) {
          const { erasureRecords } = await import('../../archive/index.ts');
          const [erased] = await erasureRecords(rt.store.db, id);
          if (!erased) throw new MissiveError('MSV_STORE_NOT_FOUND', `no customer ${id}`);
          process.stdout.write(
            `customer ${id}: ${erased.kind === 'customer.restricted' ? 'erased, restricted (documents kept under a legal hold)' : 'erased'} on ${erased.at} (tombstone ${erased.id})\n`,
          );
          return;
        }
        const lines = [`customer ${customer.id} (${customer.locale}, ${customer.timeZone})`];
        if (opts.full) lines.push(JSON.stringify(customer, null, 2));
        const communications = await listCommunicationsForCustomer(rt.store.db, id);
        lines.push(`communications: ${communications.length}`);
        for (const c of communications) {
          const doc = c.artifactSha256 ? ` sha256 ${c.artifactSha256.slice(0, 16)}… ${c.pages} page(s)` : '';
          lines.push(
            `  ${c.id}  ${c.channel}  ${c.status}${c.reason ? ` (${c.reason})` : ''}  run ${c.runId}${doc}`,
          );
        }
        if (communications.some((c) => c.artifactSha256)) {
          lines.push(
            `open one with: missive documents get ${communications.find((c) => c.artifactSha256)!.id}`,
          );
        }
        process.stdout.write(`${lines.join('\n')}\n`);
      });
    });
}

/** --as-of: a date (its end of day is not assumed: the start, UTC) or an ISO time; bad usage otherwise. */
function importAsOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const time = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00.000Z` : value;
  const parsed = new Date(time);
  if (Number.isNaN(parsed.getTime())) {
    throw new MissiveError(
      'MSV_CONFIG_INVALID',
      `--as-of must be a date YYYY-MM-DD or an ISO time, got ${value}`,
      {
        field: '--as-of',
      },
    );
  }
  return parsed.toISOString();
}

/**
 * --encoding: a name iconv-lite knows, else bad usage (exit 2) before the file is opened. The customers
 * stage loads here, with the import, not with every customers command (start-up, issue 18).
 */
async function importEncoding(value: string | undefined): Promise<string | undefined> {
  if (value === undefined) return value;
  const { normaliseEncoding } = await import('../../customers/index.ts');
  if (normaliseEncoding(value) !== undefined) return value;
  throw new MissiveError(
    'MSV_CONFIG_INVALID',
    `unknown encoding "${value}" (e.g. utf-8, utf-16le, utf-16be, gb18030, gbk, big5, windows-1252)`,
    { field: '--encoding' },
  );
}
