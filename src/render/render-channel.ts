import { MissiveError } from '../core/errors.ts';
import type { Artifact, ChannelKind } from '../core/types.ts';
import type { CompiledTemplate } from '../templates/compile.ts';
import type { DocumentData } from '../templates/types.ts';
import { renderEmail } from './email.ts';
import { renderPrint } from './print.ts';
import { renderSms } from './sms.ts';

export interface RenderOptions {
  asOf: string;
  locale: string;
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
  switch (channel) {
    case 'print':
      return { artifact: await renderPrint(template, data, options), warnings: [] };
    case 'email': {
      const email = await renderEmail(template, data, options);
      return { artifact: email.artifact, warnings: email.warnings };
    }
    case 'sms': {
      const sms = renderSms(template, data, { locale: options.locale });
      return { artifact: sms.artifact, warnings: sms.warnings };
    }
  }
}
