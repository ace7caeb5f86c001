import { MissiveError } from '../core/errors.ts';
import type { Artifact, ChannelKind } from '../core/types.ts';
import type { CompiledTemplate } from '../templates/compile.ts';
import type { DocumentData } from '../templates/types.ts';
import { renderPrint } from './print.ts';

export interface RenderOptions {
  asOf: string;
  locale: string;
}

/** One entry point per channel, so preview, lint and runs render exactly the same way. */
export async function renderForChannel(
  template: CompiledTemplate,
  channel: ChannelKind,
  data: DocumentData,
  options: RenderOptions,
): Promise<Artifact> {
  if (!template.manifest.channels.includes(channel)) {
    throw new MissiveError(
      'MSV_TEMPLATE_INVALID',
      `template ${template.name} has no ${channel} channel (it has: ${template.manifest.channels.join(', ')})`,
      { file: 'manifest.json', field: 'channels' },
    );
  }
  switch (channel) {
    case 'print':
      return renderPrint(template, data, options);
    default:
      throw new MissiveError(
        'MSV_TEMPLATE_INVALID',
        `rendering the ${channel} channel is not available yet`,
        {
          field: 'channel',
        },
      );
  }
}
