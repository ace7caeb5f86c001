import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Customer, Traits } from '../../src/core/types.ts';
import { importCustomers } from '../../src/customers/import.ts';
import { synthesizeIdentity } from '../../src/customers/synthetic-identity.ts';
import { errorsOf } from '../../src/rules/issues.ts';
import { lintCatalogDir, publishCatalogDir } from '../../src/rules/publish.ts';
import { upsertCustomers } from '../../src/store/customers.ts';
import { openStoreAt, type Store, type StoreLocation } from '../../src/store/db.ts';
import { countAbsentTraits, customerTraitPages } from '../../src/store/trait-coverage.ts';
import { ROOT } from '../support/stores.ts';

const TELCO_CUSTOMERS = path.join(ROOT, 'examples', 'telco', 'customers.csv');
const TELCO_MAPPING = path.join(ROOT, 'examples', 'telco', 'mapping.json');
const AS_OF = '2026-10-31';

/**
 * Issue 16 item 7: `offers lint` and `offers publish` check the catalog's traits against the stored
 * customers. The telecom catalog reads age, roaming and data usage; the operator's real file
 * (examples/telco) has none of them, so every trait is absent for all 7,043 stored customers and
 * everyone falls into the 18-24 band — an error and a warning, where lint used to say "no problems".
 */
describe.each(['sqlite', 'postgres'] as const)(
  'offers lint against the stored customers on %s',
  (dialect) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-lint-store-'));
    const schema = `lint_store_${randomUUID().replaceAll('-', '')}`;
    let store: Store;

    beforeAll(async () => {
      const location: StoreLocation =
        dialect === 'sqlite'
          ? { sqlitePath: path.join(dir, 'missive.sqlite') }
          : { databaseUrl: inject('databaseUrl'), schema, poolSize: 4 };
      store = await openStoreAt(location);
      await importCustomers({
        file: TELCO_CUSTOMERS,
        mapping: TELCO_MAPPING,
        sink: (batch) => upsertCustomers(store.db, batch),
      });
    });

    afterAll(async () => {
      await store?.close();
      fs.rmSync(dir, { recursive: true, force: true });
      if (dialect === 'postgres') {
        const client = new pg.Client({ connectionString: inject('databaseUrl') });
        await client.connect();
        await client.query(`drop schema if exists ${schema} cascade`).finally(() => client.end());
      }
    });

    it('the telecom catalog: every trait absent for 7,043 of 7,043, everyone 18-24; publish refused', async () => {
      const telecom = path.join(ROOT, 'catalogs', 'telecom');
      const { issues, checked } = await lintCatalogDir(telecom, AS_OF, { db: store.db });
      expect(checked).toEqual({ sample: 60, stored: 7043 });
      const errors = errorsOf(issues);
      expect(errors.map((i) => i.code)).toEqual(Array(11).fill('MSV_RULES_TRAIT_ABSENT'));
      expect(errors[0]?.message).toBe(
        'trait `age` is absent for 7,043 of 7,043 stored customers (does their import mapping produce it?)',
      );
      const warnings = issues.filter((i) => i.severity === 'warning');
      expect(warnings.map((w) => w.message)).toContain(
        "ageBand = 18-24 for 7,043 of 7,043 stored customers (100 %): the model's segments hardly differ on ageBand",
      );
      // The sample alone is fine: the catalog's own sample has every trait.
      expect((await lintCatalogDir(telecom, AS_OF)).issues).toEqual([]);
      await expect(publishCatalogDir(store.db, telecom, AS_OF)).rejects.toMatchObject({
        code: 'MSV_RULES_TRAIT_ABSENT',
        message: expect.stringContaining('(and 10 more)'),
      });
    });

    it('the telco catalog, written for that file, passes against the same customers and publishes', async () => {
      const telco = path.join(ROOT, 'catalogs', 'telco');
      const { issues } = await lintCatalogDir(telco, AS_OF, { db: store.db });
      expect(issues).toEqual([]);
      const published = await publishCatalogDir(store.db, telco, AS_OF);
      expect(published.created).toBe(true);
      expect(published.warnings).toEqual([]);
    });

    it('counts a JSON null and a missing key alike, in SQL, and pages every customer once', async () => {
      const traits: Traits[] = [{ probe: 1 }, { probe: null }, {}];
      const extra: Customer[] = traits.map((t, i) => ({ ...synthesizeIdentity(`Z${i}`), traits: t }));
      await upsertCustomers(store.db, extra);
      const counted = await countAbsentTraits(store.db, ['probe', 'tenure']);
      expect(counted).toEqual({ total: 7046, absent: { probe: 7045, tenure: 3 } });
      let seen = 0;
      for await (const page of customerTraitPages(store.db, 2000)) seen += page.length;
      expect(seen).toBe(7046);
    });
  },
);

describe('missive offers lint|publish against the data folder', () => {
  let dataDir: string;
  const run = promisify(execFile);
  const missive = (...args: string[]) => {
    const env: NodeJS.ProcessEnv = { ...process.env, MISSIVE_DATA_DIR: dataDir, MISSIVE_LOG_LEVEL: 'silent' };
    delete env.DATABASE_URL;
    return run('node', [path.join(ROOT, 'bin', 'missive.js'), ...args], { env, cwd: dataDir }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
  };

  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-lint-cli-'));
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('says what it checked against, and fails (exit 1) once the stored customers lack the traits', async () => {
    const telecom = path.join(ROOT, 'catalogs', 'telecom');
    const before = await missive('offers', 'lint', telecom, '--as-of', AS_OF);
    expect(before.code).toBe(0);
    expect(before.stdout).toContain(
      'telecom: 5 offers, 2 communication types — no problems (checked against 60 sample customers and no stored customers',
    );
    expect((await missive('customers', 'import', TELCO_CUSTOMERS, '--mapping', TELCO_MAPPING)).code).toBe(0);
    const after = await missive('offers', 'lint', telecom, '--as-of', AS_OF);
    expect(after.code).toBe(1);
    expect(after.stdout).toContain('trait `roamingSpend` is absent for 7,043 of 7,043 stored customers');
    expect(after.stdout).toContain('warning: traits.yaml ageBand at segmentation.dimensions.ageBand');
    expect(after.stderr).toContain('MSV_RULES_TRAIT_ABSENT');
    const publish = await missive('offers', 'publish', telecom, '--as-of', AS_OF);
    expect(publish.code).toBe(1);
    expect((await missive('offers', 'list')).stdout).toContain('no catalog published yet');
    const telco = await missive('offers', 'lint', path.join(ROOT, 'catalogs', 'telco'), '--as-of', AS_OF);
    expect(telco.stdout).toContain(
      'no problems (checked against 7,043 sample customers and 7,043 stored customers)',
    );
  });
});
