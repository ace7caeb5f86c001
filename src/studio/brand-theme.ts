import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import YAML from 'yaml';
import { z } from 'zod';
import { MissiveError } from '../core/errors.ts';
import { fontNames } from '../render/heavy.ts';
import {
  appendAudit,
  type BrandChangeRecord,
  type Database,
  decideBrandChange,
  getBrandChange,
  insertBrandChange,
} from '../store/index.ts';
import {
  BRAND_FILE,
  type BrandSource,
  brandSourceFromFiles,
  compileBrand,
  forgetLoadedBrand,
  loadBrandSource,
} from '../templates/index.ts';
import { readAsset } from './assets.ts';
import { canApprove, type StudioActor } from './workflow.ts';

/**
 * The brand theme in one place: the colours, fonts and logo of brands/<id>/brand.yaml — the file
 * print (`brand.primary` in print.yaml) and e-mail (`@brand.colors.primary` in MJML) both read — edited
 * in one studio form. A change is proposed with the brand folder's files as they would be, checked as
 * a brand is at start-up, and written into the brands folder only when another approver approves it
 * (four eyes). Documents already made keep their bytes: their sealed inputs name the brand version
 * they were rendered with, kept in the blob store under its sha256.
 */

/** The colours the form edits (the brand keeps the rest: muted, line, panel…). */
export const THEME_FORM_COLORS = ['primary', 'accent', 'text'] as const;

export interface ThemeForm {
  primary: string;
  accent: string;
  text: string;
  heading: string;
  body: string;
  email: string;
  /** The library image to make the logo, or '' to keep the logo. */
  logo: string;
}

const hex = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour such as #0b3d6e');
/** A CSS font stack: names, quotes, commas and spaces — nothing that could end the style attribute. */
const fontStack = z
  .string()
  .min(1)
  .max(200)
  .regex(
    /^[\w\s,'-]+$/,
    "font names separated by commas, such as Helvetica, Arial, 'PingFang SC', sans-serif",
  );

function formSchema() {
  const fonts = fontNames();
  const font = z.string().refine((f) => fonts.includes(f), `one of ${fonts.join(', ')}`);
  return z.strictObject({
    primary: hex,
    accent: hex,
    text: hex,
    heading: font,
    body: font,
    email: fontStack,
    logo: z.string().max(100),
  });
}

/** What the form shows for a brand: its colours, fonts and logo file. */
export function themeFormOf(source: BrandSource): ThemeForm & { logoFile: string } {
  const spec = YAML.parse(source.files[BRAND_FILE] ?? '') as {
    colors: Record<string, string>;
    fonts: Record<string, string>;
    logo: { file: string };
  };
  return {
    primary: spec.colors.primary ?? '',
    accent: spec.colors.accent ?? '',
    text: spec.colors.text ?? '',
    heading: spec.fonts.heading ?? '',
    body: spec.fonts.body ?? '',
    email: spec.fonts.email ?? '',
    logo: '',
    logoFile: spec.logo.file,
  };
}

/**
 * The brand's files with the form's values: brand.yaml edited in place (its comments and every other
 * key kept), the logo replaced by the library image when one is chosen. Checked as a brand
 * (compileBrand): MSV_BRAND_INVALID says which field.
 */
export function applyThemeForm(
  source: BrandSource,
  form: Omit<ThemeForm, 'logo'>,
  logo?: { kind: 'png' | 'jpeg'; bytes: Buffer },
): BrandSource {
  const doc = YAML.parseDocument(source.files[BRAND_FILE] ?? '');
  // Only what changed is set: an unchanged form gives the same bytes, so the same brand version.
  let changed = false;
  const set = (keys: [string, string], value: string) => {
    if (doc.getIn(keys) === value) return;
    doc.setIn(keys, value);
    changed = true;
  };
  for (const color of THEME_FORM_COLORS) set(['colors', color], form[color]);
  for (const font of ['heading', 'body', 'email'] as const) set(['fonts', font], form[font]);
  const files: Record<string, string> = { ...source.files };
  if (logo) {
    const oldFile = String(doc.getIn(['logo', 'file']));
    const newFile = logo.kind === 'jpeg' ? 'logo.jpg' : 'logo.png';
    delete files[`${oldFile}.b64`];
    files[`${newFile}.b64`] = logo.bytes.toString('base64');
    set(['logo', 'file'], newFile);
  }
  if (changed) files[BRAND_FILE] = doc.toString({ lineWidth: 0 });
  const next = brandSourceFromFiles(source.id, files);
  compileBrand(next);
  return next;
}

function newChangeId(): string {
  return `brc_${randomBytes(9).toString('base64url')}`;
}

/**
 * A marketer proposes a theme change for a brand (audited). Refused with the field and reason when
 * a value is not a colour, font or library image, or when it changes nothing.
 */
export async function proposeBrandTheme(
  db: Kysely<Database>,
  who: StudioActor,
  brandsDir: string,
  brandId: string,
  input: unknown,
): Promise<BrandChangeRecord> {
  const parsed = formSchema().safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join('.') || 'form';
    throw new MissiveError('MSV_BRAND_INVALID', `${field}: ${issue.message}`, { field });
  }
  const { logo: logoName, ...form } = parsed.data;
  const current = await loadBrandSource(brandsDir, brandId);
  let logo: { kind: 'png' | 'jpeg'; bytes: Buffer } | undefined;
  if (logoName) {
    const { asset, bytes } = await readAsset(db, { name: logoName });
    logo = { kind: asset.kind, bytes };
  }
  const next = applyThemeForm(current, form, logo);
  if (next.sha256 === current.sha256) {
    throw new MissiveError('MSV_BRAND_INVALID', `brand ${brandId}: the form changes nothing`, {
      field: 'form',
    });
  }
  const change = await insertBrandChange(db, {
    id: newChangeId(),
    brandId,
    baseSha256: current.sha256,
    sha256: next.sha256,
    files: { ...next.files },
    submittedBy: who.user,
  });
  await audit(db, who, 'studio.brand.submit', change, { base: current.sha256, sha256: next.sha256 });
  return change;
}

async function audit(
  db: Kysely<Database>,
  who: StudioActor,
  action: string,
  change: BrandChangeRecord,
  details: Record<string, unknown> = {},
): Promise<void> {
  await appendAudit(db, {
    actor: who.actor,
    action,
    targetType: 'brand',
    targetId: change.brandId,
    details: { change: change.id, ...details, ...(who.ip ? { ip: who.ip } : {}) },
  });
}

async function requireSubmitted(db: Kysely<Database>, id: string): Promise<BrandChangeRecord> {
  const change = await getBrandChange(db, id);
  if (!change)
    throw new MissiveError('MSV_STUDIO_DRAFT_NOT_FOUND', `no brand change ${id}`, { field: 'change' });
  if (change.status !== 'submitted') {
    throw new MissiveError(
      'MSV_STUDIO_DRAFT_STATE',
      `brand change ${id} is ${change.status}, not submitted`,
      {
        field: 'change',
      },
    );
  }
  return change;
}

/**
 * Another approver approves a proposed change: the brand folder's files are written (each through a
 * temporary file and a rename; the replaced logo removed) and the process's copy of the brand
 * dropped, so previews and runs started from now on use the new theme. Refused for the submitter
 * (MSV_STUDIO_SELF_APPROVAL), non-approvers, and a change made from a brand version that is no longer
 * the brand's (MSV_STUDIO_DRAFT_STATE: someone changed it since; propose again).
 */
export async function approveBrandTheme(
  db: Kysely<Database>,
  who: StudioActor,
  brandsDir: string,
  id: string,
): Promise<BrandChangeRecord> {
  const change = await requireSubmitted(db, id);
  if (change.submittedBy === who.user) {
    await audit(db, who, 'studio.brand.approve.refused', change, { reason: 'self-approval' });
    throw new MissiveError('MSV_STUDIO_SELF_APPROVAL', `${who.user} proposed brand change ${id}`);
  }
  if (!(await canApprove(db, who))) {
    throw new MissiveError('MSV_AUTH_FORBIDDEN', `${who.user} does not have the approver right`);
  }
  const current = await loadBrandSource(brandsDir, change.brandId);
  if (current.sha256 !== change.baseSha256) {
    throw new MissiveError(
      'MSV_STUDIO_DRAFT_STATE',
      `brand ${change.brandId} changed since change ${id} was proposed: propose it again`,
      { field: 'change' },
    );
  }
  compileBrand(brandSourceFromFiles(change.brandId, change.files));
  if (!(await decideBrandChange(db, id, 'approved', who.user))) {
    throw new MissiveError('MSV_STUDIO_DRAFT_STATE', `brand change ${id} was decided meanwhile`, {
      field: 'change',
    });
  }
  await writeBrandFolder(path.join(brandsDir, change.brandId), current.files, change.files);
  forgetLoadedBrand(change.brandId);
  await audit(db, who, 'studio.brand.approve', change, { sha256: change.sha256 });
  return { ...change, status: 'approved', decidedBy: who.user };
}

export async function rejectBrandTheme(db: Kysely<Database>, who: StudioActor, id: string): Promise<void> {
  const change = await requireSubmitted(db, id);
  if (!(await canApprove(db, who)) && change.submittedBy !== who.user) {
    throw new MissiveError('MSV_AUTH_FORBIDDEN', `${who.user} does not have the approver right`);
  }
  await decideBrandChange(db, id, 'rejected', who.user);
  await audit(db, who, 'studio.brand.reject', change);
}

async function writeBrandFolder(
  folder: string,
  before: Readonly<Record<string, string>>,
  after: Readonly<Record<string, string>>,
): Promise<void> {
  await mkdir(folder, { recursive: true });
  // The logo first and brand.yaml last: a reader between two writes sees the old brand.yaml.
  const names = Object.keys(after).sort((a, b) => Number(a === BRAND_FILE) - Number(b === BRAND_FILE));
  for (const name of names) {
    if (before[name] === after[name]) continue;
    const tmp = path.join(folder, `.${name}.${process.pid}.tmp`);
    await writeFile(tmp, after[name]!, 'utf8');
    await rename(tmp, path.join(folder, name));
  }
  for (const name of Object.keys(before))
    if (!(name in after)) await rm(path.join(folder, name), { force: true });
}
