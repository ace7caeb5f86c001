import { MissiveError } from '../core/errors.ts';

/**
 * What counts as a success of an offer, per communication type: a click, a reply, an acceptance
 * or a conversion (event types `clicked`, `replied`, `accepted`, `converted`). Set with
 * MISSIVE_SUCCESS_EVENTS, e.g. `cross-sell-promotion=clicked,accepted;*=converted`; `*` is the
 * default for types not named.
 */

export const SUCCESS_KINDS = ['clicked', 'replied', 'accepted', 'converted'] as const;
export type SuccessKind = (typeof SUCCESS_KINDS)[number];
export type SuccessRules = Readonly<Record<string, readonly SuccessKind[]>>;

export const DEFAULT_SUCCESS_RULES: SuccessRules = Object.freeze({
  'cross-sell-promotion': ['clicked', 'replied', 'accepted', 'converted'],
  '*': ['accepted', 'converted'],
});

/**
 * Which events count as success per communication type (`type=click,convert;…`); empty → the defaults.
 * @throws MissiveError MSV_CONFIG_INVALID.
 */
export function parseSuccessRules(text: string | undefined): SuccessRules {
  if (text === undefined || text.trim() === '') return DEFAULT_SUCCESS_RULES;
  const rules: Record<string, SuccessKind[]> = {};
  for (const part of text.split(';')) {
    if (part.trim() === '') continue;
    const [type, kinds] = part.split('=');
    if (!type?.trim() || kinds === undefined) {
      throw new MissiveError('MSV_CONFIG_INVALID', `MISSIVE_SUCCESS_EVENTS: "${part}" is not TYPE=KIND,...`);
    }
    rules[type.trim()] = kinds.split(',').map((k) => {
      const kind = k.trim();
      if (!(SUCCESS_KINDS as readonly string[]).includes(kind)) {
        throw new MissiveError(
          'MSV_CONFIG_INVALID',
          `MISSIVE_SUCCESS_EVENTS: unknown success "${kind}" (one of ${SUCCESS_KINDS.join(', ')})`,
        );
      }
      return kind as SuccessKind;
    });
  }
  if (!rules['*']) rules['*'] = [...(DEFAULT_SUCCESS_RULES['*'] ?? [])];
  return rules;
}

/** The event type `type` counts as a success for communications of `communicationType`. */
export function isSuccess(rules: SuccessRules, communicationType: string, type: string): boolean {
  const kinds = rules[communicationType] ?? rules['*'] ?? [];
  return (kinds as readonly string[]).includes(type);
}
