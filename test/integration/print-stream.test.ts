import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlobStore } from '../../src/archive/blob-store.ts';
import { createFsBlobStore } from '../../src/archive/fs-blob-store.ts';
import { archiveDocument } from '../../src/archive/ledger.ts';
import {
  buildPrintStreams,
  type PrintStreamOutcome,
  type PrintStreamRequest,
} from '../../src/channels/print-stream/build-print-streams.ts';
import type { StreamManifest } from '../../src/channels/print-stream/manifest.ts';
import { formatMarkPayload } from '../../src/channels/print-stream/mark-payload.ts';
import { printStreamOptions } from '../../src/channels/print-stream/options.ts';
import { sha256Hex } from '../../src/core/hash.ts';
import { createLogger } from '../../src/core/logger.ts';
import type { Artifact, Customer } from '../../src/core/types.ts';
import { synthesizeIdentity } from '../../src/customers/synthetic-identity.ts';
import { renderPrint } from '../../src/render/print.ts';
import { listRunFailures } from '../../src/store/communications.ts';
import { upsertCustomers } from '../../src/store/customers.ts';
import { listPrintStreams } from '../../src/store/print-streams.ts';
import { createRunIfAbsent } from '../../src/store/runs.ts';
import { compileTemplate } from '../../src/templates/compile.ts';
import { loadTemplatePackage } from '../../src/templates/package-loader.ts';
import { publishTemplatePackage } from '../../src/templates/publish.ts';
import { decodeMarks, pdfPageCount, qpdfCheck } from '../support/print-marks.ts';
import { statementDataFor } from '../support/statement-feeds.ts';
import { openTempStore, ROOT, type TempStore } from '../support/stores.ts';
import { testBrand } from '../support/test-brand.ts';

const exec = promisify(execFile);
const AS_OF = '2026-10-31';
const STATEMENTS = 2000;
/**
 * Rendering 2,000 statements takes ~30 s on one core, so 40 distinct statements (1 and 2 pages,
 * Chinese and British) are rendered once and their bytes reused across the 2,000 ledger rows: the
 * print stream reads only the ledger, the archive and the customers' addresses, never the renderer.
 */
const DISTINCT = 40;

/**
 * The acceptance test of issue 5's print section: a print stream for 2,000 statements. Page and sheet
 * counts in the manifest match pdfinfo, every sheet's DataMatrix decodes (dmtxread) to its document
 * and sheet, postal order holds, qpdf --check passes; bad documents go to the failure list.
 */
describe('print streams for the print house', () => {
  let temp: TempStore;
  let blobs: BlobStore;
  let templateVersionId: string;
  const distinct: Artifact[] = [];
  const customers = new Map<string, Customer>();
  const deps = () => ({ db: temp.store.db, blobs, logger: createLogger('silent') });

  async function archiveRun(
    runId: string,
    entries: { customer: Customer; artifact: Artifact }[],
  ): Promise<void> {
    await createRunIfAbsent(temp.store.db, {
      id: runId,
      communicationType: 'monthly-statement',
      templateVersionId,
      asOf: AS_OF,
      source: 'store:all',
    });
    for (const { customer, artifact } of entries) {
      await archiveDocument(temp.store.db, blobs, {
        runId,
        customerId: customer.id,
        channel: 'print',
        templateVersionId,
        inputSha256: sha256Hex(customer.id),
        artifact,
      });
    }
  }

  function customer(id: string, over: Partial<Customer> = {}): Customer {
    const c = { ...synthesizeIdentity(id), traits: { balance: 100, age: 40 }, ...over };
    customers.set(id, c);
    return c;
  }

  beforeAll(async () => {
    temp = await openTempStore('print');
    blobs = createFsBlobStore(path.join(temp.dir, 'archive'));
    templateVersionId = (await publishTemplatePackage(temp.store.db, 'templates/monthly-statement')).id;
    const template = compileTemplate(
      await loadTemplatePackage(path.join(ROOT, 'templates/monthly-statement')),
    );
    // The example bank's months (8–60 bookings): the 40 give statements of 1, 2 and 3 pages.
    const render = async (c: Customer) =>
      renderPrint(template, await statementDataFor(c, AS_OF), {
        asOf: AS_OF,
        locale: c.locale,
        brand: testBrand(),
      });
    for (let i = 0; i < DISTINCT; i += 1) distinct.push(await render(customer(`S${i}`)));
    const good = Array.from({ length: STATEMENTS }, (_, i) => ({
      customer: customer(`P${String(i).padStart(5, '0')}`),
      artifact: distinct[(i * 7) % DISTINCT]!,
    }));
    const tampered = await render(customer('X-tampered'));
    const missing = await render(customer('X-missing'));
    const bad = [
      { customer: customer('X-no-address', { address: null }), artifact: distinct[0]! },
      {
        customer: customer('X-no-postcode', {
          address: { lines: ['1 Lane'], postalCode: '', city: 'York', country: 'GB' },
        }),
        artifact: distinct[1]!,
      },
      { customer: customers.get('X-tampered')!, artifact: tampered },
      { customer: customers.get('X-missing')!, artifact: missing },
    ];
    await upsertCustomers(temp.store.db, [...customers.values()]);
    await archiveRun('run_0a1b2c3d4e5f', [...good, ...bad]);
    const tamperedFile = blobs.locate(tampered.sha256);
    fs.chmodSync(tamperedFile, 0o644);
    fs.appendFileSync(tamperedFile, '%tampered');
    fs.rmSync(blobs.locate(missing.sha256));
  }, 120_000);

  afterAll(async () => {
    await temp?.close();
  });

  const build = (request: Omit<PrintStreamRequest, 'outDir'> & { outDir?: string }) =>
    buildPrintStreams(deps(), { outDir: path.join(temp.dir, 'out', request.runId), ...request });
  const readManifest = (o: PrintStreamOutcome, file: string): StreamManifest =>
    JSON.parse(fs.readFileSync(path.join(o.outDir, file.replace(/\.pdf$/, '.manifest.json')), 'utf8'));

  describe('2,000 statements in files of 800, duplex, DataMatrix', () => {
    let outcome: PrintStreamOutcome;
    let manifests: StreamManifest[];

    beforeAll(async () => {
      outcome = await build({ runId: 'run_0a1b2c3d4e5f', options: printStreamOptions({ size: 800 }) });
      manifests = outcome.streams.map((s) => readManifest(outcome, s.file));
    }, 120_000);

    it('puts every printable document in exactly one file of at most 800', () => {
      // Planned 800 a file; a document that turns out unreadable leaves its file one short.
      expect(outcome.streams).toHaveLength(3);
      expect(outcome.streams.every((s) => s.documents <= 800)).toBe(true);
      expect(outcome.totals.documents).toBe(STATEMENTS);
      const ids = manifests.flatMap((m) => m.documents.map((d) => d.customerId));
      expect(new Set(ids).size).toBe(STATEMENTS);
      expect(ids.every((id) => id.startsWith('P'))).toBe(true);
      for (const m of manifests)
        expect(m.documents.map((d) => d.sequence)).toEqual(m.documents.map((_, i) => i + 1));
    });

    it("has page and sheet counts that match pdfinfo, and each document's own page count", async () => {
      const pagesOf = new Map<string, number>();
      for (const a of distinct) {
        const file = path.join(temp.dir, `${a.sha256}.pdf`);
        fs.writeFileSync(file, a.bytes);
        pagesOf.set(a.sha256, await pdfPageCount(file));
      }
      // Odd page counts (1 and 3) need blank backs; 2 does not.
      expect([...new Set(pagesOf.values())].sort()).toEqual([1, 2, 3]);
      for (const [i, m] of manifests.entries()) {
        const file = path.join(outcome.outDir, m.stream.file);
        expect(await pdfPageCount(file)).toBe(m.stream.physicalPages);
        expect(m.stream.physicalPages).toBe(2 * m.stream.sheets);
        expect(m.stream.sheets).toBe(m.documents.reduce((n, d) => n + d.sheets, 0));
        expect(m.stream.pages + m.stream.blankPages).toBe(m.stream.physicalPages);
        let page = 1;
        let sheet = 1;
        for (const d of m.documents) {
          expect(d.pages).toBe(pagesOf.get(d.documentSha256));
          expect(d.sheets).toBe(Math.ceil(d.pages / 2));
          expect([d.firstPage, d.firstSheet]).toEqual([page, sheet]);
          page += 2 * d.sheets;
          sheet += d.sheets;
        }
        expect(sha256Hex(fs.readFileSync(file))).toBe(outcome.streams[i]!.sha256);
      }
    });

    it('decodes the DataMatrix on the front of every sheet to its run, document, sheet and flag', async () => {
      for (const m of manifests) {
        const expected = new Map<number, string>();
        for (const d of m.documents) {
          for (let s = 1; s <= d.sheets; s += 1) {
            const flag = s < d.sheets ? 'C' : 'E';
            const payload = {
              run: '0a1b2c3d',
              sequence: d.sequence,
              sheet: s,
              sheets: d.sheets,
              flag,
            } as const;
            expected.set(d.firstPage + 2 * (s - 1), formatMarkPayload(payload));
          }
        }
        const decoded = await decodeMarks(path.join(outcome.outDir, m.stream.file), [...expected.keys()], {
          oddOnly: true,
        });
        expect(decoded.size).toBe(m.stream.sheets);
        expect(Object.fromEntries(decoded)).toEqual(Object.fromEntries(expected));
      }
    }, 60_000);

    it('holds postal order across the files: country, postal code, then customer id', () => {
      const docs = manifests.flatMap((m) => m.documents);
      for (let i = 1; i < docs.length; i += 1) {
        const a = docs[i - 1]!;
        const b = docs[i]!;
        const key = (d: typeof a) => [d.country, d.postalCode, d.customerId];
        expect(key(a) < key(b) || JSON.stringify(key(a)) < JSON.stringify(key(b))).toBe(true);
        expect(a.country < b.country || (a.country === b.country && a.postalCode <= b.postalCode)).toBe(true);
        if (a.country === b.country && a.postalCode === b.postalCode)
          expect(a.customerId < b.customerId).toBe(true);
      }
      const sample = docs[123]!;
      const address = customers.get(sample.customerId)!.address!;
      expect([sample.postalCode, sample.city, sample.addressLines]).toEqual([
        address.postalCode,
        address.city,
        address.lines,
      ]);
    });

    it('passes qpdf --check', async () => {
      const checks = await qpdfCheck(outcome.streams.map((s) => path.join(outcome.outDir, s.file)));
      for (const out of checks) expect(out).toMatch(/No syntax or stream encoding errors/);
    }, 60_000);

    it('leaves the bad documents out, each in the failure list with its reason', async () => {
      const byCustomer = Object.fromEntries(outcome.failures.map((f) => [f.customerId, f.code]));
      expect(byCustomer).toEqual({
        'X-no-address': 'MSV_PRINT_ADDRESS_INVALID',
        'X-no-postcode': 'MSV_PRINT_ADDRESS_INVALID',
        'X-tampered': 'MSV_ARCHIVE_TAMPERED',
        'X-missing': 'MSV_ARCHIVE_NOT_FOUND',
      });
      const stored = await listRunFailures(temp.store.db, 'run_0a1b2c3d4e5f');
      expect(stored.map((f) => [f.customerId, f.stage]).sort()).toEqual(
        Object.keys(byCustomer)
          .map((id) => [id, 'print'])
          .sort(),
      );
      expect(stored.find((f) => f.customerId === 'X-no-postcode')!.reason).toBe(
        'postal address without postal code',
      );
    });

    it('archives the files, records them for the run report, and writes the run manifest', async () => {
      const rows = await listPrintStreams(temp.store.db, 'run_0a1b2c3d4e5f');
      expect(rows.map((r) => [r.fileName, r.sha256, r.documents, r.sheets])).toEqual(
        outcome.streams.map((s) => [s.file, s.sha256, s.documents, s.sheets]),
      );
      for (const r of rows) {
        expect(await blobs.has(r.sha256)).toBe(true);
        expect(await blobs.has(r.manifestSha256)).toBe(true);
      }
      const run = JSON.parse(fs.readFileSync(outcome.manifests.json, 'utf8'));
      expect(run.totals).toMatchObject({ streams: 3, documents: STATEMENTS, failed: 4 });
      expect(run.totals.sheets).toBe(rows.reduce((n, r) => n + r.sheets, 0));
      const csv = fs.readFileSync(outcome.manifests.csv, 'utf8').trimEnd().split('\r\n');
      expect(csv).toHaveLength(STATEMENTS + 1);
      expect(csv[0]).toMatch(/^stream,sequence,customer_id,communication_id,document_sha256,pages,sheets/);
    });
  });

  describe('householding, the command line, simplex with OMR marks', () => {
    const RUN = 'run_feedc0de0001';
    const home = { lines: ['Flat 3, 12 Manor Terrace'], postalCode: 'YO1 8BZ', city: 'York', country: 'GB' };
    const other = { lines: ['7 Mill Lane'], postalCode: 'LS1 4AP', city: 'Leeds', country: 'GB' };
    let outcome: PrintStreamOutcome;

    beforeAll(async () => {
      const threePages = distinct.find((a) => a.pages === 3)!;
      const onePage = distinct.find((a) => a.pages === 1)!;
      const members = [
        customer('H1', { address: home }),
        customer('H2', { address: { ...home, lines: ['FLAT 3 12 manor terrace'] } }),
        customer('H3', { address: { ...home, city: ' york ' } }),
        customer('H4', { address: other }),
        customer('H5', { address: { ...other, postalCode: 'ls14ap' } }),
        ...Array.from({ length: 7 }, (_, i) => customer(`H${i + 6}`)),
        customer('H-no-address', { address: null }),
      ];
      await upsertCustomers(temp.store.db, members);
      await archiveRun(
        RUN,
        members.map((c, i) => ({ customer: c, artifact: i % 2 === 0 ? threePages : onePage })),
      );
      outcome = await build({ runId: RUN, options: printStreamOptions({ size: 5, householding: true }) });
    });

    it('puts a household in one envelope and flags only its last sheet as the envelope end', async () => {
      // Envelopes of 3, 2 and 1 documents in files of at most 5: an envelope never straddles two files.
      expect(outcome.streams.every((s) => s.documents <= 5)).toBe(true);
      expect(outcome.totals.documents).toBe(12);
      const manifests = outcome.streams.map((s) => readManifest(outcome, s.file));
      const docs = manifests.flatMap((m) => m.documents);
      const envelopeOf = (id: string) => {
        const d = docs.find((x) => x.customerId === id)!;
        return `${d.stream}#${d.envelope}`;
      };
      expect(new Set(['H1', 'H2', 'H3'].map(envelopeOf)).size).toBe(1);
      expect(new Set(['H4', 'H5'].map(envelopeOf)).size).toBe(1);
      expect(envelopeOf('H1')).not.toBe(envelopeOf('H4'));
      expect(outcome.totals.envelopes).toBe(9);
      const household = docs.filter((d) => ['H1', 'H2', 'H3'].includes(d.customerId));
      expect(household.map((d) => d.endOfEnvelope)).toEqual([false, false, true]);
      for (const m of manifests) {
        const expected = new Map<number, string>();
        for (const d of m.documents) {
          for (let s = 1; s <= d.sheets; s += 1) {
            const flag = s < d.sheets ? 'C' : d.endOfEnvelope ? 'E' : 'D';
            const payload = {
              run: 'feedc0de',
              sequence: d.sequence,
              sheet: s,
              sheets: d.sheets,
              flag,
            } as const;
            expected.set(d.firstPage + 2 * (s - 1), formatMarkPayload(payload));
          }
        }
        const decoded = await decodeMarks(path.join(outcome.outDir, m.stream.file), [...expected.keys()]);
        expect(Object.fromEntries(decoded)).toEqual(Object.fromEntries(expected));
      }
    });

    it('makes the same bytes from the command line, and names the failure once however often it runs', async () => {
      const out = path.join(temp.dir, 'cli-out');
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        MISSIVE_DATA_DIR: temp.dir,
        MISSIVE_LOG_LEVEL: 'silent',
      };
      delete env.DATABASE_URL;
      const args = ['print-streams', RUN, '--householding', '--size', '5', '--out', out];
      const { stdout } = await exec('node', [path.join(ROOT, 'bin', 'missive.js'), ...args], { env });
      expect(stdout).toMatch(new RegExp(`files\\s+${outcome.streams.length} in `));
      expect(stdout).toMatch(/documents\s+12 in 9 envelopes/);
      expect(stdout).toMatch(/left out\s+1\s+MSV_PRINT_ADDRESS_INVALID 1/);
      expect(stdout).not.toContain('Manor');
      for (const s of outcome.streams) {
        expect(sha256Hex(fs.readFileSync(path.join(out, s.file)))).toBe(s.sha256);
      }
      const shown = await exec('node', [path.join(ROOT, 'bin', 'missive.js'), 'runs', 'show', RUN], { env });
      expect(shown.stdout).toMatch(
        new RegExp(
          `print streams \\(duplex, datamatrix, householding\\): ${outcome.streams.length} files, 12 documents, \\d+ pages \\(\\d+ printed\\), ${outcome.totals.sheets} sheets`,
        ),
      );
      const failures = await listRunFailures(temp.store.db, RUN);
      expect(failures.map((f) => [f.customerId, f.code])).toEqual([
        ['H-no-address', 'MSV_PRINT_ADDRESS_INVALID'],
      ]);
    });

    it('prints simplex with OMR dashes: one page a sheet, no blanks', async () => {
      const simplex = await build({
        runId: RUN,
        options: printStreamOptions({ duplex: false, marks: 'omr', size: 100 }),
        outDir: path.join(temp.dir, 'simplex'),
      });
      const [stream] = simplex.streams;
      const file = path.join(simplex.outDir, stream!.file);
      expect(simplex.streams).toHaveLength(1);
      expect(stream!.blankPages).toBe(0);
      expect(await pdfPageCount(file)).toBe(stream!.pages);
      expect(stream!.sheets).toBe(stream!.pages);
      expect((await qpdfCheck([file]))[0]).toMatch(/No syntax or stream encoding errors/);
      // The first sheet: start, (no insert: the 3-page document goes on), sheet 1 = check bit 0, parity, stop.
      expect(await darkBands(file, 1)).toBe(4);
      const rows = await listPrintStreams(temp.store.db, RUN);
      expect(new Set(rows.map((r) => r.optionsKey)).size).toBe(2);
    });
  });
});

/** Dark horizontal bands in the OMR column of a page (pdftoppm at 150 dpi, grey PGM). */
async function darkBands(file: string, page: number): Promise<number> {
  const mm = (v: number) => String(Math.round((v / 25.4) * 150));
  const { stdout } = await execBuffer('pdftoppm', [
    '-r',
    '150',
    '-gray',
    '-f',
    String(page),
    '-l',
    String(page),
    '-x',
    mm(4),
    '-y',
    mm(98),
    '-W',
    mm(9),
    '-H',
    mm(34),
    file,
  ]);
  const header = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(stdout.subarray(0, 32).toString('latin1'))!;
  const [width, height] = [Number(header[1]), Number(header[2])];
  const pixels = stdout.subarray(header[0].length);
  let bands = 0;
  let inBand = false;
  for (let y = 0; y < height; y += 1) {
    const row = pixels.subarray(y * width, (y + 1) * width);
    const dark = row.filter((v) => v < 128).length > width / 2;
    if (dark && !inBand) bands += 1;
    inBand = dark;
  }
  return bands;
}

const execBuffer = (cmd: string, args: string[]) =>
  promisify(execFile)(cmd, args, { encoding: 'buffer', maxBuffer: 1 << 24 }) as Promise<{ stdout: Buffer }>;
