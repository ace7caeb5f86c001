import type { Artifact } from '../core/types.ts';
import type { CompiledTemplate } from '../templates/heavy.ts';
import type { DocumentData } from '../templates/index.ts';
import { attachToEmail, type EmailAttachmentRef } from './email.ts';
import type { ChannelRender, RenderOptions } from './render-channel.ts';

/**
 * Statement and bill e-mails that carry their document (issue 16 item 5): a template whose manifest
 * says `"email": { "document": "attach" }` sends, with its e-mail, the PDF its print channel makes of
 * the same data — rendered with the same inputs, archived as its own blob, and named in the archived
 * e-mail by reference (format 3: name, media type, sha256, size). Dispatch reads and verifies it from
 * the blob store before sending; replay renders both again and proves the e-mail's bytes.
 */
export interface AttachedDocument {
  /** The PDF, to be stored in the blob store before the e-mail's ledger row. */
  pdf: Artifact;
  ref: EmailAttachmentRef;
}

/** What a sealed input snapshot records, so replay makes the same attachment. */
export interface AttachmentPlan {
  channel: 'print';
  name: string;
}

/**
 * The documents an e-mail attaches (the print PDF when the package says `email.document: attach`), with
 * their file names.
 */
export function emailAttachmentPlan(
  template: CompiledTemplate,
  communicationType: string,
  asOf: string,
): AttachmentPlan[] {
  const wanted = template.manifest.email?.document === 'attach';
  if (!wanted || !template.manifest.channels.includes('print')) return [];
  return [{ channel: 'print', name: `${communicationType}-${asOf}.pdf`.replace(/[^A-Za-z0-9._-]/g, '-') }];
}

/** The e-mail with its planned documents rendered and attached by reference. */
export async function attachPlannedDocuments(
  email: Artifact,
  plan: readonly AttachmentPlan[],
  data: DocumentData,
  options: RenderOptions,
  render: (channel: 'print', data: DocumentData, options: RenderOptions) => Promise<ChannelRender>,
): Promise<{ artifact: Artifact; attached: AttachedDocument[] }> {
  if (plan.length === 0) return { artifact: email, attached: [] };
  const attached: AttachedDocument[] = [];
  for (const p of plan) {
    const { artifact: pdf } = await render(p.channel, data, options);
    attached.push({
      pdf,
      ref: { name: p.name, mediaType: 'application/pdf', sha256: pdf.sha256, size: pdf.size },
    });
  }
  return {
    artifact: attachToEmail(
      email,
      attached.map((a) => a.ref),
    ),
    attached,
  };
}
