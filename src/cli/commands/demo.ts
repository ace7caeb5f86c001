import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { readRunTiming, resolveRun } from '../../batch/index.ts';
import { parseAsOf } from '../../core/as-of.ts';
import { publishCatalogDir } from '../../rules/index.ts';
import { listCommunicationsForRun } from '../../store/index.ts';
import { publishTemplatePackage } from '../../templates/heavy.ts';
import { formatImportSummary, importWithProgress } from '../import-with-progress.ts';
import { startLocalChannels } from '../local-channels.ts';
import { PROJECT_ROOT, SHIPPED } from '../project-paths.ts';
import { formatChannelSummary, formatRunSummary, runWithProgress } from '../run-with-progress.ts';
import type { QueueRuntime } from '../runtime.ts';
import { withQueueRuntime } from '../with-runtime.ts';
import { formatLoadSummary, loadFeedFile } from './feeds.ts';
import { describeRunType } from './run.ts';

interface DemoOptions {
  customers?: string;
  mapping?: string;
  asOf?: string;
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'Import customers, then run the monthly statement (paper, or email with e-delivery) and a cross-sell campaign (email or SMS) into local sinks',
    )
    .option('--customers <file>', 'customer file (default: the shipped sample of 200 bank customers)')
    .option(
      '--mapping <file>',
      'column mapping (default with the sample: examples/bank-marketing/mapping.json)',
    )
    .option('--as-of <date>', 'statement date YYYY-MM-DD (default: last day of the previous month)')
    .action(async (opts: DemoOptions) => {
      const asOf = parseAsOf(opts.asOf);
      const file = opts.customers ?? SHIPPED.sampleCustomers;
      const mapping = opts.mapping ?? (opts.customers ? undefined : SHIPPED.bankMapping);
      await withQueueRuntime(async (rt) => {
        const out = (text: string) => process.stdout.write(text);
        out(`missive demo: data folder ${rt.config.dataDir}\n`);
        out(formatImportSummary(await importWithProgress(rt, { file, mapping })));
        await loadExampleBankFeeds(rt, file, mapping, asOf, out);
        const catalog = await publishCatalogDir(rt.store.db, SHIPPED.bankCatalog, asOf);
        out(`offer catalog ${catalog.catalogVersion.id} (decisions are stored per customer)\n`);
        const local = await startLocalChannels(rt);
        try {
          out(`sinks: SMTP ${local.sinks.smtp.url}, Twilio API ${local.sinks.twilio.url}\n`);
          const channels = local.sinks.channelConfig(rt.config.channels);
          const runIds: string[] = [];
          for (const dir of [SHIPPED.statementTemplate, SHIPPED.crossSellTemplate, SHIPPED.letterTemplate]) {
            const template = await publishTemplatePackage(rt.store.db, dir);
            out(`\ntemplate ${template.name} version ${template.version} (${template.id})\n`);
          }
          // The bank catalog's communication types; each names the template it renders.
          for (const type of ['monthly-statement', 'cross-sell-promotion']) {
            const { runType, templateVersion, missingChannels } = await resolveRun(rt.store.db, type);
            out(`\n${describeRunType(runType, templateVersion.version, missingChannels)}`);
            const outcome = await runWithProgress(
              rt,
              { communicationType: type, templateVersionId: templateVersion.id, asOf, source: 'store:all' },
              channels,
            );
            out(
              formatRunSummary(
                outcome,
                rt.config.archiveDir,
                await readRunTiming(rt.store.db, outcome.runId),
              ),
            );
            out('  where they went:\n');
            out(await formatChannelSummary(rt, outcome.runId));
            runIds.push(outcome.runId);
          }
          out(
            `\nthe sinks received ${local.sinks.smtp.messages.length} email(s) (as .eml in ${path.join(rt.config.dataDir, 'sinks', 'mail')}) and ${local.sinks.twilio.messages.length} SMS\n`,
          );
          if (local.sinks.smtp.messages.length > 0) {
            out(
              `statement e-mails link to that statement in the customer portal (${rt.config.channels.publicUrl}/portal/open/…): open one in a mail program; \`missive serve\` with an SMTP server for sign-in codes (\`missive sinks\`) serves the portal\n`,
            );
          }
          await printLookups(rt, runIds[0]!, out);
        } finally {
          await local.close();
        }
      });
    });
}

/** The part of examples/bank-statements/generate.ts the demo uses (an example, so not imported statically). */
interface BankFeedGenerator {
  generateBankStatementFeeds(options: {
    customersFile: string;
    mappingFile?: string | undefined;
    asOf: string;
    outDir: string;
  }): Promise<{
    files: { datasource: string; feed: string; file: string }[];
    customers: number;
    rows: number;
  }>;
}

/**
 * The bank's month-end extracts for the demo's customers — accounts, transactions, account history,
 * arrears — written by the example generator as a core banking system would, then loaded with the
 * same code as `missive feeds load`: the statements render from them.
 */
async function loadExampleBankFeeds(
  rt: QueueRuntime,
  customersFile: string,
  mappingFile: string | undefined,
  asOf: string,
  out: (text: string) => void,
): Promise<void> {
  // The generator is an example in TypeScript outside src/: loaded through tsx (also from the compiled
  // CLI in dist/), which registers only for this import.
  const { tsImport } = await import('tsx/esm/api');
  const generator = (await tsImport(
    pathToFileURL(path.join(PROJECT_ROOT, 'examples', 'bank-statements', 'generate.ts')).href,
    import.meta.url,
  )) as BankFeedGenerator;
  const outDir = path.join(rt.config.dataDir, 'feeds', `bank-${asOf}`);
  const made = await generator.generateBankStatementFeeds({ customersFile, mappingFile, asOf, outDir });
  out(`
bank extracts for ${asOf}: ${made.rows.toLocaleString('en-GB')} rows for ${made.customers} customers in ${outDir}
`);
  for (const written of made.files) {
    const { summary, reportLine } = await loadFeedFile(rt, { ...written, asOf });
    out(formatLoadSummary(summary, reportLine).replace(/^/gm, '  '));
  }
}

async function printLookups(rt: QueueRuntime, runId: string, out: (text: string) => void): Promise<void> {
  const [first] = await listCommunicationsForRun(rt.store.db, runId, { statuses: ['archived'], limit: 1 });
  if (!first) return;
  out('look one up:\n');
  out(`  npx missive customers show ${first.customerId}\n`);
  out(`  npx missive decide --customer ${first.customerId} --type monthly-statement\n`);
  out(`  npx missive documents get ${first.id} --out statement.pdf\n`);
  out(`  npx missive runs show ${runId}\n`);
}
