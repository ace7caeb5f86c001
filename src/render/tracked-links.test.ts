import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeArtifact } from './artifact.ts';
import { decodeEmail, EMAIL_MIME, encodeEmail } from './email.ts';
import { SHORT_CODE, shortCode } from './short-links.ts';
import { SMS_MIME } from './sms.ts';
import {
  applyTracking,
  linkTargets,
  offerTargets,
  planTracking,
  trackArtifact,
  trackedLinkRows,
} from './tracked-links.ts';

const KEY = Buffer.from('k'.repeat(32));
const BASE = 'https://go.bank.example/';

const email = (html: string, text = '') =>
  makeArtifact(encodeEmail({ subject: 'See https://bank.example/s', html, text }), EMAIL_MIME);
const sms = (text: string) => makeArtifact(Buffer.from(text, 'utf8'), SMS_MIME, { segments: 1 });
const track = (artifact: ReturnType<typeof email>, channel: 'email' | 'sms' = 'email') =>
  trackArtifact(artifact, {
    key: KEY,
    baseUrl: BASE,
    communicationId: 'com_a',
    channel,
    offerByTarget: new Map([['https://bank.example/term-deposit', 'term-deposit']]),
  });

describe('short link codes', () => {
  it('are ten base62 characters, stable per communication, purpose and target, and keyed', () => {
    const a = shortCode(KEY, 'com_a', 'click', 'https://bank.example/x');
    expect(a).toMatch(/^[0-9A-Za-z]{10}$/);
    expect(SHORT_CODE.test(a)).toBe(true);
    expect(shortCode(KEY, 'com_a', 'click', 'https://bank.example/x')).toBe(a);
    expect(shortCode(KEY, 'com_b', 'click', 'https://bank.example/x')).not.toBe(a);
    expect(shortCode(KEY, 'com_a', 'open', 'https://bank.example/x')).not.toBe(a);
    expect(shortCode(KEY, 'com_a', 'click', 'https://bank.example/y')).not.toBe(a);
    expect(shortCode(Buffer.from('x'.repeat(32)), 'com_a', 'click', 'https://bank.example/x')).not.toBe(a);
  });

  it('do not collide over 100,000 links (property: distinct inputs, distinct codes)', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 100_000; i++) seen.add(shortCode(KEY, `com_${i}`, 'click', 'https://bank.example/'));
    expect(seen.size).toBe(100_000);
  });
});

describe('tracked links in an e-mail', () => {
  it('rewrites hrefs and bare URLs in text, keeps the rest byte for byte, adds the pixel', () => {
    const html =
      '<html><head><title>https://bank.example/title</title>' +
      '<link href="https://fonts.example/css" rel="stylesheet"><style>a{background:url(https://bank.example/bg.png)}</style></head>' +
      '<body><p>Hi</p><a class="cta" href="https://bank.example/term-deposit">See</a>' +
      "<a href='https://bank.example/faq?a=1&amp;b=2'>FAQ</a>" +
      '<a href="mailto:help@bank.example">Mail</a><a href="#top">Top</a>' +
      '<a data-missive-notrack href="https://bank.example/privacy">Privacy</a>' +
      '<img src="https://bank.example/logo.png" alt="">' +
      '<div>Open now: https://bank.example/term-deposit?x&#x3D;1&amp;y&#x3D;2.</div>' +
      '<p>(see https://bank.example/terms)</p>' +
      '<!--[if mso]><v:roundrect href="https://bank.example/term-deposit"></v:roundrect><![endif]-->' +
      '</body></html>';
    const text = 'Open now: https://bank.example/term-deposit?x=1&y=2. Terms: https://bank.example/terms';
    const { artifact, plan } = track(email(html, text));
    expect(plan.links.map((l) => [l.target, l.offerId])).toEqual([
      ['https://bank.example/term-deposit', 'term-deposit'],
      ['https://bank.example/faq?a=1&b=2', null],
      ['https://bank.example/term-deposit?x=1&y=2', null],
      ['https://bank.example/terms', null],
    ]);
    const url = (target: string) =>
      `https://go.bank.example/t/${plan.links.find((l) => l.target === target)?.code}`;
    const out = decodeEmail(artifact.bytes);
    expect(out.subject).toBe('See https://bank.example/s');
    expect(out.html).toBe(
      '<html><head><title>https://bank.example/title</title>' +
        '<link href="https://fonts.example/css" rel="stylesheet"><style>a{background:url(https://bank.example/bg.png)}</style></head>' +
        `<body><p>Hi</p><a class="cta" href="${url('https://bank.example/term-deposit')}">See</a>` +
        `<a href="${url('https://bank.example/faq?a=1&b=2')}">FAQ</a>` +
        '<a href="mailto:help@bank.example">Mail</a><a href="#top">Top</a>' +
        '<a data-missive-notrack href="https://bank.example/privacy">Privacy</a>' +
        '<img src="https://bank.example/logo.png" alt="">' +
        `<div>Open now: ${url('https://bank.example/term-deposit?x=1&y=2')}.</div>` +
        `<p>(see ${url('https://bank.example/terms')})</p>` +
        `<!--[if mso]><v:roundrect href="${url('https://bank.example/term-deposit')}"></v:roundrect><![endif]-->` +
        `<img src="https://go.bank.example/o/${plan.open}.gif" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0" />` +
        '</body></html>',
    );
    expect(out.text).toBe(
      `Open now: ${url('https://bank.example/term-deposit?x=1&y=2')}. Terms: ${url('https://bank.example/terms')}`,
    );
  });

  it('finds the same links before and after, so the plan applies again to the same bytes (replay)', () => {
    const html = '<body><a href="https://bank.example/a">a</a> https://bank.example/b</body>';
    const source = email(html, 'https://bank.example/b');
    const { artifact, plan } = track(source);
    expect(linkTargets('email', source)).toEqual(['https://bank.example/a', 'https://bank.example/b']);
    expect(applyTracking('email', source, plan).sha256).toBe(artifact.sha256);
    // Every link of the tracked e-mail is a short link on the base URL.
    expect(linkTargets('email', artifact).every((t) => /^https:\/\/go\.bank\.example\/t\//.test(t))).toBe(
      true,
    );
  });

  it('never tracks its own unsubscribe link, in the HTML or in the plain text', () => {
    const unsubscribe = 'https://go.bank.example/unsubscribe/dk_abc';
    const { artifact, plan } = track(
      email(
        `<a href="https://bank.example/term-deposit">Open</a> <a href="${unsubscribe}" data-missive-notrack>Unsubscribe</a>`,
        `Open https://bank.example/term-deposit\nUnsubscribe [${unsubscribe}]`,
      ),
    );
    expect(plan.links.map((l) => l.target)).toEqual(['https://bank.example/term-deposit']);
    const parts = decodeEmail(artifact.bytes);
    expect(parts.text).toContain(`Unsubscribe [${unsubscribe}]`);
    expect(parts.html).toContain(`href="${unsubscribe}"`);
  });

  it('leaves an e-mail without links as it was, apart from the pixel', () => {
    const { artifact, plan } = track(email('<body><p>Hello</p></body>', 'Hello'));
    expect(plan.links).toEqual([]);
    expect(decodeEmail(artifact.bytes).html).toMatch(/^<body><p>Hello<\/p><img src="[^"]+\/o\/\w{10}\.gif"/);
  });
});

describe('tracked links in an SMS', () => {
  it('rewrites every URL, keeps the rest and counts the parts again', () => {
    const long = `https://bank.example/offers/term-deposit?campaign=${'x'.repeat(150)}`;
    const { artifact, plan } = track(sms(`Missive Bank: Save more. ${long} Reply STOP to opt out.`), 'sms');
    const text = Buffer.from(artifact.bytes).toString();
    expect(text).toBe(
      `Missive Bank: Save more. https://go.bank.example/t/${plan.links[0]?.code} Reply STOP to opt out.`,
    );
    expect(plan.open).toBeNull();
    expect(artifact.segments).toBe(1);
    expect(artifact.mime).toBe(SMS_MIME);
  });

  it('never leaves an http(s) URL untracked (property)', () => {
    const word = fc.stringMatching(/^[A-Za-z0-9.,!?()]{0,12}$/);
    const url = fc
      .tuple(fc.constantFrom('http', 'https', 'HTTPS'), fc.stringMatching(/^[a-z0-9/._~%=&?-]{0,30}$/))
      .map(([scheme, rest]) => `${scheme}://bank.example/${rest}`);
    fc.assert(
      fc.property(fc.array(fc.oneof(word, url), { maxLength: 12 }), (parts) => {
        const { artifact } = track(sms(parts.join(' ')), 'sms');
        const left = linkTargets('sms', artifact);
        return left.every((t) => t.startsWith('https://go.bank.example/t/'));
      }),
      { numRuns: 300 },
    );
  });
});

describe('link rows and offers', () => {
  it('gives one row per link and one for the pixel', () => {
    const plan = planTracking({
      key: KEY,
      baseUrl: BASE,
      communicationId: 'com_a',
      channel: 'email',
      targets: ['https://bank.example/a'],
    });
    expect(trackedLinkRows('com_a', plan, '2027-01-01T00:00:00.000Z')).toEqual([
      {
        code: plan.links[0]?.code,
        communicationId: 'com_a',
        purpose: 'click',
        target: 'https://bank.example/a',
        offerId: null,
        expiresAt: '2027-01-01T00:00:00.000Z',
      },
      {
        code: plan.open,
        communicationId: 'com_a',
        purpose: 'open',
        target: '',
        offerId: null,
        expiresAt: '2027-01-01T00:00:00.000Z',
      },
    ]);
  });

  it("maps the shown offers' call-to-action URLs to their ids", () => {
    expect(
      offerTargets([
        { id: 'a', cta: { url: 'https://bank.example/a' } },
        { id: 'b', cta: null },
        { id: 'c', cta: { url: 'https://bank.example/a' } },
      ]),
    ).toEqual(new Map([['https://bank.example/a', 'a']]));
  });
});
