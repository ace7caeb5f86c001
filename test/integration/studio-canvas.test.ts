import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import { publishTemplatePackage } from '../../src/templates/publish.ts';
import { bearer, seedUsers } from '../support/api.ts';
import { openTempStore, ROOT, type TempStore } from '../support/stores.ts';

/**
 * The canvas's routes (issue 21 items 1–2): the block map over the pages, a missing translation as a
 * badge on its block, text saved in every locale into the files the code view edits, and bad input
 * refused naming the field.
 */
describe('studio canvas routes', () => {
  let temp: TempStore;
  let app: FastifyInstance;
  let tokens: Awaited<ReturnType<typeof seedUsers>>;
  let draft: string;

  beforeAll(async () => {
    temp = await openTempStore('studio-canvas');
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

  const get = (url: string) => app.inject({ method: 'GET', url, headers: bearer(tokens.marketer) });
  const send = (method: 'POST' | 'PUT', url: string, payload: object) =>
    app.inject({ method, url, payload, headers: bearer(tokens.marketer) });
  const files = async () => (await get(`/api/studio/drafts/${draft}`)).json().files as Record<string, string>;

  it('maps the blocks over the pages, shows a missing translation on its block, saves every locale', async () => {
    const page = await get(`/ui/studio/drafts/${draft}/canvas?locale=zh-CN`);
    expect(page.statusCode).toBe(200);
    expect(page.body.match(/<div class="canvas-page"/g)).toHaveLength(2);
    expect(page.body).toContain('data-path="body[3]"');
    expect(page.body).not.toContain('data-missing');

    const zh = JSON.parse((await files())['locales/zh-CN.json'] ?? '{}') as Record<string, string>;
    delete zh.intro;
    expect(
      (
        await send('PUT', `/api/studio/drafts/${draft}/files`, {
          files: { 'locales/zh-CN.json': JSON.stringify(zh) },
        })
      ).statusCode,
    ).toBe(200);
    const missing = await get(`/ui/studio/drafts/${draft}/canvas?locale=en-GB&block=body%5B3%5D`);
    expect(missing.body).toMatch(/data-path="body\[3\]"[^>]*>[\s\S]*?data-missing="zh-CN"/);
    expect(missing.body).toContain('name="text.zh-CN"');

    const saved = await send(
      'POST',
      `/ui/studio/drafts/${draft}/canvas/text?locale=en-GB&block=body%5B3%5D`,
      {
        key: 'intro',
        'text.en-GB': 'Here is your statement, {{customer.name}}.',
        'text.zh-CN': '{{customer.name}}，这是您的对账单。',
      },
    );
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toMatch(/\/canvas\?locale=en-GB&block=body%5B3%5D&done=saved#block-form$/);
    const after = await files();
    expect(JSON.parse(after['locales/en-GB.json'] ?? '{}').intro).toBe(
      'Here is your statement, {{customer.name}}.',
    );
    expect(JSON.parse(after['locales/zh-CN.json'] ?? '{}').intro).toBe('{{customer.name}}，这是您的对账单。');
    const fixed = await get(`/ui/studio/drafts/${draft}/canvas?locale=en-GB&block=body%5B3%5D&done=saved`);
    expect(fixed.body).not.toContain('data-missing');
    expect(fixed.body).toContain('id="canvas-message"');
  });

  it('serves page images at screen resolution, twice that for high-density screens, and refuses other scales', async () => {
    const page = await get(`/ui/studio/drafts/${draft}/canvas?locale=en-GB`);
    expect(page.body).toMatch(
      /<img src="[^"]*\/canvas\/page\/1\?locale=en-GB&amp;scale=1" srcset="[^"]*scale=2 2x"/,
    );
    const width = async (scale: string) => {
      const image = await get(`/ui/studio/drafts/${draft}/canvas/page/1?locale=en-GB&scale=${scale}`);
      expect(image.statusCode).toBe(200);
      expect(image.headers['content-type']).toBe('image/png');
      return (await sharp(image.rawPayload).metadata()).width;
    };
    expect(await width('1')).toBe(794); // A4 at 96 dpi: one pixel per CSS pixel
    expect(await width('2')).toBe(1588);
    const refused = await get(`/ui/studio/drafts/${draft}/canvas/page/1?locale=en-GB&scale=3`);
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('scale');
  });

  it('refuses an empty locale and a block that does not exist, naming the field', async () => {
    const empty = await send('POST', `/ui/studio/drafts/${draft}/canvas/add?locale=en-GB`, {
      after: '3',
      'text.en-GB': 'Only English',
      'text.zh-CN': '  ',
    });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('text.zh-CN: is empty');
    const nowhere = await send('POST', `/ui/studio/drafts/${draft}/canvas/add`, {
      after: '99',
      'text.en-GB': 'a',
      'text.zh-CN': 'b',
    });
    expect(nowhere.statusCode).toBe(400);
    expect(nowhere.body).toContain('after: not a body block');
    expect((await files())['print.yaml']).not.toContain('custom.paragraph');
  });
});
