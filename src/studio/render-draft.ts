import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { brandForType } from '../archive/index.ts';
import { SHIPPED_DATASOURCES_DIR } from '../core/config.ts';
import { errorMessage, isMissiveError, MissiveError } from '../core/errors.ts';
import type { Artifact, ChannelKind } from '../core/types.ts';
import { customerDocumentData } from '../customers/index.ts';
import { type BlockBox, type ChannelRender, type LintIssue, renderForChannel } from '../render/heavy.ts';
import { decodeEmail, type SmsEncoding, smsSegments } from '../render/index.ts';
import { previewOffers, withOffers } from '../rules/index.ts';
import { type Database, getCustomer } from '../store/index.ts';
import { type CompiledTemplate, compileTemplate, compileTemplateAsync } from '../templates/heavy.ts';
import { type DocumentData, packageSha256, templatePackageFromFiles } from '../templates/index.ts';

/** The as-of date when a caller gives none (the routes pass the end of last month). */
export const STUDIO_AS_OF = '2026-10-31';

/** What to preview: the draft's files, for a stored customer or the package's sample data, in a locale. */
export interface DraftPreviewRequest {
  templateName: string;
  files: Readonly<Record<string, string>>;
  locale?: string;
  customerId?: string;
  asOf?: string;
  /** Where data sources are (default: the ones Missive ships). */
  datasourcesDir?: string | undefined;
}

/** Compiled templates by package hash: typing in one file recompiles once, not per preview request. */
const compiled = new Map<string, Promise<CompiledTemplate>>();
const COMPILED_CACHE = 32;

export async function compileDraft(
  name: string,
  files: Readonly<Record<string, string>>,
  /** `print`: the print channel is all the caller renders (the canvas), so the e-mail is not compiled. */
  channels: 'all' | 'print' = 'all',
): Promise<CompiledTemplate> {
  // The package's hash first: reading the package checks every file (print.yaml parsed whole), which
  // a preview of a package compiled before need not do again.
  const sha256 = packageSha256(files);
  const key = channels === 'print' ? `${sha256} print` : sha256;
  let entry = compiled.get(sha256) ?? compiled.get(key);
  if (!entry) {
    entry = Promise.resolve().then(() => {
      const pkg = templatePackageFromFiles(name, files);
      return channels === 'print' ? compileTemplate(pkg) : compileTemplateAsync(pkg);
    });
    compiled.set(key, entry);
    entry.catch(() => compiled.delete(key));
    if (compiled.size > COMPILED_CACHE) compiled.delete(compiled.keys().next().value!);
  }
  return entry;
}

/** The document data: a stored customer's (with the offers the rules choose now) or the sample data. */
export async function draftData(
  db: Kysely<Database>,
  template: CompiledTemplate,
  req: DraftPreviewRequest,
): Promise<{ data: DocumentData; locale: string; asOf: string }> {
  const asOf = req.asOf ?? STUDIO_AS_OF;
  const fallbackLocale = template.manifest.locales[0] ?? 'en-GB';
  if (req.customerId) {
    const customer = await getCustomer(db, req.customerId);
    if (!customer) {
      throw new MissiveError('MSV_STORE_NOT_FOUND', `no customer ${req.customerId}`, { field: 'customerId' });
    }
    const found = await customerDocumentData(
      db,
      req.datasourcesDir ?? SHIPPED_DATASOURCES_DIR,
      template.manifest.dataSource ?? template.name,
      customer,
      { given: req.asOf, fallback: asOf },
    );
    let data = found.data as DocumentData;
    try {
      const offers = await previewOffers(db, customer, {
        communicationType: template.name,
        asOf: found.asOf,
        channel: 'print',
      });
      data = withOffers(data, offers);
    } catch (err) {
      // No catalog yet (or none for this type): the document simply has no offers.
      if (!isMissiveError(err) || !err.code.startsWith('MSV_RULES_')) throw err;
    }
    return { data, locale: req.locale ?? customer.locale, asOf: found.asOf };
  }
  const sample = req.files['sample-data.json'];
  if (sample === undefined) {
    throw new MissiveError(
      'MSV_API_BAD_REQUEST',
      `template ${template.name} has no sample data; choose a customer`,
      {
        field: 'customerId',
      },
    );
  }
  return { data: JSON.parse(sample) as DocumentData, locale: req.locale ?? fallbackLocale, asOf };
}

/** Sample-data print renders by everything that decides their bytes (see renderDraftPrint). */
const printed = new Map<string, Promise<{ artifact: Artifact; boxes: BlockBox[] }>>();
const PRINTED_CACHE = 16;

/**
 * A draft's print document with its block map (the canvas). A render of the sample data is kept by
 * what decides its bytes — the files, locale, as-of date and brand (rendering is pure) — so the
 * canvas and its page images, asked for one after the other, render once; a stored customer's data
 * can change, so it is rendered afresh each time.
 */
export async function renderDraftPrint(
  db: Kysely<Database>,
  req: DraftPreviewRequest,
): Promise<{ artifact: Artifact; boxes: BlockBox[] }> {
  const template = await compileDraft(req.templateName, req.files, 'print');
  const { data, locale, asOf } = await draftData(db, template, req);
  const brand = await brandForType(db, req.templateName);
  const render = async () => {
    const boxes: BlockBox[] = [];
    const { artifact } = await renderForChannel(template, 'print', data, {
      asOf,
      locale,
      brand,
      blockMap: boxes,
    });
    return { artifact, boxes };
  };
  if (req.customerId) return render();
  const files = Object.entries(req.files).sort(([a], [b]) => (a < b ? -1 : 1));
  const key = createHash('sha256')
    .update(JSON.stringify([req.templateName, files, locale, asOf, brand]))
    .digest('hex');
  let entry = printed.get(key);
  if (!entry) {
    entry = render();
    printed.set(key, entry);
    entry.catch(() => printed.delete(key));
    if (printed.size > PRINTED_CACHE) printed.delete(printed.keys().next().value!);
  }
  return entry;
}

/** A draft's live preview on one channel, with sample data and the type's brand; render errors propagate. */
export async function renderDraftChannel(
  db: Kysely<Database>,
  req: DraftPreviewRequest,
  channel: ChannelKind,
): Promise<ChannelRender> {
  if (channel === 'print') return { artifact: (await renderDraftPrint(db, req)).artifact, warnings: [] };
  const template = await compileDraft(req.templateName, req.files);
  const { data, locale, asOf } = await draftData(db, template, req);
  const brand = await brandForType(db, req.templateName);
  return renderForChannel(template, channel, data, { asOf, locale, brand });
}

export interface DraftPreview {
  locale: string;
  channels: ChannelKind[];
  /** Errors stop a channel's preview; warnings (size, segments) do not. */
  issues: LintIssue[];
  print?: { pages: number; bytes: number };
  email?: { subject: string; bytes: number; htmlBytes: number };
  sms?: { text: string; encoding: SmsEncoding; segments: number; units: number };
}

/**
 * Renders a draft on every channel of its manifest, as the editor shows it side by side, collecting
 * problems instead of throwing: a misspelt variable becomes an issue naming it, not a 500.
 */
export async function previewDraft(db: Kysely<Database>, req: DraftPreviewRequest): Promise<DraftPreview> {
  const issues: LintIssue[] = [];
  let template: CompiledTemplate;
  try {
    template = await compileDraft(req.templateName, req.files);
  } catch (err) {
    issues.push(issueOf(err));
    return { locale: req.locale ?? 'en-GB', channels: [], issues };
  }
  let prepared: Awaited<ReturnType<typeof draftData>>;
  try {
    prepared = await draftData(db, template, req);
  } catch (err) {
    // An unknown customer is the caller's mistake (404); broken sample data is the author's (an issue).
    if (isMissiveError(err) && err.code === 'MSV_STORE_NOT_FOUND') throw err;
    const where = req.customerId ? `customer ${req.customerId}` : 'sample-data.json';
    issues.push({ ...issueOf(err), message: `${where}: ${errorMessage(err)}` });
    return { locale: req.locale ?? 'en-GB', channels: [], issues };
  }
  const { data, locale, asOf } = prepared;
  const channels = template.manifest.channels as ChannelKind[];
  const out: DraftPreview = { locale, channels, issues };
  for (const channel of channels) {
    try {
      const brand = await brandForType(db, req.templateName);
      const { artifact, warnings } = await renderForChannel(template, channel, data, { asOf, locale, brand });
      for (const message of warnings) issues.push({ severity: 'warning', message, channel, locale });
      if (channel === 'print') out.print = { pages: artifact.pages ?? 0, bytes: artifact.bytes.byteLength };
      if (channel === 'email') {
        const email = decodeEmail(artifact.bytes);
        out.email = {
          subject: email.subject,
          bytes: artifact.bytes.byteLength,
          htmlBytes: Buffer.byteLength(email.html),
        };
      }
      if (channel === 'sms') {
        const text = Buffer.from(artifact.bytes).toString('utf8');
        out.sms = { text, ...smsSegments(text) };
      }
    } catch (err) {
      issues.push({ ...issueOf(err), channel, locale });
    }
  }
  return out;
}

function issueOf(err: unknown): LintIssue {
  return {
    severity: 'error',
    message: errorMessage(err),
    ...(isMissiveError(err) ? { code: err.code } : {}),
  };
}
