import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFsBlobStore } from '../../src/archive/fs-blob-store.ts';
import { archiveDocument } from '../../src/archive/ledger.ts';
import { synthesizeIdentity } from '../../src/customers/synthetic-identity.ts';
import { makeArtifact } from '../../src/render/artifact.ts';
import { getCommunication, listCommunicationStatusHistory } from '../../src/store/communications.ts';
import { upsertCustomers } from '../../src/store/customers.ts';
import { openStoreAt, type Store } from '../../src/store/db.ts';
import { createRunIfAbsent } from '../../src/store/runs.ts';
import { publishTemplatePackage } from '../../src/templates/publish.ts';
import { cliStartEnv } from '../support/cli-start.ts';

const exec = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..', '..');
const RUN = 'run_confirm_cli';

/**
 * `missive print-streams confirm FILE` as an operator runs it (issue 19): exit 0 when every line
 * applied, 3 when some were refused (each printed with file, line and field), the same file twice
 * changes nothing, a spoiled letter is queued for re-print.
 */
describe('missive print-streams confirm', () => {
  let dir: string;
  type Result = { code: number; stdout: string; stderr: string };
  const missive = async (...args: string[]): Promise<Result> => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      MISSIVE_DATA_DIR: dir,
      MISSIVE_LOG_LEVEL: 'silent',
      ...cliStartEnv(),
    };
    delete env.DATABASE_URL;
    try {
      return {
        code: 0,
        ...(await exec('node', [path.join(ROOT, 'bin', 'missive.js'), ...args], { env, cwd: ROOT })),
      };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };
  const withStore = async <T>(fn: (store: Store) => Promise<T>): Promise<T> => {
    const store = await openStoreAt({ sqlitePath: path.join(dir, 'missive.sqlite') });
    try {
      return await fn(store);
    } finally {
      await store.close();
    }
  };
  const manifestRows = () =>
    fs
      .readFileSync(path.join(dir, 'print-streams', RUN, `${RUN}-manifest.csv`), 'utf8')
      .trimEnd()
      .split('\r\n');

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-confirm-cli-'));
    await withStore(async (store) => {
      const blobs = createFsBlobStore(path.join(dir, 'archive'));
      const templateVersionId = (await publishTemplatePackage(store.db, 'templates/monthly-statement')).id;
      const customers = ['K1', 'K2', 'K3'].map((id) => ({ ...synthesizeIdentity(id), traits: {} }));
      await upsertCustomers(store.db, customers);
      await createRunIfAbsent(store.db, {
        id: RUN,
        communicationType: 'monthly-statement',
        templateVersionId,
        asOf: '2026-10-31',
        source: 'store:all',
      });
      for (const c of customers) {
        const doc = await PDFDocument.create();
        doc.setCreationDate(new Date('2026-10-31T00:00:00Z'));
        doc.setModificationDate(new Date('2026-10-31T00:00:00Z'));
        doc.addPage([595, 842]).drawText(`letter for ${c.id}`, { x: 50, y: 780 });
        await archiveDocument(store.db, blobs, {
          runId: RUN,
          customerId: c.id,
          channel: 'print',
          templateVersionId,
          inputSha256: c.id.padEnd(64, '0'),
          artifact: makeArtifact(await doc.save(), 'application/pdf', { pages: 1 }),
        });
      }
    });
  }, 120_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('print files, then the returned manifest: exit 3 with the bad line named, then nothing changes', async () => {
    const made = await missive('print-streams', RUN);
    expect(made.code, made.stderr).toBe(0);
    const [header, ...rows] = manifestRows();
    const file = path.join(dir, 'returned.csv');
    const statuses = ['printed', 'mailed', 'spoiled'];
    fs.writeFileSync(
      file,
      [
        `${header},status,timestamp`,
        ...rows.map((r, i) => `${r},${statuses[i]},2026-11-02T09:00:00Z`),
        [
          rows[0]!.split(',')[0],
          ...header!
            .split(',')
            .slice(1)
            .map(() => ''),
          'delivered',
          '2026-11-02T09:00:00Z',
        ].join(','),
      ].join('\r\n'),
    );
    const first = await missive('print-streams', 'confirm', file);
    expect(first.code, first.stderr).toBe(3);
    expect(first.stdout).toMatch(/printed\s+1\n\s+mailed\s+1\n\s+spoiled\s+1/);
    expect(first.stdout).toContain('re-printed  1 queued for the next print file');
    expect(first.stdout).toContain(`${file}:5 status: "delivered" is not one of printed, mailed, spoiled`);
    expect(first.stdout).toContain('exit 3: 1 of 4 lines refused');
    const ids = rows.map((r) => r.split(',')[3]!);
    const history = () =>
      withStore(async (store) =>
        Promise.all(ids.map(async (id) => (await listCommunicationStatusHistory(store.db, id)).length)),
      );
    const before = await history();
    const again = await missive('print-streams', 'confirm', file);
    expect(again.code).toBe(3);
    expect(again.stdout).toMatch(/printed\s+0\n\s+mailed\s+0\n\s+spoiled\s+0\n\s+unchanged\s+3/);
    expect(again.stdout).toContain('re-printed  0 queued for the next print file (1 queued before)');
    expect(await history()).toEqual(before);
    expect(
      await withStore(async (store) =>
        Promise.all(ids.map(async (id) => (await getCommunication(store.db, id))!.status)),
      ),
    ).toEqual(['printed', 'mailed', 'spoiled']);
    // Within the accepted level: exit 0.
    expect((await missive('print-streams', 'confirm', file, '--max-reject-rate', '30%')).code).toBe(0);
  }, 120_000);

  it('documents its file format and exit codes in --help', async () => {
    const help = (await missive('print-streams', 'confirm', '--help')).stdout.replace(/\s+/g, ' ');
    expect(help).toContain('stream, communication_id (or sequence, or envelope), status, timestamp');
    expect(help).toContain('3 some lines were refused');
  });
});
