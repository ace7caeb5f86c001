import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import { enGB } from '../../src/api/ui/i18n/en-GB.ts';
import { STATUS_LABELS } from '../../src/api/ui/i18n/status-labels.ts';
import { zhCN } from '../../src/api/ui/i18n/zh-CN.ts';
import { createFsBlobStore } from '../../src/archive/fs-blob-store.ts';
import { applyTwilioStatus } from '../../src/channels/twilio-status.ts';
import { appendEvent } from '../../src/store/events.ts';
import type { Role } from '../../src/store/users.ts';
import { bearer, CANARY, type SeededDocuments, seedDocuments, seedUsers } from '../support/api.ts';
import { openTempStore, type TempStore } from '../support/stores.ts';

/** zh-CN values that are rightly the same as in English: names, codes, acronyms. */
const SAME_IN_BOTH = new Set(['fingerprint', 'source.twilio']);
const CJK = /[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]/u;

/** Data the seeded customer's pages show as it is: the name, the archived e-mail's subject and SMS. */
const DATA = [CANARY.name, 'Your statement'];

/** English UI words an untranslated page would show (statuses, channels, sources, buttons, dates). */
const ENGLISH_WORDS =
  /\b(print|post|e-?mail|sms|archived|sent|sending|pending|delivered|bounced|failed|suppressed|mailed|printed|spoiled|clicked|opened|replied|yes|no|as of|open|save|search|customer|channel|status|type|date|offers?|history|events?|call cent(?:re|er)|tracking|provider|subject|from|to|language|sign out|agent|marketer|admin)\b/i;

/** What a reader sees of a page: its text nodes and the labels in attributes, less code and data. */
function visibleTexts(body: string): string[] {
  const withoutData = body
    .replace(/<(script|style|code|pre|iframe)\b[\s\S]*?<\/\1>/gi, ' ')
    // The raw rule logic under "technical detail" is shown as written, on purpose.
    .replace(
      /<details>\s*<summary>[^<]*<\/summary>\s*<ul class="reasons">[\s\S]*?<\/ul>\s*<\/details>/gi,
      ' ',
    )
    .replace(/<span class="lang"[\s\S]*?<\/span>/gi, ' '); // the language switch names each language in itself
  const attributes = [...withoutData.matchAll(/\s(?:placeholder|title|aria-label|alt)="([^"]*)"/gi)].map(
    (m) => m[1]!,
  );
  const texts = withoutData
    .replace(/<[^>]+>/g, '\n')
    .split('\n')
    .map((t) => t.replaceAll('&amp;', '&').replaceAll('&#39;', "'").replaceAll('&quot;', '"').trim());
  return [...texts, ...attributes].filter((t) => t !== '');
}

/**
 * Issue 19 item 4: every agent-UI string is translated. The dictionaries have the same keys and the
 * Chinese one no English left in it; pages rendered in zh-CN — search, customer (timeline with
 * every kind of row), the viewer of a letter, an e-mail and an SMS, the runs and a run's report —
 * show no English UI word.
 */
describe('agent UI in zh-CN: nothing left in English', () => {
  let temp: TempStore;
  let app: FastifyInstance;
  let tokens: Record<Role, string>;
  let seeded: SeededDocuments;
  const englishValues = new Set(
    [
      ...Object.entries(enGB).flatMap(([key, value]) => (SAME_IN_BOTH.has(key) ? [] : [value])),
      ...Object.values(STATUS_LABELS['en-GB']),
    ].map((v) => v.toLowerCase()),
  );

  beforeAll(async () => {
    temp = await openTempStore('ui-zh');
    const blobs = createFsBlobStore(path.join(temp.dir, 'archive'));
    tokens = await seedUsers(temp.store.db);
    seeded = await seedDocuments(temp.store.db, blobs);
    const db = temp.store.db;
    const sms = seeded.ids.C0001!.sms!;
    const email = seeded.ids.C0001!.email!;
    await db
      .updateTable('communications')
      .set({ provider_id: 'SM0009', status: 'sent' })
      .where('id', '=', sms)
      .execute();
    for (const status of ['sent', 'delivered']) {
      await applyTwilioStatus(db, { MessageSid: 'SM0009', MessageStatus: status }, undefined);
    }
    const event = (source: string, type: string, payload: Record<string, unknown> = {}) =>
      appendEvent(db, {
        source,
        sourceId: `${source}:${type}`,
        type,
        communicationId: email,
        customerId: 'C0001',
        payload,
        occurredAt: new Date().toISOString(),
      });
    await event('tracking', 'clicked');
    await event('twilio', 'replied', { body: '好' });
    await event('call-center', 'disposition', { outcome: 'interested', agent: 'agent1' });
    await event('call-center', 'call-note', { outcome: 'resolved', note: '客户来电询问', actor: 'agent1' });
    await event('call-center', 'consent-changed', {
      before: { consent: { email: { marketing: true } }, eDelivery: false },
      after: { consent: { email: { marketing: false } }, eDelivery: true },
      reason: '客户要求',
      actor: 'agent1',
    });
    app = buildApp({ db, blobs });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await temp?.close();
  });

  it('the dictionaries have the same keys, and every Chinese string is Chinese', () => {
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(enGB).sort());
    const untranslated = Object.entries(zhCN).filter(
      ([key, value]) =>
        !SAME_IN_BOTH.has(key) && (!CJK.test(value) || value === enGB[key as keyof typeof enGB]),
    );
    expect(untranslated).toEqual([]);
    expect(zhCN.asOf).toBe('截至');
    for (const [status, label] of Object.entries(STATUS_LABELS['zh-CN'])) {
      expect(CJK.test(label), status).toBe(true);
    }
  });

  it('search, customer, viewer, runs and admin pages in zh-CN show no English UI word', async () => {
    const pages = [
      '/ui/search',
      '/ui/search?q=C000',
      '/ui/customers/C0001',
      ...(['print', 'email', 'sms'] as const).map(
        (ch) => `/ui/customers/C0001/communications/${seeded.ids.C0001![ch]!}`,
      ),
      // Runs: the list and a run's report (statuses per channel, the throughput chart's legend).
      '/ui/runs',
      `/ui/runs/${seeded.runId}`,
      // Admin: users and the audit log (actions are codes, shown as code; targets in words).
      '/ui/admin/users',
      '/ui/admin/audit',
      '/ui/reports',
      '/login',
    ];
    const found: string[] = [];
    for (const url of pages) {
      const res = await app.inject({ url, headers: { ...bearer(tokens.admin), 'accept-language': 'zh-CN' } });
      expect(res.statusCode, url).toBe(200);
      expect(res.body).toContain('<html lang="zh-CN"');
      for (const text of visibleTexts(res.body)) {
        // Any other English phrase is a UI string nobody translated, unless it is the customer's data.
        const phrase = /[A-Za-z]{2,}\s+[A-Za-z]{2,}/.test(text) && !DATA.some((d) => text.includes(d));
        if (
          phrase ||
          englishValues.has(text.toLowerCase().replace(/[:：]$/, '')) ||
          ENGLISH_WORDS.test(text)
        ) {
          found.push(`${url}: ${text}`);
        }
      }
    }
    expect(found).toEqual([]);
  });

  it('the same pages in en-GB do show those words (the check reads the page)', async () => {
    const res = await app.inject({
      url: '/ui/customers/C0001',
      headers: { ...bearer(tokens.agent), 'accept-language': 'en-GB' },
    });
    expect(visibleTexts(res.body).filter((t) => ENGLISH_WORDS.test(t)).length).toBeGreaterThan(10);
  });
});
