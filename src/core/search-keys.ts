import { pinyin } from 'pinyin-pro';

/**
 * Extra keys a call-center agent finds a customer by, beside the id, name prefix, full phone number,
 * e-mail and account number (src/store/customer-search.ts): the last four digits of the phone number
 * ("7890"), and for a Chinese name its pinyin — whole, with the given name first, and as initials —
 * without spaces or tones ("罗海燕" → `luohaiyan`, `haiyanluo`, `lhy`), which is how an agent types
 * what a caller spells out. Pure: the same customer always gives the same keys.
 */
export interface SearchKey {
  kind: 'phone4' | 'pinyin';
  key: string;
}

const HAN = /\p{Script=Han}/u;

export function searchKeysFor(customer: { name: string; phone: string | null }): SearchKey[] {
  const keys: SearchKey[] = [];
  const digits = customer.phone?.replace(/\D/g, '') ?? '';
  if (digits.length >= 4) keys.push({ kind: 'phone4', key: digits.slice(-4) });
  for (const key of pinyinKeys(customer.name)) keys.push({ kind: 'pinyin', key });
  return keys;
}

/** luohaiyan, haiyanluo (given name first, as a Western form would write it) and lhy. */
export function pinyinKeys(name: string): string[] {
  const han = [...name].filter((c) => HAN.test(c)).join('');
  if (han.length < 2) return [];
  // surname: 'head' reads the first characters as a family name (单 shan, 曾 zeng, 欧阳 ouyang).
  const syllables = pinyin(han, { toneType: 'none', type: 'array', surname: 'head', v: true }).map((s) =>
    s.toLowerCase().replace(/[^a-z]/g, ''),
  );
  if (syllables.some((s) => s === '')) return [];
  const surnameLength = DOUBLE_SURNAMES.has(han.slice(0, 2)) ? 2 : 1;
  const surname = syllables.slice(0, surnameLength).join('');
  const given = syllables.slice(surnameLength).join('');
  const keys = [syllables.join(''), `${given}${surname}`, syllables.map((s) => s[0]).join('')];
  // ü is written v (lv) or u (lu) by people without the letter: both find 吕.
  const both = keys.flatMap((k) => (k.includes('v') ? [k, k.replace(/v/g, 'u')] : [k]));
  return [...new Set(both.filter((k) => k.length > 0))];
}

/** What an agent typed, as a pinyin key: lower case, no spaces, tones and ü folded ("Luó Hǎi-yàn" → luohaiyan). */
export function normalisePinyinQuery(q: string): string | undefined {
  const folded = q
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .replace(/[\s'’-]/g, '');
  return /^[a-z]{2,40}$/.test(folded) ? folded : undefined;
}

/** Two-character family names common enough to matter for the given-name-first key. */
const DOUBLE_SURNAMES = new Set([
  '欧阳',
  '司马',
  '上官',
  '诸葛',
  '东方',
  '皇甫',
  '令狐',
  '慕容',
  '尉迟',
  '长孙',
  '夏侯',
  '公孙',
]);
