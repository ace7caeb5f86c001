import { MissiveError } from '../core/errors.ts';
import type { Artifact } from '../core/types.ts';
import type { CompiledTemplate } from '../templates/compile.ts';
import type { DocumentData } from '../templates/types.ts';
import { makeArtifact } from './artifact.ts';

export interface EmailOptions {
  /** YYYY-MM-DD, the document date; nothing in an email depends on the clock. */
  asOf: string;
  /** One of the template's locales, e.g. zh-CN. */
  locale: string;
}

export interface EmailArtifact {
  subject: string;
  html: string;
  text: string;
  /** Subject, HTML and text framed by encodeEmail: deterministic, no Date or Message-ID. */
  artifact: Artifact;
  /** UTF-8 bytes of the HTML part: what Gmail measures before clipping. */
  sizeBytes: number;
  /** Lint-level findings, e.g. HTML past Gmail's 102 KB clipping size. */
  warnings: string[];
}

/** The archive's media type for a rendered email; the channel builds the MIME message around it. */
export const EMAIL_MIME = 'application/vnd.missive.email';
/** Gmail clips a message whose HTML exceeds 102 KB. */
export const GMAIL_CLIP_BYTES = 102 * 1024;

/**
 * Renders one email: only Handlebars runs here (MJML ran once, in compileTemplateAsync). Pure: the same
 * template version, data and locale give the same bytes. A line break in the subject (a header) is
 * folded to a space, so data can never add a header.
 */
export function renderEmail(
  template: CompiledTemplate,
  data: DocumentData,
  options: EmailOptions,
): EmailArtifact {
  const email = template.email;
  if (!email) {
    const has = template.manifest.channels.includes('email');
    throw new MissiveError(
      'MSV_TEMPLATE_INVALID',
      has
        ? `template ${template.name}: the email channel is compiled by compileTemplateAsync, not compileTemplate`
        : `template ${template.name} has no email channel`,
      { file: 'manifest.json', field: 'channels' },
    );
  }
  const runtime = template.runtime(options.locale);
  const checked = template.validateData(data);
  const subjectString = email.subjectId === undefined ? undefined : runtime.strings.get(email.subjectId);
  const subject = (subjectString ?? email.subject).render(checked, runtime).replace(/[\r\n]+/g, ' ');
  const parts = email.locales.get(runtime.locale) ?? email;
  const html = parts.html.render(checked, runtime);
  const text = parts.text.render(checked, runtime);
  const { bytes, sizes } = encodeParts({ subject, html, text });
  const sizeBytes = sizes.html;
  const warnings =
    sizeBytes > GMAIL_CLIP_BYTES
      ? [`email.mjml: the HTML is ${(sizeBytes / 1024).toFixed(1)} KB; Gmail clips messages over 102 KB`]
      : [];
  const artifact = makeArtifact(bytes, EMAIL_MIME);
  return { subject, html, text, artifact, sizeBytes, warnings };
}

export interface EmailParts {
  subject: string;
  html: string;
  text: string;
}

const PART_NAMES = ['subject', 'html', 'text'] as const;
const MAGIC = 'missive-email 1\n';

/**
 * The archived bytes: `missive-email 1`, then per part a line `<name> <UTF-8 byte length>`, the bytes and
 * a line break. Nothing is escaped (JSON would escape every quote of the HTML, a third of the render
 * time), nothing depends on the clock; decodeEmail reads it back.
 */
export function encodeEmail(parts: EmailParts): Buffer {
  return encodeParts(parts).bytes;
}

/** encodeEmail, with each part's UTF-8 size: every part measured once and written once into one buffer. */
function encodeParts(parts: EmailParts): { bytes: Buffer; sizes: Record<keyof EmailParts, number> } {
  const sizes = {
    subject: Buffer.byteLength(parts.subject, 'utf8'),
    html: Buffer.byteLength(parts.html, 'utf8'),
    text: Buffer.byteLength(parts.text, 'utf8'),
  };
  const heads = PART_NAMES.map((name) => `${name} ${sizes[name]}\n`); // ASCII: one byte per character
  let total = MAGIC.length;
  for (let i = 0; i < PART_NAMES.length; i += 1) total += heads[i]!.length + sizes[PART_NAMES[i]!] + 1;
  const bytes = Buffer.allocUnsafe(total); // every byte is written below
  let at = bytes.write(MAGIC, 0, 'latin1');
  for (let i = 0; i < PART_NAMES.length; i += 1) {
    const name = PART_NAMES[i]!;
    at += bytes.write(heads[i]!, at, 'latin1');
    at += bytes.write(parts[name], at, sizes[name], 'utf8');
    bytes[at] = 10;
    at += 1;
  }
  if (at !== total) throw new Error(`encodeEmail: wrote ${at} of ${total} bytes`);
  return { bytes, sizes };
}

export function decodeEmail(bytes: Uint8Array): EmailParts {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bad = () =>
    new MissiveError('MSV_RENDER_FAILED', 'not a Missive email artifact', { field: 'artifact' });
  if (buffer.subarray(0, MAGIC.length).toString('utf8') !== MAGIC) throw bad();
  const out: Partial<EmailParts> = {};
  let at = MAGIC.length;
  for (const name of PART_NAMES) {
    const eol = buffer.indexOf(10, at);
    const header = /^(\w+) (\d+)$/.exec(buffer.subarray(at, eol).toString('utf8'));
    if (eol < 0 || header?.[1] !== name) throw bad();
    const end = eol + 1 + Number(header[2]);
    out[name] = buffer.subarray(eol + 1, end).toString('utf8');
    at = end + 1;
  }
  return out as EmailParts;
}
