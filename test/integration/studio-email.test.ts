import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import { uploadAsset } from '../../src/studio/assets.ts';
import { publishTemplatePackage } from '../../src/templates/publish.ts';
import { bearer, seedUsers } from '../support/api.ts';
import { openTempStore, ROOT, type TempStore } from '../support/stores.ts';

/**
 * The e-mail designer's routes (issue 21 item 5): the outline and forms, an edit written into the
 * files the code view edits, bad input refused on the page naming the field, the zh-CN interface, and
 * no edits once the draft is submitted.
 */
describe('studio e-mail designer routes', () => {
  let temp: TempStore;
  let app: FastifyInstance;
  let tokens: Awaited<ReturnType<typeof seedUsers>>;
  let draft: string;

  beforeAll(async () => {
    temp = await openTempStore('studio-email');
    tokens = await seedUsers(temp.store.db);
    await publishTemplatePackage(temp.store.db, `${ROOT}/templates/monthly-statement`);
    app = buildApp({ db: temp.store.db, now: () => new Date('2026-11-23T10:00:00.000Z') });
    draft = (
      await app.inject({
        method: 'POST',
        url: '/api/studio/drafts',
        payload: { from: 'monthly-statement' },
        headers: bearer(tokens.marketer),
      })
    ).json().id;
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await temp?.close();
  });

  const get = (url: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'GET', url, headers: { ...bearer(tokens.marketer), ...headers } });
  const post = (url: string, payload: object) =>
    app.inject({ method: 'POST', url, payload, headers: bearer(tokens.marketer) });
  const files = async () => (await get(`/api/studio/drafts/${draft}`)).json().files as Record<string, string>;
  const base = () => `/ui/studio/drafts/${draft}/email-designer`;

  it('lists the blocks, shows the chosen block’s form and both preview frames', async () => {
    const page = await get(`${base()}?locale=zh-CN&block=0.0.1`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('data-path="0.0.1" data-kind="text" data-keys="email.heading"');
    expect(page.body).toContain('name="text.zh-CN"');
    expect(page.body).toMatch(
      /id="email-mobile"[^>]*src="\/ui\/studio\/drafts\/drf_\w+\/email\?locale=zh-CN&amp;v=/,
    );
    expect(page.body).toContain('id="email-desktop"');
    const draftPage = await get(`/ui/studio/drafts/${draft}`);
    expect(draftPage.body).toContain('id="email-designer-link"');
  });

  it('adds a button with a trackable link; refuses a link that is not one, on the page', async () => {
    const bad = await post(`${base()}/add?locale=en-GB&block=0.0.3`, {
      kind: 'button',
      url: '{{portalUrl}}',
      'text.en-GB': 'Go',
      'text.zh-CN': '去',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toMatch(/id="email-message"[^>]*>url: an absolute http\(s\) address/);
    const added = await post(`${base()}/add?locale=en-GB&block=0.0.3`, {
      kind: 'button',
      url: 'https://bank.example/rates',
      'text.en-GB': 'See our rates',
      'text.zh-CN': '查看利率',
    });
    expect(added.statusCode).toBe(303);
    expect(added.headers.location).toMatch(/email-designer\?locale=en-GB&block=0.0.4&done=added#block-form$/);
    const after = await files();
    expect(after['email.mjml']).toContain(
      `<mj-button href="https://bank.example/rates" background-color="{{@brand.colors.accent}}"`,
    );
    expect(JSON.parse(after['locales/zh-CN.json'] ?? '{}')['email.custom.button1']).toBe('查看利率');
  });

  it('sets an image from the asset library with its alt text in every locale', async () => {
    const who = { actor: 'user:marketer1', user: 'marketer1', role: 'marketer' as const };
    const png = await sharp({ create: { width: 40, height: 20, channels: 3, background: '#0b3d6e' } })
      .png()
      .toBuffer();
    const asset = await uploadAsset(temp.store.db, who, 'Spring banner.png', png);
    const page = await get(`${base()}?block=0.0.0`);
    expect(page.body).toContain(`<option value="${asset.name}">`);
    const saved = await post(`${base()}/image?locale=en-GB&block=0.0.0`, {
      asset: asset.name,
      'alt.en-GB': 'Spring savings',
      'alt.zh-CN': '春季储蓄',
    });
    expect(saved.statusCode).toBe(303);
    const after = await files();
    expect(after[`images/${asset.name}.b64`]).toBeTruthy();
    expect(after['email.mjml']).toContain(`src="{{image '${asset.name}' 'images'}}"`);
    expect(JSON.parse(after['locales/zh-CN.json'] ?? '{}')['email.custom.alt1']).toBe('春季储蓄');
    // The preview frame draws it (as a data: URI, the frame's CSP allows nothing else).
    const frame = await get(`/ui/studio/drafts/${draft}/email?locale=zh-CN`);
    expect(frame.statusCode).toBe(200);
    expect(frame.body).toMatch(
      /<img[^>]*alt="春季储蓄"[^>]*src="data:image\/png;base64,|<img[^>]*src="data:image\/png;base64,[^"]*"[^>]*alt="春季储蓄"/,
    );
  });

  it('speaks Chinese in the zh-CN interface', async () => {
    const page = await get(`${base()}?block=0`, { 'accept-language': 'zh-CN' });
    expect(page.body).toContain('电子邮件设计器');
  });

  it('refuses edits once the draft is submitted', async () => {
    const submitted = await post(`/api/studio/drafts/${draft}/submit`, {});
    expect(submitted.statusCode).toBe(200);
    const refused = await post(`${base()}/remove?block=0.0.4`, {});
    expect(refused.statusCode).toBe(409);
    const page = await get(`${base()}?block=0.0.4`);
    expect(page.body).not.toContain('id="remove-block"');
  }, 60_000);
});
