import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInputSnapshot } from '../../src/archive/input-snapshot.ts';
import { verifyCommunication } from '../../src/archive/replay.ts';
import type { Customer } from '../../src/core/types.ts';
import type { CommunicationRecord } from '../../src/store/communications.ts';
import { upsertCustomers } from '../../src/store/customers.ts';
import type { Store } from '../../src/store/db.ts';
import { runBankStatements } from '../support/bank-statement-run.ts';
import { openTempStore, ROOT, type TempStore, type testBatchDeps } from '../support/stores.ts';

const run = promisify(execFile);

/**
 * `missive verify`: a real run with the bank catalog (so documents carry the decision's offers),
 * then each document re-rendered from its sealed input snapshot must give the archived bytes —
 * even after the customer record changed — and any altered input or blob must fail.
 */
describe('replaying archived documents from their stored inputs', () => {
  let temp: TempStore;
  let store: Store;
  let rows: CommunicationRecord[];
  let customers: Customer[];
  let deps: ReturnType<typeof testBatchDeps>['deps'];

  beforeAll(async () => {
    temp = await openTempStore('archive-replay');
    ({ store } = temp);
    let all: CommunicationRecord[];
    ({ customers, rows: all, deps } = await runBankStatements(temp));
    rows = all.filter((r) => r.status === 'archived');
  });

  afterAll(async () => {
    await temp.close();
  });

  const replay = (id: string) => verifyCommunication({ db: store.db, blobs: deps.blobs }, id);

  it('proves every document of the run byte for byte, offers included', async () => {
    expect(rows.length).toBeGreaterThan(10);
    let withOffers = 0;
    for (const row of rows) {
      const result = await replay(row.id);
      expect(result.difference).toBeUndefined();
      expect(result.ok).toBe(true);
      expect(result.replayedSha256).toBe(row.artifactSha256);
      expect(result.warnings).toEqual([]);
      const { input } = await loadInputSnapshot(store.db, deps.blobs, row.id);
      if (Array.isArray(input.data.offers)) withOffers += 1;
    }
    expect(withOffers).toBeGreaterThan(0);
  });

  it('still proves the document after the customer record changed (inputs were snapshotted)', async () => {
    const row = rows[0]!;
    const customer = customers.find((c) => c.id === row.customerId)!;
    await upsertCustomers(store.db, [{ ...customer, name: 'Someone Else Entirely', traits: { balance: 1 } }]);
    expect((await replay(row.id)).ok).toBe(true);
  });

  it('warns when the ICU version differs from the one that rendered', async () => {
    const row = rows[1]!;
    await sql`update communication_inputs set icu_version = '1.0' where communication_id = ${row.id}`.execute(
      store.db,
    );
    const result = await replay(row.id);
    expect(result.ok).toBe(true);
    expect(result.warnings.join('\n')).toMatch(/ICU 1\.0.*Intl output|Intl/);
  });

  it('fails with the first differing byte when the ledger points at other bytes', async () => {
    const [a, b] = [rows[2]!, rows[3]!];
    await sql`update communications set artifact_sha256 = ${b.artifactSha256} where id = ${a.id}`.execute(
      store.db,
    );
    const result = await replay(a.id);
    expect(result.ok).toBe(false);
    expect(result.replayedSha256).toBe(a.artifactSha256);
    expect(result.difference).toMatch(/bytes differ from offset \d+/);
    await sql`update communications set artifact_sha256 = ${a.artifactSha256} where id = ${a.id}`.execute(
      store.db,
    );
  });

  it('fails when the input snapshot was swapped for another customer’s', async () => {
    const [a, b] = [rows[4]!, rows[5]!];
    const other = await sql<{
      blob_sha256: string;
    }>`select blob_sha256 from communication_inputs where communication_id = ${b.id}`.execute(store.db);
    await sql`update communication_inputs set blob_sha256 = ${other.rows[0]!.blob_sha256} where communication_id = ${a.id}`.execute(
      store.db,
    );
    const result = await replay(a.id);
    expect(result.ok).toBe(false);
    // Sealed with the other customer's key: it does not even decrypt.
    expect(result.code).toBe('MSV_ARCHIVE_DECRYPT_FAILED');
  });

  describe('as a person runs it (child processes on the same data folder)', () => {
    const missive = (...args: string[]) =>
      run('node', [path.join(ROOT, 'bin', 'missive.js'), ...args], {
        env: { ...process.env, MISSIVE_DATA_DIR: temp.dir, MISSIVE_LOG_LEVEL: 'silent', DATABASE_URL: '' },
        cwd: temp.dir,
      });
    const fails = (...args: string[]) =>
      missive(...args).then(
        () => expect.unreachable('the command should fail'),
        (err: { code: number; stdout: string; stderr: string }) => err,
      );

    it('missive verify proves a genuine document (exit 0)', async () => {
      const row = rows[6]!;
      const { stdout } = await missive('verify', row.id);
      expect(stdout).toContain(`verified: sha256 ${row.artifactSha256}`);
    });

    it('refuses a document whose blob had one byte flipped', async () => {
      const row = rows[6]!;
      const file = deps.blobs.locate(row.artifactSha256!);
      const original = fs.readFileSync(file);
      try {
        fs.chmodSync(file, 0o644);
        const flipped = Buffer.from(original);
        flipped[100] = flipped[100]! ^ 0xff;
        fs.writeFileSync(file, flipped);
        const result = await replay(row.id);
        expect(result.ok).toBe(false);
        expect(result.code).toBe('MSV_ARCHIVE_TAMPERED');
        expect(result.difference).toMatch(/altered/);
      } finally {
        fs.writeFileSync(file, original);
        fs.chmodSync(file, 0o444);
      }
    });

    it('missive archive checkpoint + verify --checkpoint: intact, then a cut tail fails naming the index', async () => {
      const out = path.join(temp.dir, 'checkpoint.json');
      await missive('archive', 'checkpoint', '--out', out);
      expect(fs.statSync(path.join(temp.dir, 'keys', 'log-ed25519.pem')).mode & 0o777).toBe(0o600);
      const { size } = JSON.parse(fs.readFileSync(out, 'utf8')) as { size: number };
      await sql`delete from archive_log where seq >= ${size - 2}`.execute(store.db);
      const failed = await fails('archive', 'verify', '--checkpoint', out);
      expect(failed.code).toBe(1);
      expect(failed.stdout).toContain(`first bad index: ${size - 2}`);
      expect(failed.stdout).toContain('verification FAILED');
      expect(failed.stdout).toMatch(/checkpoint signed \d+ entries but only/);
    });
  });
});
