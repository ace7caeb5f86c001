import { execFileSync } from 'node:child_process';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildMail } from '../../src/channels/smtp.ts';
import { decodeEmail, GMAIL_CLIP_BYTES } from '../../src/render/email.ts';
import { renderForChannel } from '../../src/render/render-channel.ts';
import type { Catalog } from '../../src/rules/catalog.ts';
import { loadCatalogDirOrThrow } from '../../src/rules/catalog-loader.ts';
import { offerContentFor } from '../../src/rules/offer-content.ts';
import { type CompiledTemplate, compileTemplateAsync } from '../../src/templates/compile.ts';
import { loadTemplatePackage } from '../../src/templates/package-loader.ts';
import { testBrandSource } from '../support/test-brand.ts';

/**
 * Issue 16 item 8: every offer's marketing e-mail, for the bank and the telecom brand, in every locale
 * of its catalog — under Gmail's clipping size, alt text on every image, the offer's call to action as
 * a button, only absolute http(s) links, `lang` set, the brand's sender — and a spam score from
 * Debian's spamassassin (local rules only, no network tests) below 2.0 for one message per brand.
 */
const root = path.resolve(import.meta.dirname, '..', '..');
const AS_OF = '2026-10-31';
const UNSUBSCRIBE = 'https://missive.example/unsubscribe/dk_0123456789abcdef0123456789abcdef01234567';
const BRANDS = [
  { brand: 'bank', catalog: 'bank', sender: 'news@bank.example' },
  { brand: 'telco', catalog: 'telco', sender: 'offers@missive-mobile.example' },
] as const;

let template: CompiledTemplate;
const catalogs = new Map<string, Catalog>();

beforeAll(async () => {
  template = await compileTemplateAsync(
    await loadTemplatePackage(path.join(root, 'templates', 'cross-sell-promotion')),
  );
  for (const { catalog } of BRANDS)
    catalogs.set(catalog, await loadCatalogDirOrThrow(path.join(root, 'catalogs', catalog)));
});

async function offerEmail(brand: string, catalog: Catalog, offerId: string, locale: string) {
  const decision = { holdout: false, suppressed: undefined, offers: [{ offerId, slot: 1 }] };
  const offers = offerContentFor(decision as never, catalog, locale, 'email');
  const data = {
    customer: { id: 'C000020', name: locale === 'zh-CN' ? '王小明' : 'Jane Smith', address: null },
    asOf: AS_OF,
    offers,
    unsubscribeUrl: UNSUBSCRIBE,
  };
  const { artifact, warnings } = await renderForChannel(template, 'email', data, {
    asOf: AS_OF,
    locale,
    brand: testBrandSource(brand),
  });
  return { artifact, warnings, offer: offers[0]!, parts: decodeEmail(artifact.bytes) };
}

describe('offer e-mails of the shipped catalogs', () => {
  for (const { brand, catalog: name, sender } of BRANDS) {
    it(`${name}: every offer in every locale is small, described, linked and sent as ${brand}`, async () => {
      const catalog = catalogs.get(name)!;
      let checked = 0;
      for (const offer of catalog.offers.filter((o) => o.content.email)) {
        for (const locale of catalog.locales) {
          const where = `${offer.id} ${locale}`;
          const {
            artifact,
            warnings,
            offer: shown,
            parts,
          } = await offerEmail(brand, catalog, offer.id, locale);
          expect(warnings, where).toEqual([]);
          expect(Buffer.byteLength(parts.html), where).toBeLessThan(GMAIL_CLIP_BYTES);
          expect(parts.html, where).toMatch(new RegExp(`<html lang="${locale}"`));
          expect(parts.fromAddress, where).toBe(sender);
          const images = [...parts.html.matchAll(/<img\b[^>]*>/gi)].map((m) => m[0]);
          expect(images.length, where).toBeGreaterThanOrEqual(shown.image ? 2 : 1); // logo (+ offer image)
          for (const img of images) expect(img, where).toMatch(/\balt="[^"]+"/);
          const links = [...parts.html.matchAll(/<a\b[^>]*\bhref="([^"]*)"/gi)].map((m) => m[1] ?? '');
          for (const link of links) expect(link, where).toMatch(/^https?:\/\/[^\s"]+$/);
          expect(links, where).toContain(shown.cta!.url.replace(/&/g, '&amp;'));
          expect(links, where).toContain(UNSUBSCRIBE);
          expect(parts.text, where).toContain(shown.headline);
          expect(artifact.size).toBeGreaterThan(0);
          checked += 1;
        }
      }
      expect(checked).toBeGreaterThan(4);
    });
  }

  // The holdout gets the campaign without an offer: its e-mail, SMS and letter must still render
  // (the e-mail once read offers.[0].image unguarded and failed every holdout customer on e-mail).
  it('renders the holdout’s message, without an offer, on every channel', async () => {
    const data = {
      customer: { id: 'C000021', name: 'Jane Smith', address: null },
      asOf: AS_OF,
      offers: [],
      unsubscribeUrl: UNSUBSCRIBE,
    };
    for (const { brand } of BRANDS) {
      for (const channel of ['email', 'sms', 'print'] as const) {
        const { artifact } = await renderForChannel(template, channel, data, {
          asOf: AS_OF,
          locale: 'en-GB',
          brand: testBrandSource(brand),
        });
        expect(artifact.size, `${brand} ${channel}`).toBeGreaterThan(0);
      }
    }
  });

  it('scores below 2.0 with spamassassin (local rules), one message per brand', async () => {
    for (const { brand, catalog: name } of BRANDS) {
      const catalog = catalogs.get(name)!;
      const offer = catalog.offers.find((o) => o.content.email)!;
      const { artifact } = await offerEmail(brand, catalog, offer.id, 'en-GB');
      const deliveryKey = 'dk_0123456789abcdef0123456789abcdef01234567';
      const mail = buildMail(
        {
          url: 'smtp://127.0.0.1:25',
          from: 'Missive <noreply@missive.localhost>',
          messageIdDomain: 'missive.example',
          publicUrl: 'https://missive.example',
        },
        { artifact, to: { address: 'jane.smith@example.com', name: 'Jane Smith' } },
        {
          deliveryKey,
          communicationId: 'c1',
          purpose: 'marketing',
          now: new Date(`${AS_OF}T09:00:00Z`),
          attempt: 1,
        },
      );
      // What nodemailer sends: images as inline cid: attachments (attachDataUrls), as the SMTP channel does.
      const sent = await nodemailer
        .createTransport({ streamTransport: true, buffer: true })
        .sendMail({ ...mail, date: new Date(`${AS_OF}T09:00:00Z`) });
      const message = sent.message as Buffer;
      expect(message.toString()).toMatch(/src=(3D)?"cid:/);
      const report = execFileSync('spamassassin', ['-L', '-t'], { input: message }).toString();
      const score = Number(/^X-Spam-Status: \w+, score=(-?[\d.]+)/m.exec(report)?.[1]);
      const rules =
        /^X-Spam-Status:[^\n]*tests=([\s\S]*?)autolearn/m.exec(report)?.[1]?.replace(/\s+/g, '') ?? '';
      console.log(`spamassassin ${brand} ${offer.id}: score ${score} (${rules})`);
      expect(score).toBeLessThan(2.0);
    }
  }, 60_000);
});
