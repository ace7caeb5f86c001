import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFsBlobStore } from '../../src/archive/fs-blob-store.ts';
import { derivePortalLinkKey, signPortalLink } from '../../src/feedback/portal-link.ts';
import { DEFAULT_SUCCESS_RULES } from '../../src/feedback/success.ts';
import { openDocumentLink } from '../../src/portal/document-link.ts';
import { listCustomerDocuments, readCustomerDocument } from '../../src/portal/documents.ts';
import { DEFAULT_PORTAL_LIMITS } from '../../src/portal/limits.ts';
import { answerOffer, listRecentOffers } from '../../src/portal/offers.ts';
import { getPreferences, preferenceHistory, savePreferences } from '../../src/portal/preferences.ts';
import { type SignInDeps, startSignIn, verifySignIn } from '../../src/portal/sign-in.ts';
import type { Store } from '../../src/store/db.ts';
import { loadModelStats } from '../../src/store/model-stats.ts';
import {
  closePortalLinks,
  createPortalSession,
  findPortalSession,
  portalLinksClosedAt,
} from '../../src/store/portal.ts';
import { CANARY, type SeededDocuments, seedDocuments } from '../support/api.ts';
import { openFeedbackStore } from '../support/feedback-stores.ts';
import { PORTAL_KEY } from '../support/portal.ts';

/** The portal's queries on both databases: challenges, counts, lockout, keyset pages, preferences, answers. */
describe.each(['sqlite', 'postgres'] as const)('portal store queries on %s', (dialect) => {
  let opened: Awaited<ReturnType<typeof openFeedbackStore>>;
  let store: Store;
  let seeded: SeededDocuments;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-portal-store-'));
  const blobs = createFsBlobStore(path.join(dir, 'archive'));
  let at = Date.parse('2026-11-20T10:00:00Z');
  const deps = (): SignInDeps => ({
    db: store.db,
    key: PORTAL_KEY,
    limits: DEFAULT_PORTAL_LIMITS,
    now: () => new Date(at),
  });

  beforeAll(async () => {
    opened = await openFeedbackStore(dialect);
    store = opened.store;
    seeded = await seedDocuments(store.db, blobs);
  });
  afterAll(async () => {
    await opened?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('sign-in: a real challenge verifies once, a decoy never; wrong codes are counted and lock', async () => {
    const real = await startSignIn(deps(), {
      typed: CANARY.email.toUpperCase(),
      channel: 'email',
      challenge: 'c-real',
    });
    expect(real.customerId).toBe('C0001');
    expect(real.delivery).toMatchObject({ channel: 'email', address: CANARY.email });
    const decoy = await startSignIn(deps(), {
      typed: 'nobody@example.org',
      channel: 'sms',
      challenge: 'c-decoy',
    });
    expect(decoy.delivery).toBeUndefined();
    await expect(verifySignIn(deps(), { challenge: 'c-decoy', code: '000000' })).rejects.toMatchObject({
      code: 'MSV_PORTAL_CODE_INVALID',
    });
    const wrong = real.delivery!.code === '999999' ? '999998' : '999999';
    await expect(verifySignIn(deps(), { challenge: 'c-real', code: wrong })).rejects.toMatchObject({
      code: 'MSV_PORTAL_CODE_INVALID',
      details: { attemptsLeft: 3 + 1 },
    });
    expect(await verifySignIn(deps(), { challenge: 'c-real', code: real.delivery!.code })).toEqual({
      customerId: 'C0001',
    });
    await expect(
      verifySignIn(deps(), { challenge: 'c-real', code: real.delivery!.code }),
    ).rejects.toMatchObject({
      code: 'MSV_PORTAL_CODE_SPENT',
    });
    // 1 wrong so far; 9 more over two challenges lock the customer.
    for (const challenge of ['c-2', 'c-3']) {
      await startSignIn(deps(), { typed: 'C0001', channel: 'sms', challenge });
      for (let i = 0; i < (challenge === 'c-2' ? 5 : 4); i += 1) {
        await verifySignIn(deps(), { challenge, code: 'abcdef' }).catch(() => undefined);
      }
    }
    const locked = await startSignIn(deps(), { typed: 'C0001', channel: 'sms', challenge: 'c-4' });
    expect(locked.delivery).toBeUndefined();
    await expect(verifySignIn(deps(), { challenge: 'c-4', code: '123456' })).rejects.toMatchObject({
      code: 'MSV_PORTAL_LOCKED',
    });
    at += 31 * 60_000;
    const after = await startSignIn(deps(), { typed: 'C0001', channel: 'sms', challenge: 'c-5' });
    expect(after.delivery?.address).toBe(CANARY.phone);
  });

  it('sessions: found while live, with the customer language; gone after expiry', async () => {
    await createPortalSession(store.db, {
      tokenSha256: 'h1',
      customerId: 'C0002',
      csrfToken: 'csrf',
      createdAt: new Date(at).toISOString(),
      expiresAt: new Date(at + 15 * 60_000).toISOString(),
    });
    expect(await findPortalSession(store.db, 'h1', new Date(at).toISOString())).toMatchObject({
      customerId: 'C0002',
      csrfToken: 'csrf',
      locale: seeded.customers[1]!.locale,
    });
    expect(await findPortalSession(store.db, 'h1', new Date(at + 16 * 60_000).toISOString())).toBeUndefined();
  });

  it('documents: keyset pages without gaps or repeats; another customer’s is not found', async () => {
    await store.db
      .updateTable('communications')
      .set({ status: 'sent' })
      .where('id', 'in', [seeded.ids.C0001!.email!, seeded.ids.C0001!.sms!])
      .execute();
    const first = await listCustomerDocuments(store.db, 'C0001', { limit: 2 });
    const second = await listCustomerDocuments(store.db, 'C0001', { limit: 2, after: first.next });
    expect(first.documents).toHaveLength(2);
    expect(second.documents).toHaveLength(1);
    expect(second.next).toBeUndefined();
    expect(new Set([...first.documents, ...second.documents].map((d) => d.id))).toEqual(
      new Set(Object.values(seeded.ids.C0001!)),
    );
    const reader = { customerId: 'C0002', ip: '127.0.0.1', via: 'test' };
    await expect(
      readCustomerDocument(store.db, blobs, reader, seeded.ids.C0001!.print!),
    ).rejects.toMatchObject({
      code: 'MSV_STORE_NOT_FOUND',
    });
    const own = await readCustomerDocument(store.db, blobs, reader, seeded.ids.C0002!.print!);
    expect(Buffer.from(own.bytes).toString()).toContain('statement for C0002');
  });

  it('preferences and offers: saved with history; an answer counts once', async () => {
    const now = new Date(at);
    const locale = seeded.customers[2]!.locale.startsWith('zh') ? 'en-GB' : 'zh-CN';
    await savePreferences(
      store.db,
      'C0003',
      { paperless: true, marketing: { print: false, email: true, sms: false }, locale },
      { changeId: 'change-000000000001', at: now },
    );
    expect(await getPreferences(store.db, 'C0003')).toMatchObject({ paperless: true, locale });
    expect((await preferenceHistory(store.db, 'C0003')).map((h) => h.type).sort()).toEqual([
      'consent-changed',
      'locale-changed',
    ]);
    const offers = await listRecentOffers(store.db, 'C0001', { now: new Date(), locale: 'en-GB' });
    expect(offers.map((o) => o.offerId)).toEqual(['term-deposit']);
    const input = {
      customerId: 'C0001',
      communicationId: offers[0]!.communicationId,
      offerId: 'term-deposit',
      answer: 'interested' as const,
      at: now,
    };
    expect(await answerOffer(store.db, input, DEFAULT_SUCCESS_RULES)).toMatchObject({
      recorded: true,
      success: true,
    });
    expect(await answerOffer(store.db, input, DEFAULT_SUCCESS_RULES)).toMatchObject({ recorded: false });
    const stats = (await loadModelStats(store.db)).find((s) => s.offerId === 'term-deposit');
    expect(stats).toMatchObject({ exposures: 1, successes: 1 });
  });

  it('document links: a link session names its document; signing out closes links (upsert) and ends link sessions', async () => {
    const linkKey = derivePortalLinkKey(Buffer.from('tracking-key-of-the-store-tests-0123456789'));
    const now = new Date(at);
    const print = seeded.ids.C0001!.print!;
    const link = (issuedAt: number) =>
      signPortalLink(linkKey, {
        customerId: 'C0001',
        communicationId: print,
        issuedAt,
        expiresAt: issuedAt + 86_400,
      });
    const seconds = Math.floor(at / 1000);
    const linkDeps = { db: store.db, linkKey, now: () => now };
    expect((await openDocumentLink(linkDeps, link(seconds - 10), '127.0.0.1')).document.id).toBe(print);
    await createPortalSession(store.db, {
      tokenSha256: 'link-1',
      customerId: 'C0001',
      csrfToken: 'x',
      createdAt: now.toISOString(),
      expiresAt: new Date(at + 15 * 60_000).toISOString(),
      documentId: print,
    });
    expect(await findPortalSession(store.db, 'link-1', now.toISOString())).toMatchObject({
      customerId: 'C0001',
      documentId: print,
    });
    // Signed out twice: the later time wins; links issued before it are refused.
    await closePortalLinks(store.db, 'C0001', new Date(at - 60_000).toISOString());
    await closePortalLinks(store.db, 'C0001', now.toISOString());
    expect(await portalLinksClosedAt(store.db, 'C0001')).toBe(now.toISOString());
    expect(await findPortalSession(store.db, 'link-1', now.toISOString())).toBeUndefined();
    await expect(openDocumentLink(linkDeps, link(seconds - 10), '127.0.0.1')).rejects.toMatchObject({
      code: 'MSV_PORTAL_LINK_INVALID',
    });
    expect((await openDocumentLink(linkDeps, link(seconds + 1), '127.0.0.1')).customerId).toBe('C0001');
  });
});
