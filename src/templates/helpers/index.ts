import { dateHelper } from './date.ts';
import { eqHelper } from './eq.ts';
import { groupHelper } from './group.ts';
import { imageHelper } from './image.ts';
import { maskHelper } from './mask.ts';
import { moneyHelper } from './money.ts';
import { numberHelper } from './number.ts';
import { percentHelper } from './percent.ts';
import { pluralHelper } from './plural.ts';
import { tHelper } from './t.ts';

/** Every helper a template may call; a new helper is one file plus one line here. */
export const HELPERS: Readonly<Record<string, (...args: unknown[]) => string>> = {
  money: moneyHelper,
  date: dateHelper,
  number: numberHelper,
  percent: percentHelper,
  plural: pluralHelper,
  mask: maskHelper,
  group: groupHelper,
  t: tHelper,
  eq: eqHelper,
  image: imageHelper,
};
