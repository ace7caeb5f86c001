import { MissiveError } from '../core/errors.ts';
import type { Artifact, ChannelKind } from '../core/types.ts';
import type { CompiledTemplate } from '../templates/heavy.ts';
import { type BrandSource, compileBrand, type DocumentData } from '../templates/index.ts';
import { type EmailPurpose, renderEmail } from './email.ts';
import type { BlockBox } from './pdf/block-map.ts';
import { renderPrint } from './print.ts';
import { renderSms } from './sms.ts';

export interface RenderOptions {
  asOf: string;
  locale: string;
  /**
   * The brand the document is made for (the catalog's, or the default brand: see
   * src/batch/run-brand.ts). Plain data, so it crosses to a render thread; compiled once per version.
   * It is part of the document's sealed inputs, so `missive verify` renders with the same brand.
   */
  brand?: BrandSource | undefined;
  /** E-mail only: service or marketing, which decides the brand's sender (src/render/email.ts). */
  purpose?: EmailPurpose | undefined;
  /** Print only: filled with each body block's box per page (the studio's canvas); same bytes. */
  blockMap?: BlockBox[] | undefined;
}

export interface ChannelRender {
  artifact: Artifact;
  /** What an author should know but that does not stop the document (Gmail clipping, SMS parts). */
  warnings: string[];
}

/**
 * One entry point per channel, so preview, lint and runs render exactly the same way. Email needs
 * the template compiled with `compileTemplateAsync` (MJML 5 is asynchronous).
 */
export async function renderForChannel(
  template: CompiledTemplate,
  channel: ChannelKind,
  data: DocumentData,
  options: RenderOptions,
): Promise<ChannelRender> {
  if (!template.manifest.channels.includes(channel)) {
    throw new MissiveError(
      'MSV_TEMPLATE_INVALID',
      `template ${template.name} has no ${channel} channel (it has: ${template.manifest.channels.join(', ')})`,
      { file: 'manifest.json', field: 'channels' },
    );
  }
  const brand = options.brand ? compileBrand(options.brand) : undefined;
  const common = { asOf: options.asOf, locale: options.locale, brand };
  switch (channel) {
    case 'print':
      return {
        artifact: await renderPrint(template, data, { ...common, blockMap: options.blockMap }),
        warnings: [],
      };
    case 'email': {
      const email = renderEmail(template, data, { ...common, purpose: options.purpose });
      return { artifact: email.artifact, warnings: email.warnings };
    }
    case 'sms': {
      const sms = renderSms(template, data, { locale: options.locale, brand });
      return { artifact: sms.artifact, warnings: sms.warnings };
    }
  }
}
