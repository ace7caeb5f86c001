import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { verifyCommunication } from '../../src/archive/replay.ts';
import { executeRun } from '../../src/batch/execute-run.ts';
import type { RunRequest } from '../../src/batch/run-request.ts';
import type { Customer } from '../../src/core/types.ts';
import { loadFeed, requireDataSource } from '../../src/customers/index.ts';
import { synthesizeIdentity } from '../../src/customers/synthetic-identity.ts';
import { listCommunicationsForRun, listRunFailures } from '../../src/store/communications.ts';
import { upsertCustomers } from '../../src/store/customers.ts';
import { openStoreAt, type Store } from '../../src/store/db.ts';
import { currentFeedLoad, listFeedLoads } from '../../src/store/feeds.ts';
import { getRun } from '../../src/store/runs.ts';
import { publishTemplatePackage } from '../../src/templates/publish.ts';
import { writeStatementFeeds } from '../support/statement-feeds.ts';
import { ROOT, testBatchDeps } from '../support/stores.ts';

const AS_OF = '2026-11-30';

/**
 * The integrate stage on both stores: extracts loaded as feeds (rejects, orphans, control totals,
 * idempotence, corrected files), and statement runs that render from them.
 */
describe.each(['sqlite', 'postgres'] as const)('data feeds on %s', (dialect) => {
  let dir: string;
  let store: Store;
  const customers: Customer[] = [];
  const datasource = () => requireDataSource(path.join(ROOT, 'datasources'), 'monthly-statement');
  const load = async (feed: string, file: string, asOf = AS_OF) =>
    loadFeed({ db: store.db, datasource: await datasource(), feed, file, asOf });

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-feeds-it-'));
    store =
      dialect === 'sqlite'
        ? await openStoreAt({ sqlitePath: path.join(dir, 'missive.sqlite') })
        : await openStoreAt({
            databaseUrl: inject('databaseUrl'),
            schema: `feeds_${randomUUID().slice(0, 8)}`,
          });
    for (let i = 1; i <= 12; i += 1) {
      const id = `F${String(i).padStart(3, '0')}`;
      customers.push({ ...synthesizeIdentity(id), traits: { balance: i * 100.25 } });
    }
    await upsertCustomers(store.db, customers);
  });

  afterAll(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a child feed before its parent is loaded, naming the command', async () => {
    const files = writeStatementFeeds(fs.mkdtempSync(path.join(dir, 'early-')), customers, AS_OF);
    await expect(load('transactions', files.transactions)).rejects.toMatchObject({
      code: 'MSV_FEED_NOT_LOADED',
      message: expect.stringMatching(/load accounts first/),
    });
  });

  it('loads, reports rejects and orphans with their lines, and is idempotent', async () => {
    const out = fs.mkdtempSync(path.join(dir, 'load-'));
    // The last customer has no account: their statement must fail alone later.
    const files = writeStatementFeeds(out, customers.slice(0, -1), AS_OF);
    const accounts = await load('accounts', files.accounts);
    expect(accounts).toMatchObject({ outcome: 'loaded', rows: 11, rejected: 0, control: { status: 'ok' } });
    expect(accounts.orphans.count).toBe(0);

    // A bad date and an unknown account in the transactions extract: the rest loads.
    const lines = fs.readFileSync(files.transactions, 'utf8').trimEnd().split('\n');
    lines.push('BAD-1,ACC-F001,2026-11-31,Nowhere,-1.00,', 'ORPHAN-1,ACC-NOPE,2026-11-02,Ghost,-2.00,');
    fs.writeFileSync(files.transactions, `${lines.join('\n')}\n`);
    fs.rmSync(`${files.transactions}.ctl`);
    const tx = await load('transactions', files.transactions);
    expect(tx.rejected).toBe(1);
    expect(tx.rejects[0]).toMatchObject({
      line: lines.length - 1,
      field: 'booking_date',
      code: 'MSV_INPUT_BAD_VALUE',
    });
    expect(tx.orphans).toEqual({ count: 1, sample: [{ line: lines.length, parentKey: 'ACC-NOPE' }] });
    expect(tx.control.status).toBe('none');
    await load('account-history', files['account-history']);

    const again = await load('accounts', files.accounts);
    expect(again.outcome).toBe('unchanged');
    expect(again.loadId).toBe(accounts.loadId);
    expect((await listFeedLoads(store.db, { asOf: AS_OF })).map((l) => l.feed).sort()).toEqual([
      'account-history',
      'accounts',
      'transactions',
    ]);
  });

  it('renders statements from the feeds; a customer missing from a required feed fails alone; replay proves the bytes', async () => {
    const template = await publishTemplatePackage(
      store.db,
      path.join(ROOT, 'templates', 'monthly-statement'),
    );
    const request: RunRequest = {
      communicationType: 'monthly-statement',
      templateVersionId: template.id,
      asOf: AS_OF,
      source: 'store:all',
    };
    const batch = testBatchDeps(store, dir, { chunkSize: 5, concurrency: 2 });
    try {
      const outcome = await executeRun(batch.deps, request);
      const rows = await listCommunicationsForRun(store.db, outcome.runId);
      expect(rows).toHaveLength(12);
      const failed = rows.filter((r) => r.status === 'failed');
      expect(failed.map((r) => r.customerId)).toEqual(['F012']);
      const failures = await listRunFailures(store.db, outcome.runId);
      expect(failures).toMatchObject([{ customerId: 'F012', code: 'MSV_DATA_MISSING' }]);
      expect(failures[0]!.reason).toMatch(/no rows in feed accounts .* for 2026-11-30/);
      const run = await getRun(store.db, outcome.runId);
      expect(run?.options.datasource).toMatchObject({ kind: 'datasource', name: 'monthly-statement' });
      const archived = rows.find((r) => r.status === 'archived')!;
      const replay = await verifyCommunication({ db: store.db, blobs: batch.deps.blobs }, archived.id);
      expect(replay.ok).toBe(true);
    } finally {
      await batch.close();
    }
  });

  it('refuses a run whose control totals do not match, then runs once a corrected file replaces the period', async () => {
    const asOf = '2026-12-31';
    const out = fs.mkdtempSync(path.join(dir, 'control-'));
    const files = writeStatementFeeds(out, customers, asOf);
    const ctl = `${files.transactions}.ctl`;
    const good = fs.readFileSync(ctl, 'utf8');
    fs.writeFileSync(
      ctl,
      good.replace(/rows=(\d+)/, (_, n) => `rows=${Number(n) + 1}`),
    );
    await load('accounts', files.accounts, asOf);
    const wrong = await load('transactions', files.transactions, asOf);
    expect(wrong.control).toMatchObject({
      status: 'mismatch',
      detail: expect.stringMatching(/rows: expected \d+, loaded \d+/),
    });
    await load('account-history', files['account-history'], asOf);

    const template = await publishTemplatePackage(
      store.db,
      path.join(ROOT, 'templates', 'monthly-statement'),
    );
    const request: RunRequest = {
      communicationType: 'monthly-statement',
      templateVersionId: template.id,
      asOf,
      source: 'store:all',
    };
    const batch = testBatchDeps(store, dir, { chunkSize: 6, concurrency: 1 });
    try {
      await expect(executeRun(batch.deps, request)).rejects.toMatchObject({
        code: 'MSV_FEED_CONTROL_MISMATCH',
        message: expect.stringMatching(/transactions \(transactions-2026-12-31\.csv: rows: expected/),
      });

      // The corrected extract: one transaction fewer, and its control file says so.
      const lines = fs.readFileSync(files.transactions, 'utf8').trimEnd().split('\n');
      const dropped = lines.pop()!;
      const amount = Number(dropped.split(',')[4]); // transaction_id,account_id,booking_date,description,amount,type
      fs.writeFileSync(files.transactions, `${lines.join('\n')}\n`);
      const total = Number(/amount=(.*)/.exec(good)![1]) - amount;
      fs.writeFileSync(ctl, `rows=${lines.length - 1}\namount=${total.toFixed(2)}\nasOf=${asOf}\n`);
      const before = await currentFeedLoad(store.db, 'monthly-statement', 'transactions', asOf);
      const corrected = await load('transactions', files.transactions, asOf);
      expect(corrected).toMatchObject({
        outcome: 'replaced',
        rows: lines.length - 1,
        control: { status: 'ok' },
      });
      expect(corrected.loadId).not.toBe(before!.id);

      const outcome = await executeRun(batch.deps, request);
      const rows = await listCommunicationsForRun(store.db, outcome.runId);
      expect(rows.filter((r) => r.status === 'archived')).toHaveLength(12);
    } finally {
      await batch.close();
    }
  });
});
