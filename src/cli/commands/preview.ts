import fs from 'node:fs';
import fs2 from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { brandForType } from '../../archive/index.ts';
import { parseAsOf } from '../../core/as-of.ts';
import { didYouMeanSentence } from '../../core/did-you-mean.ts';
import { isMissiveError, MissiveError } from '../../core/errors.ts';
import { CHANNEL_KINDS, type ChannelKind } from '../../core/types.ts';
import { customerDocumentData } from '../../customers/index.ts';
import { linkTrackingFromConfig, trackPrintOffers } from '../../feedback/index.ts';
import { renderForChannel } from '../../render/heavy.ts';
import { previewOffers, withOffers } from '../../rules/index.ts';
import { communicationId, getCustomer } from '../../store/index.ts';
import { type CompiledTemplate, compileTemplateAsync, loadPublishedTemplate } from '../../templates/heavy.ts';
import { type DocumentData, loadTemplatePackage } from '../../templates/index.ts';
import type { Runtime } from '../runtime.ts';
import { withRuntime } from '../with-runtime.ts';

interface PreviewOptions {
  customer?: string;
  run?: string;
  data?: string;
  channel: string;
  locale?: string;
  asOf?: string;
  out?: string;
}

/** A folder is a draft; anything else names a published template (latest version) or a version id. */
async function loadTemplate(
  rt: Runtime,
  ref: string,
): Promise<{ template: CompiledTemplate; files: Record<string, string> }> {
  if (fs.existsSync(ref) && fs.statSync(ref).isDirectory()) {
    const pkg = await loadTemplatePackage(path.resolve(ref));
    return { template: await compileTemplateAsync(pkg), files: { ...pkg.files } };
  }
  try {
    const { template, files } = await loadPublishedTemplate(rt.store.db, ref);
    return { template, files };
  } catch (error) {
    if (isMissiveError(error) && error.code === 'MSV_TEMPLATE_NOT_FOUND') {
      const published = error.message.replace(/^no published template "[^"]*"\.\s*/, '');
      // A folder typed with a slip: the nearest folder beside it (./templates for a bare name).
      const parent = ref.includes('/') ? path.dirname(ref) : 'templates';
      const folders = fs.existsSync(parent)
        ? fs.readdirSync(parent, { withFileTypes: true }).filter((e) => e.isDirectory())
        : [];
      const near = published.includes('Did you mean')
        ? ''
        : didYouMeanSentence(
            path.basename(ref),
            folders.map((e) => e.name),
          ).replace(/ (\S+)\?$/, ` ${parent}/$1?`);
      throw new MissiveError(
        'MSV_TEMPLATE_NOT_FOUND',
        `no template folder or published template "${ref}": ${published}${near}`,
        { ...error.details },
      );
    }
    throw error;
  }
}

export function registerPreviewCommand(program: Command): void {
  program
    .command('preview')
    .description('Render a template (draft folder or published) for one customer or a data file')
    .argument('<template>', 'template folder (draft), published name, or version id name@hash')
    .option('--customer <id>', 'render for this customer from the store')
    .option('--run <id>', 'with --customer: the offers this run decided (the document the customer got)')
    .option('--data <file>', 'render this JSON data file (default: the package sample-data.json)')
    .option('--channel <channel>', 'print, email or sms', 'print')
    .option('--locale <locale>', "locale (default: the customer's, else the template's first)")
    .option('--as-of <date>', 'document date YYYY-MM-DD (default: last day of the previous month)')
    .option('-o, --out <file>', 'where to write the document (default: preview.<ext>)')
    .action(async (ref: string, opts: PreviewOptions) => {
      const channel = opts.channel as ChannelKind;
      if (!CHANNEL_KINDS.includes(channel)) {
        throw new MissiveError('MSV_CONFIG_INVALID', `--channel must be one of ${CHANNEL_KINDS.join(', ')}`, {
          field: '--channel',
        });
      }
      let asOf = parseAsOf(opts.asOf);
      await withRuntime(async (rt) => {
        const { template, files } = await loadTemplate(rt, ref);
        let data: DocumentData;
        let locale = opts.locale ?? template.manifest.locales[0] ?? 'en-GB';
        if (opts.customer) {
          const customer = await getCustomer(rt.store.db, opts.customer);
          if (!customer) throw new MissiveError('MSV_STORE_NOT_FOUND', `no customer ${opts.customer}`);
          const found = await customerDocumentData(
            rt.store.db,
            rt.config.datasourcesDir,
            template.manifest.dataSource ?? template.name,
            customer,
            {
              given: opts.asOf === undefined ? undefined : asOf,
              fallback: asOf,
            },
          );
          asOf = found.asOf;
          const offers = await previewOffers(rt.store.db, customer, {
            communicationType: template.name,
            asOf,
            channel,
            runId: opts.run,
          });
          // A run's paper copy carries each offer's tracked link in its QR code: show the same.
          const shown =
            opts.run && channel === 'print' && offers.some((o) => o.cta)
              ? trackPrintOffers(offers, {
                  key: linkTrackingFromConfig(rt.config).key(),
                  baseUrl: rt.config.channels.publicUrl,
                  communicationId: communicationId(opts.run, customer.id, 'print'),
                }).offers
              : offers;
          data = withOffers(found.data as DocumentData, shown);
          locale = opts.locale ?? customer.locale;
        } else if (opts.data) {
          data = JSON.parse(await fs2.readFile(opts.data, 'utf8')) as DocumentData;
        } else if (files['sample-data.json']) {
          data = JSON.parse(files['sample-data.json']) as DocumentData;
        } else {
          throw new MissiveError('MSV_TEMPLATE_INVALID', 'no --customer, no --data and no sample-data.json');
        }
        const brand = await brandForType(rt.store.db, template.name);
        const { artifact, warnings } = await renderForChannel(template, channel, data, {
          asOf,
          locale,
          brand,
        });
        for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
        const out =
          opts.out ?? `preview.${channel === 'print' ? 'pdf' : channel === 'email' ? 'eml' : 'txt'}`;
        await fs2.writeFile(out, artifact.bytes);
        const pages = artifact.pages ? `, ${artifact.pages} page(s)` : '';
        const segments = artifact.segments ? `, ${artifact.segments} segment(s)` : '';
        process.stdout.write(
          `${out}: ${template.name} ${channel} ${locale}, ${artifact.size} bytes${pages}${segments}\n`,
        );
      });
    });
}
