import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import { publishTemplatePackage } from '../../src/templates/publish.ts';
import { bearer, seedUsers } from '../support/api.ts';
import { openTempStore, ROOT, type TempStore } from '../support/stores.ts';

/**
 * The canvas's block form routes (issue 21 item 1): move, spacing and rule saved into print.yaml,
 * bad input refused naming the field, undo/redo, and no edits or undo once the draft is submitted.
 */
describe('studio canvas block form routes', () => {
  let temp: TempStore;
  let app: FastifyInstance;
  let tokens: Awaited<ReturnType<typeof seedUsers>>;
  let draft: string;

  beforeAll(async () => {
    temp = await openTempStore('studio-blocks');
    tokens = await seedUsers(temp.store.db);
    await publishTemplatePackage(temp.store.db, `${ROOT}/templates/monthly-statement`);
    app = buildApp({ db: temp.store.db, now: () => new Date('2026-11-23T10:00:00.000Z') });
    const created = await app.inject({
      method: 'POST',
      url: '/api/studio/drafts',
      payload: { from: 'monthly-statement' },
      headers: bearer(tokens.marketer),
    });
    draft = created.json().id;
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await temp?.close();
  });

  const post = (path: string, payload: object = {}) =>
    app.inject({
      method: 'POST',
      url: `/ui/studio/drafts/${draft}/canvas/${path}`,
      payload,
      headers: bearer(tokens.marketer),
    });
  const print = async () =>
    ((
      await app.inject({
        method: 'GET',
        url: `/api/studio/drafts/${draft}`,
        headers: bearer(tokens.marketer),
      })
    ).json().files['print.yaml'] ?? '') as string;

  it('saves a move and a rule, refuses bad input by name, and undoes/redoes', async () => {
    const moved = await post('move?block=body%5B5%5D', { from: '5', target: '4', place: 'before' });
    expect(moved.statusCode).toBe(303);
    expect(moved.headers.location).toMatch(/block=body%5B4%5D&done=moved/);
    expect((await print()).indexOf('- type: chart')).toBeLessThan((await print()).indexOf('- type: table'));

    const rule = await post('props?block=body%5B2%5D', {
      spaceBefore: '',
      spaceAfter: '2',
      'rule.field': 'account.overdraftLimit',
      'rule.op': '>',
      'rule.value': '100',
    });
    expect(rule.statusCode).toBe(303);
    expect(await print()).toContain(
      `- { type: text, text: "{{t 'greeting'}}", spaceAfter: 2mm, when: "account.overdraftLimit > 100" }`,
    );
    const page = await app.inject({
      method: 'GET',
      url: `/ui/studio/drafts/${draft}/canvas?block=body%5B2%5D`,
      headers: bearer(tokens.marketer),
    });
    expect(page.body).toMatch(
      /id="rule-readable">Shown only when <strong><code>account.overdraftLimit<\/code> is greater than 100/,
    );

    const far = await post('props?block=body%5B2%5D', { spaceBefore: '80', spaceAfter: '', 'rule.op': '' });
    expect(far.statusCode).toBe(400);
    expect(far.body).toContain('spaceBefore: a number of millimetres from 0 to 50');
    const word = await post('props?block=body%5B2%5D', {
      'rule.field': 'totals.fees',
      'rule.op': '>',
      'rule.value': 'lots',
    });
    expect(word.statusCode).toBe(400);
    expect(word.body).toContain('value: a number');

    expect((await post('undo')).headers.location).toMatch(/done=undone/);
    expect(await print()).not.toContain('overdraftLimit > 100');
    expect((await post('undo')).headers.location).toMatch(/done=undone/);
    expect((await print()).indexOf('- type: chart')).toBeGreaterThan(
      (await print()).indexOf('- type: table'),
    );
    expect((await post('undo')).headers.location).toMatch(/done=no-history/);
    expect((await post('redo')).headers.location).toMatch(/done=redone/);
    expect((await print()).indexOf('- type: chart')).toBeLessThan((await print()).indexOf('- type: table'));
  }, 60_000);
});
