import type { FastifyRequest } from 'fastify';
import { enGB, type UiStrings } from './en-GB.ts';
import { zhCN } from './zh-CN.ts';

export const UI_LOCALES = { 'en-GB': enGB, 'zh-CN': zhCN } as const satisfies Record<string, UiStrings>;
export type UiLocale = keyof typeof UI_LOCALES;
export const LANG_COOKIE = 'missive_lang';

export function isUiLocale(value: unknown): value is UiLocale {
  return typeof value === 'string' && Object.hasOwn(UI_LOCALES, value);
}

/** The language cookie, else the browser's Accept-Language (zh → zh-CN), else en-GB. */
export function localeOf(request: FastifyRequest): UiLocale {
  const chosen = request.cookies?.[LANG_COOKIE];
  if (isUiLocale(chosen)) return chosen;
  return /^zh\b/i.test(request.headers['accept-language'] ?? '') ? 'zh-CN' : 'en-GB';
}

export function stringsFor(locale: UiLocale): UiStrings {
  return UI_LOCALES[locale];
}
