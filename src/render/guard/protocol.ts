import type { ErrorDetails } from '../../core/errors.ts';
import type { Artifact, ChannelKind } from '../../core/types.ts';
import type { BrandSource, DocumentData } from '../../templates/index.ts';
import type { RenderOptions } from '../render-channel.ts';

/** A published template version as the render thread receives it: files once, then only the id. */
export interface TemplateSource {
  versionId: string;
  name: string;
  files: Readonly<Record<string, string>>;
}

export interface RenderRequest {
  id: number;
  versionId: string;
  /** Sent with the first request for a version in this thread. */
  template?: TemplateSource;
  channel: ChannelKind;
  data: DocumentData;
  /** Without the brand: it is named by `brandSha256` and sent with the first request that needs it. */
  options: Omit<RenderOptions, 'brand'>;
  brandSha256?: string;
  brand?: BrandSource;
}

export type RenderReply =
  | { id: number; ok: true; artifact: Artifact; warnings: string[] }
  | {
      id: number;
      ok: false;
      error: { code?: string; message: string; details?: ErrorDetails };
    };
