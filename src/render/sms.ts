import { MissiveError } from '../core/errors.ts';
import type { Artifact } from '../core/types.ts';
import type { CompiledTemplate } from '../templates/heavy.ts';
import { type CompiledBrand, type DocumentData, withBrand } from '../templates/index.ts';
import { makeArtifact } from './artifact.ts';
import { type SmsEncoding, smsSegments } from './sms-segments.ts';

export interface SmsOptions {
  /** One of the template's locales, e.g. zh-CN. */
  locale: string;
  /** The run's brand, read as `@brand` (the sender's name at the start of the message). */
  brand?: CompiledBrand | undefined;
}

export interface SmsArtifact {
  /** The message as sent: plain text, not HTML-escaped (see compile-sms.ts); CR/LF from the data kept. */
  text: string;
  encoding: SmsEncoding;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  units: number;
  segments: number;
  /** The UTF-8 text, mime text/plain, with `segments`. */
  artifact: Artifact;
  /** Lint-level findings, e.g. more parts than the manifest's sms.maxSegments. */
  warnings: string[];
}

export const SMS_MIME = 'text/plain; charset=utf-8';

/** Renders one SMS. Pure: the same template version, data and locale give the same bytes. */
export function renderSms(template: CompiledTemplate, data: DocumentData, options: SmsOptions): SmsArtifact {
  const sms = template.sms;
  if (!sms) {
    throw new MissiveError('MSV_TEMPLATE_INVALID', `template ${template.name} has no sms channel`, {
      file: 'manifest.json',
      field: 'channels',
    });
  }
  const runtime = withBrand(template.runtime(options.locale), options.brand?.view(options.locale));
  const checked = template.validateData(data);
  const direct = sms.stringId === undefined ? undefined : runtime.strings.get(sms.stringId);
  const text = (direct ?? sms.body).render(checked, runtime);
  const { encoding, units, segments } = smsSegments(text);
  const warnings =
    segments > sms.maxSegments
      ? [`sms.hbs: ${segments} parts (${encoding}, ${units} units) exceed sms.maxSegments ${sms.maxSegments}`]
      : [];
  const artifact = makeArtifact(Buffer.from(text, 'utf8'), SMS_MIME, { segments });
  return { text, encoding, units, segments, artifact, warnings };
}
