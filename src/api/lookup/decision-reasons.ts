import type { Kysely } from 'kysely';
import {
  type Catalog,
  type Decision,
  offerName,
  rejectionSentence,
  suppressionSentence,
  wordsFor,
} from '../../rules/index.ts';
import { type Database, getCatalogVersion } from '../../store/index.ts';

/** A channel as the sentence names it (the same words as the UI's `channel.*` labels). */
const CHANNEL_WORDS: Record<'en-GB' | 'zh-CN', Record<string, string>> = {
  'en-GB': { print: 'print', email: 'email', sms: 'sms' },
  'zh-CN': { print: '纸质信件', email: '电子邮件', sms: '短信' },
};

/**
 * "Why this was sent", for the agent: the decision's reasons as sentences in the agent's language
 * (src/rules/describe-rule.ts), offers by their names in the catalog version the decision used.
 */
export async function agentReasons(
  db: Kysely<Database>,
  decision: Decision,
  uiLocale: string,
): Promise<string[]> {
  const locale = wordsFor(uiLocale);
  const record = await getCatalogVersion(db, decision.catalogVersion);
  const catalog = record?.definition as Catalog | undefined;
  const nameOf = (id: string) => offerName(catalog, id, locale) ?? id;
  const zh = locale === 'zh-CN';
  const lines: string[] = [];
  const notSent = suppressionSentence(decision, locale);
  if (notSent) lines.push(notSent);
  else if (decision.channel) {
    const channel = CHANNEL_WORDS[zh ? 'zh-CN' : 'en-GB'][decision.channel] ?? decision.channel;
    lines.push(zh ? `发送渠道：${channel}` : `Sent by ${channel}`);
  }
  if (decision.holdout) lines.push(zh ? '对照组：不发优惠' : 'Control group: no offers');
  for (const offer of decision.offers)
    lines.push(zh ? `已提供：${nameOf(offer.offerId)}` : `Offered: ${nameOf(offer.offerId)}`);
  for (const rejected of decision.rejected) {
    const sentence = rejectionSentence(rejected, catalog, locale);
    lines.push(`${nameOf(rejected.offerId)} — ${sentence}`);
  }
  return lines;
}
