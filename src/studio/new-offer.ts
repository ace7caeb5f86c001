import type { Kysely } from 'kysely';
import { MissiveError } from '../core/errors.ts';
import type { Catalog, Offer } from '../rules/index.ts';
import type { Database, PublishResult } from '../store/index.ts';
import { readAsset } from './assets.ts';
import { latestCatalog, type OfferCheck, publishOffer } from './offers.ts';
import type { StudioActor } from './workflow.ts';

/**
 * A new offer from a form (no JSON): its id, name, headline, body and call to action in each of the
 * catalog's languages (the same text on print and e-mail), a picture from the image library, a
 * priority, and who may receive it — everyone, or one condition on a trait. Built into the catalog's
 * own offer shape and published through publishOffer (approvers; the same checks and audit).
 */
export interface NewOfferForm {
  id: string;
  weight: string;
  exclusionGroup?: string;
  picture?: string;
  variable?: string;
  op?: string;
  value?: string;
  /** Per locale: `name.en-GB`, `headline.en-GB`, `body.en-GB`, `ctaLabel.en-GB`, `ctaUrl.en-GB`. */
  [field: string]: string | undefined;
}

export const RULE_OPS = ['>=', '<=', '==', '!=', '>', '<'] as const;

function bad(field: string, message: string): MissiveError {
  return new MissiveError('MSV_API_BAD_REQUEST', `${field}: ${message}`, { field });
}

/** The eligibility rule of the form: `true` for everyone, else `{op: [{var}, value]}` typed by the trait. */
export function formRule(catalog: Catalog, form: NewOfferForm): unknown {
  const variable = form.variable?.trim();
  if (!variable) return { '==': [1, 1] };
  const types: Record<string, string> = {};
  for (const [name, trait] of Object.entries(catalog.traits.traits)) types[name] = trait.type;
  for (const c of catalog.traits.computed) types[c.name] = c.type;
  const type = types[variable];
  if (!type) throw bad('variable', `${variable} is not a trait of the catalog`);
  const op = form.op ?? '';
  if (!(RULE_OPS as readonly string[]).includes(op)) throw bad('op', `one of ${RULE_OPS.join(' ')}`);
  const raw = (form.value ?? '').trim();
  let value: unknown = raw;
  if (type === 'number' || type === 'integer') {
    value = Number(raw);
    if (raw === '' || !Number.isFinite(value)) throw bad('value', `${variable} is a ${type}: give a number`);
  } else if (type === 'boolean') {
    if (raw !== 'true' && raw !== 'false') throw bad('value', `${variable} is a boolean: true or false`);
    value = raw === 'true';
  }
  return { [op]: [{ var: variable }, value] };
}

/** The offer the form describes (not yet checked against the catalog: publishOffer does that). */
export function offerFromForm(catalog: Catalog, form: NewOfferForm, picture?: string): Offer {
  const id = (form.id ?? '').trim();
  if (catalog.offers.some((o) => o.id === id)) throw bad('id', `the catalog already has an offer ${id}`);
  const weight = Number(form.weight);
  if (!(weight > 0)) throw bad('weight', 'a positive number');
  const name: Record<string, string> = {};
  const blocks: Record<
    string,
    { headline: string; body: string; image?: string; cta?: { label: string; url: string } }
  > = {};
  for (const locale of catalog.locales) {
    const field = (key: string) => (form[`${key}.${locale}`] ?? '').trim();
    name[locale] = field('name');
    const label = field('ctaLabel');
    const url = field('ctaUrl');
    if (Boolean(label) !== Boolean(url))
      throw bad(`ctaUrl.${locale}`, 'give both the button text and its link, or neither');
    blocks[locale] = {
      headline: field('headline'),
      body: field('body'),
      ...(picture ? { image: picture } : {}),
      ...(label ? { cta: { label, url } } : {}),
    };
  }
  const group = form.exclusionGroup?.trim();
  return {
    id,
    name,
    eligibility: formRule(catalog, form),
    prior: { weight, alpha: 1, beta: 1 },
    ...(group ? { exclusionGroup: group } : {}),
    content: { print: blocks, email: structuredClone(blocks) },
  } as Offer;
}

/** An approver publishes the catalog with the form's new offer (and its library picture). */
export async function publishNewOffer(
  db: Kysely<Database>,
  who: StudioActor,
  form: NewOfferForm,
  asOf: string,
): Promise<PublishResult & { check: OfferCheck; offer: Offer }> {
  const { catalog } = await latestCatalog(db);
  const picture = form.picture ? (await readAsset(db, { name: form.picture })).asset.name : undefined;
  const offer = offerFromForm(catalog, form, picture);
  return { ...(await publishOffer(db, who, offer, asOf)), offer };
}
