import { MissiveError } from '../core/errors.ts';
import { invariant } from '../core/invariant.ts';
import type { Artifact } from '../core/types.ts';
import type { CompiledTemplate } from '../templates/heavy.ts';
import { type CompiledBrand, type DocumentData, withBrand } from '../templates/index.ts';
import { makeArtifact } from './artifact.ts';

export interface EmailOptions {
  /** YYYY-MM-DD, the document date; nothing in an email depends on the clock. */
  asOf: string;
  /** One of the template's locales, e.g. zh-CN. */
  locale: string;
  /** The run's brand: `@brand` in the template, and the sender (From, Reply-To) of the message. */
  brand?: CompiledBrand | undefined;
  /**
   * What the e-mail is for (the delivery policy's purpose): a service e-mail goes out from the brand's
   * `serviceSender`, a marketing one from its `sender`. Unset (documents made before it was kept): `sender`.
   */
  purpose?: EmailPurpose | undefined;
}

export type EmailPurpose = 'service' | 'marketing';

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
  const brand = options.brand?.view(options.locale);
  const runtime = withBrand(template.runtime(options.locale), brand);
  const checked = template.validateData(data);
  const subjectString = email.subjectId === undefined ? undefined : runtime.strings.get(email.subjectId);
  const subject = (subjectString ?? email.subject).render(checked, runtime).replace(/[\r\n]+/g, ' ');
  const parts = email.locales.get(runtime.locale) ?? email;
  const html = parts.html.render(checked, runtime);
  const text = parts.text.render(checked, runtime);
  const from = options.purpose === 'service' ? brand?.serviceSender : brand?.sender;
  const sender =
    brand && from ? { fromName: from.name, fromAddress: from.address, replyTo: brand.replyTo } : {};
  const { bytes, sizes } = encodeParts({ subject, html, text, ...sender });
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
  /** The brand's sender (format 2, rendered with a brand): the channel's From and Reply-To. */
  fromName?: string | undefined;
  fromAddress?: string | undefined;
  replyTo?: string | undefined;
  /**
   * Format 3: archived documents the message carries, by reference (never their bytes): dispatch
   * reads each from the blob store, which verifies the sha256, and sends it as an attachment.
   */
  attachments?: readonly EmailAttachmentRef[] | undefined;
}

/** An attachment of an archived e-mail: an archived blob by sha256, with its file name and media type. */
export interface EmailAttachmentRef {
  name: string;
  mediaType: string;
  sha256: string;
  size: number;
}

type PartName = 'subject' | 'html' | 'text' | 'fromName' | 'fromAddress' | 'replyTo' | 'attachments';
const FORMATS: Readonly<Record<string, readonly PartName[]>> = {
  'missive-email 1\n': ['subject', 'html', 'text'],
  'missive-email 2\n': ['subject', 'html', 'text', 'fromName', 'fromAddress', 'replyTo'],
  'missive-email 3\n': ['subject', 'html', 'text', 'fromName', 'fromAddress', 'replyTo', 'attachments'],
};
const MAGIC_1 = 'missive-email 1\n';
const MAGIC_2 = 'missive-email 2\n';
const MAGIC_3 = 'missive-email 3\n';
const SHA256 = /^[0-9a-f]{64}$/;

/**
 * The archived bytes: `missive-email 1` (or `2` when the message carries its brand's sender: From name,
 * From address and Reply-To follow the three parts), then per part a line `<name> <UTF-8 byte length>`,
 * the bytes and a line break. Format 3 (the message carries archived documents) adds `attachments`: a
 * JSON array of references (name, media type, sha256, size), never the documents' bytes. Nothing is escaped (JSON would escape every quote of the HTML, a third of the render
 * time), nothing depends on the clock; decodeEmail reads it back.
 */
export function encodeEmail(parts: EmailParts): Buffer {
  return encodeParts(parts).bytes;
}

/** encodeEmail, with each part's UTF-8 size: every part measured once and written once into one buffer. */
function encodeParts(parts: EmailParts): { bytes: Buffer; sizes: Record<PartName, number> } {
  const magic = parts.attachments?.length ? MAGIC_3 : parts.fromAddress === undefined ? MAGIC_1 : MAGIC_2;
  const names = FORMATS[magic]!;
  const attachments = JSON.stringify(
    (parts.attachments ?? []).map((a) => ({
      name: a.name,
      mediaType: a.mediaType,
      sha256: a.sha256,
      size: a.size,
    })),
  );
  const value = (name: PartName): string => (name === 'attachments' ? attachments : (parts[name] ?? ''));
  const sizes = Object.fromEntries(names.map((n) => [n, Buffer.byteLength(value(n), 'utf8')])) as Record<
    PartName,
    number
  >;
  const heads = names.map((name) => `${name} ${sizes[name]}\n`); // ASCII: one byte per character
  let total = magic.length;
  for (let i = 0; i < names.length; i += 1) total += heads[i]!.length + sizes[names[i]!] + 1;
  const bytes = Buffer.allocUnsafe(total); // every byte is written below
  let at = bytes.write(magic, 0, 'latin1');
  for (let i = 0; i < names.length; i += 1) {
    const name = names[i]!;
    at += bytes.write(heads[i]!, at, 'latin1');
    at += bytes.write(value(name), at, sizes[name], 'utf8');
    bytes[at] = 10;
    at += 1;
  }
  invariant(at === total, `encodeEmail: wrote ${at} of ${total} bytes`);
  return { bytes, sizes };
}

/**
 * An e-mail artifact's parts (subject, HTML, text, attachments).
 * @throws MissiveError MSV_RENDER_FAILED when the bytes are not a Missive e-mail artifact.
 */
export function decodeEmail(bytes: Uint8Array): EmailParts {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bad = () =>
    new MissiveError('MSV_RENDER_FAILED', 'not a Missive email artifact', { field: 'artifact' });
  const magic = buffer.subarray(0, MAGIC_1.length).toString('utf8');
  const names = FORMATS[magic];
  if (!names) throw bad();
  const out: Record<string, string> = {};
  let at = magic.length;
  for (const name of names) {
    const eol = buffer.indexOf(10, at);
    const header = /^(\w+) (\d+)$/.exec(buffer.subarray(at, eol).toString('utf8'));
    if (eol < 0 || header?.[1] !== name) throw bad();
    const end = eol + 1 + Number(header[2]);
    out[name] = buffer.subarray(eol + 1, end).toString('utf8');
    at = end + 1;
  }
  const { attachments, ...rest } = out;
  if (attachments === undefined) return rest as unknown as EmailParts;
  return { ...(rest as unknown as EmailParts), attachments: parseAttachments(attachments, bad) };
}

function parseAttachments(text: string, bad: () => MissiveError): EmailAttachmentRef[] {
  let list: unknown;
  try {
    list = JSON.parse(text);
  } catch {
    throw bad();
  }
  if (!Array.isArray(list)) throw bad();
  return list.map((a: Partial<EmailAttachmentRef>) => {
    if (
      typeof a?.name !== 'string' ||
      typeof a.mediaType !== 'string' ||
      typeof a.sha256 !== 'string' ||
      !SHA256.test(a.sha256) ||
      typeof a.size !== 'number'
    )
      throw bad();
    return { name: a.name, mediaType: a.mediaType, sha256: a.sha256, size: a.size };
  });
}

/**
 * The archived e-mail with these documents attached by reference (format 3): the same subject,
 * parts and sender. Pure: the same e-mail and references give the same bytes, so replay proves it.
 */
export function attachToEmail(artifact: Artifact, attachments: readonly EmailAttachmentRef[]): Artifact {
  const parts = decodeEmail(artifact.bytes);
  const all = [...(parts.attachments ?? []), ...attachments];
  return makeArtifact(encodeEmail({ ...parts, attachments: all }), EMAIL_MIME);
}
