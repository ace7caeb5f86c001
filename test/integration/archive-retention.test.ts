import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { verifyArchive } from '../../src/archive/archive-verify.ts';
import { openEnvelope } from '../../src/archive/envelope.ts';
import { eraseCustomer, erasureRecords } from '../../src/archive/erasure.ts';
import { createFsBlobStore } from '../../src/archive/fs-blob-store.ts';
import { loadInputSnapshot, snapshotInput } from '../../src/archive/input-snapshot.ts';
import { archiveDocument } from '../../src/archive/ledger.ts';
import { verifyCommunication } from '../../src/archive/replay.ts';
import { executePurge, planPurge } from '../../src/archive/retention.ts';
import { loadRetentionPolicy } from '../../src/archive/retention-policy.ts';
import { executeRun } from '../../src/batch/execute-run.ts';
import { sha256Hex } from '../../src/core/hash.ts';
import type { Customer } from '../../src/core/types.ts';
import { requireDataSource } from '../../src/customers/index.ts';
import { synthesizeIdentity } from '../../src/customers/synthetic-identity.ts';
import { readLogPage } from '../../src/store/archive-log.ts';
import { listAudit } from '../../src/store/audit.ts';
import { getCommunicationInput } from '../../src/store/communication-inputs.ts';
import { type CommunicationRecord, listCommunicationsForRun } from '../../src/store/communications.ts';
import { getDataKey } from '../../src/store/customer-keys.ts';
import { getCustomer, upsertCustomers } from '../../src/store/customers.ts';
import { openStoreAt, type Store } from '../../src/store/db.ts';
import { createRunIfAbsent } from '../../src/store/runs.ts';
import { listTombstones } from '../../src/store/tombstones.ts';
import { publishTemplatePackage } from '../../src/templates/publish.ts';
import { loadStatementFeeds } from '../support/statement-feeds.ts';
import { openTempStore, ROOT, type TempStore, testBatchDeps } from '../support/stores.ts';

const run = promisify(execFile);

/**
 * RELIABILITY S8. Three real runs for four customers: statements dated 2019-01-31 (past 7 years),
 * statements dated 2026-10-31 (inside 7 years, legal hold) and promotions dated 2026-10-31 rendered
 * from the same template — byte-identical to the statements, so they share blobs. Retention purges
 * what expired and never a blob a retained document still uses; erasure erases what it may, restricts
 * what the law says must stay, crypto-shreds the keys and leaves a PII-free tombstone.
 */
describe('retention and erasure', () => {
  let temp: TempStore;
  let store: Store;
  let deps: ReturnType<typeof testBatchDeps>['deps'];
  const customers: Customer[] = [];
  const runs: Record<'old' | 'recent' | 'promo', CommunicationRecord[]> = { old: [], recent: [], promo: [] };
  const policy = loadRetentionPolicy();
  const of = (kind: keyof typeof runs, customerId: string) =>
    runs[kind].find((r) => r.customerId === customerId)!;

  beforeAll(async () => {
    temp = await openTempStore('archive-retention');
    ({ store } = temp);
    for (let i = 0; i < 4; i += 1) {
      customers.push({ ...synthesizeIdentity(`E${i}`), traits: { balance: 250 * (i + 1) } });
    }
    await upsertCustomers(store.db, customers);
    // The promotions render from the statement's data: a data source cross-sell-promotion with the
    // statement's definition, fed the same extracts (the shipped type renders from the customer record).
    const datasources = path.join(temp.dir, 'datasources');
    for (const name of ['monthly-statement', 'cross-sell-promotion']) {
      fs.mkdirSync(path.join(datasources, name), { recursive: true });
      fs.copyFileSync(
        path.join(ROOT, 'datasources', 'monthly-statement', 'datasource.yaml'),
        path.join(datasources, name, 'datasource.yaml'),
      );
    }
    await loadStatementFeeds(store.db, customers, '2019-01-31');
    await loadStatementFeeds(store.db, customers, '2026-10-31');
    await loadStatementFeeds(store.db, customers, '2026-10-31', {
      datasource: await requireDataSource(datasources, 'cross-sell-promotion'),
    });
    const template = await publishTemplatePackage(store.db, 'templates/monthly-statement');
    const batch = testBatchDeps(store, temp.dir, { chunkSize: 4, concurrency: 1 });
    deps = { ...batch.deps, datasourcesDir: datasources };
    try {
      const make = async (communicationType: string, asOf: string) => {
        const outcome = await executeRun(deps, {
          communicationType,
          templateVersionId: template.id,
          asOf,
          source: 'store:all',
        });
        return listCommunicationsForRun(store.db, outcome.runId);
      };
      runs.old = await make('monthly-statement', '2019-01-31');
      runs.recent = await make('monthly-statement', '2026-10-31');
      runs.promo = await make('cross-sell-promotion', '2026-10-31');
    } finally {
      await batch.close();
    }
  });

  afterAll(async () => {
    await temp.close();
  });

  it('plans a purge: only what the policy no longer keeps, with type, age and bytes', async () => {
    expect(runs.promo[0]!.artifactSha256).toBe(of('recent', runs.promo[0]!.customerId).artifactSha256);
    const now = await planPurge({ db: store.db }, policy, { today: '2026-11-23' });
    expect(now.items.map((i) => i.communicationId).sort()).toEqual(runs.old.map((r) => r.id).sort());
    expect(now.items[0]).toMatchObject({
      communicationType: 'monthly-statement',
      keep: '7y',
      channel: 'print',
    });
    expect(now.items[0]!.ageDays).toBe(2853);
    expect(now.totalBytes).toBe(runs.old.reduce((s, r) => s + r.artifactSize!, 0));
    const later = await planPurge({ db: store.db }, policy, { today: '2027-11-30' });
    expect(later.items).toHaveLength(8);
  });

  it('`missive archive purge --dry-run` lists them and removes nothing', async () => {
    const { stdout } = await run(
      'node',
      [path.join(ROOT, 'bin', 'missive.js'), 'archive', 'purge', '--dry-run', '--today', '2027-11-30'],
      { env: { ...process.env, MISSIVE_DATA_DIR: temp.dir, MISSIVE_LOG_LEVEL: 'silent', DATABASE_URL: '' } },
    );
    expect(stdout).toContain(`${runs.old[0]!.id}  monthly-statement  print  dated 2019-01-31`);
    expect(stdout).toMatch(/cross-sell-promotion .* > 1y/);
    expect(stdout).toMatch(/8 document\(s\), \d+ bytes past retention/);
    expect(fs.existsSync(deps.blobs.locate(runs.old[0]!.artifactSha256!))).toBe(true);
  });

  it('erases a customer: statements under legal hold are restricted, the rest erased and shredded', async () => {
    const id = customers[0]!.id;
    const promo = of('promo', id);
    const promoInput = (await getCommunicationInput(store.db, promo.id))!;
    // A copy of the sealed snapshot kept elsewhere (a backup, a WORM bucket) …
    const copy = await deps.blobs.get(promoInput.blobSha256);
    const outcome = await eraseCustomer({ db: store.db, blobs: deps.blobs, policy }, id, {
      actor: 'admin:dpo',
      reason: 'GDPR request 2026-117\r\nBcc: x',
      today: '2026-11-23',
    });
    expect(outcome).toMatchObject({ outcome: 'restricted', erasedDocuments: 2, shreddedKeys: 1 });
    expect(outcome.retained).toEqual([
      {
        communicationType: 'monthly-statement',
        documents: 1,
        until: '2033-10-31',
        basis: expect.any(String),
      },
    ]);
    // … no longer decrypts: its key is gone.
    expect(await getDataKey(store.db, promoInput.keyId)).toBeUndefined();
    await expect(loadInputSnapshot(store.db, deps.blobs, promo.id)).rejects.toThrow(
      /no stored input snapshot/,
    );
    const someKey = Buffer.alloc(32, 7);
    expect(() => openEnvelope(someKey, promoInput.keyId, copy)).toThrow(/does not decrypt/);
    // The old statement's bytes are gone; the restricted one still replays.
    await expect(deps.blobs.get(of('old', id).artifactSha256!)).rejects.toThrow(/no blob/);
    expect((await verifyCommunication({ db: store.db, blobs: deps.blobs }, of('recent', id).id)).ok).toBe(
      true,
    );
    // The promotion's bytes are shared with the retained statement: still there.
    expect(fs.existsSync(deps.blobs.locate(promo.artifactSha256!))).toBe(true);
    // No personal data left in the customer table; a PII-free tombstone and an audit row remain.
    expect(await getCustomer(store.db, id)).toBeUndefined();
    const [tombstone] = await erasureRecords(store.db, id);
    expect(tombstone?.kind).toBe('customer.restricted');
    const text = JSON.stringify(tombstone);
    for (const pii of [customers[0]!.name, customers[0]!.email, customers[0]!.phone]) {
      if (pii) expect(text).not.toContain(pii);
    }
    const audit = await listAudit(store.db, { targetType: 'customer', targetId: id });
    expect(audit[0]).toMatchObject({ actor: 'admin:dpo', action: 'customer.erase' });
    expect(audit[0]!.details.reason).toBe('GDPR request 2026-117  Bcc: x');
    // The append-only log holds the audit row's details only as a hash, and the tombstone's facts.
    const log = (await readLogPage(store.db, -1, 1000)).map((e) => e.entry).join('\n');
    expect(log).not.toContain('GDPR request');
    expect(log).toContain('"tombstoneKind":"customer.restricted"');
  });

  it('`missive customers erase` erases fully once nothing is under a legal hold any more', async () => {
    const id = customers[1]!.id;
    const recent = (await getCommunicationInput(store.db, of('recent', id).id))!;
    const { stdout } = await run(
      'node',
      [
        path.join(ROOT, 'bin', 'missive.js'),
        'customers',
        'erase',
        id,
        '--reason',
        'request 118',
        '--actor',
        'admin:dpo',
        '--today',
        '2034-01-01',
      ],
      { env: { ...process.env, MISSIVE_DATA_DIR: temp.dir, MISSIVE_LOG_LEVEL: 'silent', DATABASE_URL: '' } },
    );
    expect(stdout).toContain(
      `customer ${id} erased: personal data deleted, 3 document(s) erased, 2 data key(s)`,
    );
    expect(await getDataKey(store.db, recent.keyId)).toBeUndefined();
    expect((await listTombstones(store.db, 'customer', id))[0]?.kind).toBe('customer.erased');
  });

  it('purges what expired, keeps blobs retained documents share, and stays verifiable', async () => {
    const plan = await planPurge({ db: store.db }, policy, { today: '2027-11-30' });
    // Customers 0 and 1 were erased above: only the other two customers' old statements and promotions.
    expect(plan.items).toHaveLength(4);
    const outcome = await executePurge({ db: store.db, blobs: deps.blobs }, plan, { actor: 'ops:retention' });
    expect(outcome.purged).toBe(4);
    for (const id of [customers[2]!.id, customers[3]!.id]) {
      expect(fs.existsSync(deps.blobs.locate(of('old', id).artifactSha256!))).toBe(false);
      expect(fs.existsSync(deps.blobs.locate(of('promo', id).artifactSha256!))).toBe(true);
      expect((await listTombstones(store.db, 'communication', of('promo', id).id))[0]?.kind).toBe(
        'document.purged',
      );
      const replay = await verifyCommunication({ db: store.db, blobs: deps.blobs }, of('old', id).id);
      expect(replay.ok).toBe(false);
    }
    expect((await listAudit(store.db, { actor: 'ops:retention' }))[0]?.action).toBe('archive.purge');
    expect((await planPurge({ db: store.db }, policy, { today: '2027-11-30' })).items).toEqual([]);
    const verified = await verifyArchive({ db: store.db, blobs: deps.blobs });
    expect(verified.problems).toEqual([]);
    expect(verified.ok).toBe(true);
    expect(verified.documents.removed).toBe(9);
  });

  it('finishes a restricted erasure once the held documents expire and are purged', async () => {
    const id = customers[0]!.id;
    const held = (await getCommunicationInput(store.db, of('recent', id).id))!;
    const plan = await planPurge({ db: store.db }, policy, { today: '2033-11-01' });
    expect(plan.items.map((i) => i.communicationId).sort()).toEqual(
      [0, 2, 3].map((i) => of('recent', customers[i]!.id).id).sort(),
    );
    const outcome = await executePurge({ db: store.db, blobs: deps.blobs }, plan, { actor: 'ops:retention' });
    expect(outcome).toMatchObject({ purged: 3, erasuresCompleted: 1 });
    expect((await erasureRecords(store.db, id))[0]?.kind).toBe('customer.erased');
    expect(await getDataKey(store.db, held.keyId)).toBeUndefined();
    // The last documents using the shared statement/promotion bytes are gone: so are the blobs.
    expect(fs.existsSync(deps.blobs.locate(of('recent', customers[2]!.id).artifactSha256!))).toBe(false);
    expect((await verifyArchive({ db: store.db, blobs: deps.blobs })).ok).toBe(true);
  });
});

/** The same queries on PostgreSQL: documents written through archiveDocument (SMS-sized bytes, no render). */
describe('retention and erasure on PostgreSQL', () => {
  let store: Store;
  let dir: string;
  let blobs: ReturnType<typeof createFsBlobStore>;

  beforeAll(async () => {
    store = await openStoreAt({
      databaseUrl: inject('databaseUrl'),
      schema: `r_${randomUUID().slice(0, 8)}`,
    });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-pg-retention-'));
    blobs = createFsBlobStore(path.join(dir, 'archive'));
    await upsertCustomers(store.db, [
      { ...synthesizeIdentity('P1'), traits: {} },
      { ...synthesizeIdentity('P2'), traits: {} },
    ]);
    const docs: [string, string, string][] = [
      ['monthly-statement', '2019-01-31', 'P1'],
      ['monthly-statement', '2026-10-31', 'P1'],
      ['cross-sell-promotion', '2026-10-31', 'P1'],
      ['monthly-statement', '2019-01-31', 'P2'],
    ];
    for (const [type, asOf, customerId] of docs) {
      const runId = `run_${type}_${asOf}`;
      await createRunIfAbsent(store.db, {
        id: runId,
        communicationType: type,
        templateVersionId: 'tv',
        asOf,
        source: 'test',
      });
      const bytes = Buffer.from(`${type} ${asOf} for ${customerId}`);
      const input = snapshotInput({
        templateVersionId: 'tv',
        communicationType: type,
        channel: 'sms',
        asOf,
        locale: 'en-GB',
        data: { customer: { id: customerId, name: 'Pat Example' } },
      });
      await archiveDocument(store.db, blobs, {
        runId,
        customerId,
        channel: 'sms',
        templateVersionId: 'tv',
        inputSha256: input.sha256,
        artifact: { bytes, mime: 'text/plain', sha256: sha256Hex(bytes), size: bytes.length },
        input,
      });
    }
  });

  afterAll(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('plans, erases with a restriction, purges and verifies', async () => {
    const policy = loadRetentionPolicy();
    const plan = await planPurge({ db: store.db }, policy, { today: '2026-11-23' });
    expect(plan.items).toHaveLength(2);
    const erased = await eraseCustomer({ db: store.db, blobs, policy }, 'P1', {
      actor: 'admin',
      reason: 'request',
      today: '2026-11-23',
    });
    expect(erased).toMatchObject({ outcome: 'restricted', erasedDocuments: 2, shreddedKeys: 1 });
    expect(await getCustomer(store.db, 'P1')).toBeUndefined();
    expect(await getCustomer(store.db, 'P2')).toBeDefined();
    const after = await planPurge({ db: store.db }, policy, { today: '2026-11-23' });
    expect(after.items.map((i) => i.customerId)).toEqual(['P2']);
    expect((await executePurge({ db: store.db, blobs }, after, { actor: 'ops' })).purged).toBe(1);
    const verified = await verifyArchive({ db: store.db, blobs });
    expect(verified.problems).toEqual([]);
    expect(verified.ok).toBe(true);
  });
});
