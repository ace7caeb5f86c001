import { z } from 'zod';
import { CHANNEL_KINDS, type ChannelKind } from '../core/types.ts';

/**
 * The offer catalog as its author writes it (YAML files in a catalog folder, see catalog-loader.ts):
 * `catalog.yaml` (name, locales, policy, sample customers), `traits.yaml` (the customer trait schema,
 * computed traits, segments), `communication-types.yaml` and `offers/*.yaml`. These zod schemas are
 * the shape check; validate.ts adds the rule checks (operators, variables, types, never-true).
 */

const id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes');
const name = z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'a letter, then letters, digits or _');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'an ISO date YYYY-MM-DD');
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time HH:MM');
const locale = z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a BCP 47 tag such as zh-CN');
const channel = z.enum(CHANNEL_KINDS as [ChannelKind, ...ChannelKind[]]);
/**
 * A name for people, per locale (`{ en-GB: age, zh-CN: 年龄 }`): how the call center, the studio and
 * "why this was sent" name a trait, segment or communication type (catalog-labels.ts).
 */
const label = z.record(locale, z.string().min(1));
/**
 * A string trait's values for people, per value and locale (`{ plus: { en-GB: Plus, zh-CN: 增值 } }`):
 * what the call center shows instead of the stored value (catalog-labels.ts `traitValueLabel`).
 */
const valueLabels = z.record(z.string().min(1), label);
/** A json-logic rule: any JSON; validate.ts checks operators, variables and types. */
const logic = z.unknown().refine((v) => v !== undefined, 'a json-logic rule is required');

export const TRAIT_TYPES = ['number', 'integer', 'string', 'boolean'] as const;
export type TraitType = (typeof TRAIT_TYPES)[number];

const frequencyCap = z.strictObject({ max: z.number().int().min(0), days: z.number().int().min(1) });
const quietHours = z.strictObject({ start: clock, end: clock });

export const catalogFileSchema = z.strictObject({
  name: id,
  description: z.string().min(1),
  locales: z.array(locale).min(1),
  /**
   * The brand its communications are made in (brands/<name>: name, logo, colours, sender, legal
   * texts); runs of types this catalog lacks get MISSIVE_DEFAULT_BRAND (src/batch/run-brand.ts).
   */
  brand: id.optional(),
  policy: z.strictObject({
    /** Marketing messages per customer in a rolling window, across runs (read from the ledger). */
    frequencyCap,
    /** SMS is not sent in these hours of the customer's own time zone (start may be after end). */
    quietHours,
    /** An offer the customer declined is not offered again for this many days (per offer override). */
    declineCooldownDays: z.number().int().min(0),
  }),
  /** Customers the rules are tried on at publish (paths relative to the catalog folder). */
  sample: z.strictObject({ file: z.string().min(1), mapping: z.string().min(1).optional() }).optional(),
});

export const traitsFileSchema = z.strictObject({
  /** Raw customer traits the rules may read, with their types. */
  traits: z.record(
    name,
    z.strictObject({
      type: z.enum(TRAIT_TYPES),
      description: z.string().optional(),
      label: label.optional(),
      values: valueLabels.optional(),
    }),
  ),
  /** Derived features, evaluated in order (a later one may read an earlier one). */
  computed: z
    .array(
      z.strictObject({
        name,
        type: z.enum(TRAIT_TYPES),
        description: z.string().optional(),
        label: label.optional(),
        values: valueLabels.optional(),
        rule: logic,
      }),
    )
    .default([]),
  /** The model's segment key: these traits (raw or computed) joined, e.g. ageBand|jobGroup. */
  segmentation: z.strictObject({ dimensions: z.array(name).min(1) }),
  /** Named segments (membership rules), for reports and readable in rules as segments.<id>. */
  segments: z
    .array(
      z.strictObject({ id: name, description: z.string().optional(), label: label.optional(), rule: logic }),
    )
    .default([]),
});

export const communicationTypeSchema = z.strictObject({
  description: z.string().optional(),
  /** The type's name for people, per locale (the call center's timeline): `{ zh-CN: 月结单 }`. */
  label: label.optional(),
  /**
   * The template package a run of this type renders (`templates/<name>`, one file per channel:
   * email.mjml, sms.hbs, print.yaml). Default: the type's own id. `missive run <type>` names the type.
   */
  template: id.optional(),
  /** service (statements, bills: consent for service) or marketing (promotions: marketing consent, caps). */
  purpose: z.enum(['service', 'marketing']),
  /** Must go on paper unless the customer consented to electronic delivery. */
  paperByLaw: z.boolean().default(false),
  /** Preference order; the first usable one wins, the others are the fallback. */
  channels: z.array(channel).min(1),
  offerSlots: z.number().int().min(0).max(10),
  /** Share of customers held out as the control group (no offers), 0..1. */
  holdout: z.number().min(0).max(1).default(0),
  frequencyCap: frequencyCap.optional(),
  quietHours: quietHours.optional(),
});

export const communicationTypesFileSchema = z.strictObject({
  types: z.record(id, communicationTypeSchema),
});

const contentBlock = z.strictObject({
  headline: z.string().min(1),
  body: z.string().min(1),
  image: z.string().optional(),
  cta: z.strictObject({ label: z.string().min(1), url: z.string().url() }).optional(),
});

export const offerSchema = z.strictObject({
  id,
  /** The product the offer sells: held products are not offered again (default: the offer id). */
  product: id.optional(),
  name: z.record(locale, z.string().min(1)),
  validFrom: isoDate.optional(),
  validTo: isoDate.optional(),
  eligibility: logic,
  /** True when the customer already holds the product (read from traits). */
  heldWhen: logic.optional(),
  prior: z.strictObject({
    /** Business weight: the score is weight × sampled response rate. */
    weight: z.number().positive().default(1),
    /** Beta prior of the response rate, as pseudo-counts of successes (alpha) and failures (beta). */
    alpha: z.number().positive().default(1),
    beta: z.number().positive().default(1),
  }),
  /** Offers of one group are mutually exclusive in one document. */
  exclusionGroup: id.optional(),
  declineCooldownDays: z.number().int().min(0).optional(),
  /** Content per channel, then per locale. */
  content: z.partialRecord(channel, z.record(locale, contentBlock)),
});

export const offersFileSchema = z.strictObject({ offers: z.array(offerSchema).min(1) });

export type CatalogFile = z.output<typeof catalogFileSchema>;
export type TraitsFile = z.output<typeof traitsFileSchema>;
export type CommunicationType = z.output<typeof communicationTypeSchema>;
export type Offer = z.output<typeof offerSchema>;
export type ContentBlock = z.output<typeof contentBlock>;

/** A whole catalog, as published (JSON-safe: it is stored as the catalog version's definition). */
export interface Catalog extends CatalogFile {
  traits: TraitsFile;
  communicationTypes: Record<string, CommunicationType>;
  offers: Offer[];
  /** Where each offer was defined (relative path), for messages. */
  offerFiles: Record<string, string>;
}
