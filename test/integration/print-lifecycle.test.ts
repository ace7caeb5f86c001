import fs from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import type { BlobStore } from '../../src/archive/blob-store.ts';
import { createFsBlobStore } from '../../src/archive/fs-blob-store.ts';
import { archiveDocument } from '../../src/archive/ledger.ts';
import {
  buildPrintStreams,
  type PrintStreamOutcome,
} from '../../src/channels/print-stream/build-print-streams.ts';
import {
  type ConfirmDeps,
  type ConfirmOutcome,
  confirmPrintFile,
} from '../../src/channels/print-stream/confirm-print-file.ts';
import { printStreamOptions } from '../../src/channels/print-stream/options.ts';
import { formatConfirmSummary, PRINT_HOUSE_ACTOR } from '../../src/cli/commands/print-streams-confirm.ts';
import { createLogger } from '../../src/core/logger.ts';
import type { Artifact, Customer } from '../../src/core/types.ts';
import { synthesizeIdentity } from '../../src/customers/synthetic-identity.ts';
import { copyCommunication } from '../../src/on-demand/agent-copies.ts';
import { makeArtifact } from '../../src/render/artifact.ts';
import {
  type CommunicationRecord,
  getCommunication,
  listCommunicationStatusHistory,
} from '../../src/store/communications.ts';
import { upsertCustomers } from '../../src/store/customers.ts';
import { findPrintPieces } from '../../src/store/print-file-documents.ts';
import { createRunIfAbsent } from '../../src/store/runs.ts';
import { publishTemplatePackage } from '../../src/templates/publish.ts';
import { PASSWORD, seedUsers } from '../support/api.ts';
import { openTempStore, type TempStore } from '../support/stores.ts';

const AS_OF = '2026-10-31';
const PRINTED_AT = '2026-11-02T08:15:00Z';
const MAILED_AT = '2026-11-02T17:40:00+01:00';

/** A small letter of `pages` pages with its own text: a PDF as the print stream reads it. */
async function letter(text: string, pages: number): Promise<Artifact> {
  const doc = await PDFDocument.create();
  const at = new Date(`${AS_OF}T00:00:00Z`);
  doc.setCreationDate(at);
  doc.setModificationDate(at);
  for (let i = 0; i < pages; i += 1) doc.addPage([595, 842]).drawText(`${text} ${i + 1}`, { x: 50, y: 780 });
  return makeArtifact(await doc.save(), 'application/pdf', { pages });
}

type Row = Record<string, string>;

/**
 * Issue 19, the print side: making print streams puts letters `in_print_file`; the print house's
 * returned manifest (Missive's own with `status` and `timestamp` added, or a short file by
 * sequence) moves them to printed, mailed or spoiled with the file and time in their history; the
 * same file again changes nothing; bad lines are named by line and field; a spoiled letter and an
 * agent's re-print go into the next print file, flagged, with the original's sha256.
 */
describe('print lifecycle: in print file → printed → mailed, spoiled re-printed', () => {
  let temp: TempStore;
  let blobs: BlobStore;
  let templateVersionId: string;
  let first: PrintStreamOutcome;
  let manifest: Row[];
  const logger = createLogger('silent');
  const deps = () => ({ db: temp.store.db, blobs, logger });
  const copyDeps = () => ({ db: temp.store.db, blobs, now: () => new Date(), logger });
  const confirmDeps = (): ConfirmDeps => ({
    db: temp.store.db,
    logger,
    reprint: async (l: CommunicationRecord, reason: string) => {
      const r = await copyCommunication(copyDeps(), PRINT_HOUSE_ACTOR, {
        kind: 'reprint',
        customerId: l.customerId,
        communicationId: l.id,
        reason,
        clientId: `spoiled-${l.id}`,
      });
      return { id: r.communication.id, created: r.created };
    },
  });
  const bySequence = (n: number) => manifest.find((r) => r.sequence === String(n))!;
  const status = async (id: string) => (await getCommunication(temp.store.db, id))!.status;

  async function archiveRun(runId: string, customers: Customer[]): Promise<void> {
    await createRunIfAbsent(temp.store.db, {
      id: runId,
      communicationType: 'monthly-statement',
      templateVersionId,
      asOf: AS_OF,
      source: 'store:all',
    });
    for (const [i, c] of customers.entries()) {
      await archiveDocument(temp.store.db, blobs, {
        runId,
        customerId: c.id,
        channel: 'print',
        templateVersionId,
        inputSha256: `${runId}/${c.id}`.padEnd(64, '0'),
        artifact: await letter(`${runId} ${c.id}`, 1 + (i % 3)),
      });
    }
  }

  async function readCsv(file: string): Promise<Row[]> {
    return parse(await fs.readFile(file, 'utf8'), { columns: true, bom: true }) as Row[];
  }

  async function confirmFile(name: string, text: string): Promise<{ file: string; outcome: ConfirmOutcome }> {
    const file = path.join(temp.dir, name);
    await fs.writeFile(file, text);
    return { file, outcome: await confirmPrintFile(confirmDeps(), file) };
  }

  beforeAll(async () => {
    temp = await openTempStore('print-lifecycle');
    blobs = createFsBlobStore(path.join(temp.dir, 'archive'));
    templateVersionId = (await publishTemplatePackage(temp.store.db, 'templates/monthly-statement')).id;
    const customers = ['L1', 'L2', 'L3', 'L4', 'M1', 'M2'].map(
      (id): Customer => ({ ...synthesizeIdentity(id), traits: {} }),
    );
    await upsertCustomers(temp.store.db, customers);
    await archiveRun('run_lifecycle_a', customers.slice(0, 4));
    await archiveRun('run_lifecycle_b', customers.slice(4));
  });

  afterAll(async () => temp?.close());

  it('a print stream puts its letters in_print_file, with the file and sequence in their history', async () => {
    first = await buildPrintStreams(deps(), {
      runId: 'run_lifecycle_a',
      options: printStreamOptions({}),
      outDir: path.join(temp.dir, 'out-a'),
    });
    expect(first.totals.documents).toBe(4);
    manifest = await readCsv(first.manifests.csv);
    const file = first.streams[0]!.file;
    for (const row of manifest) {
      expect(await status(row.communication_id!)).toBe('in_print_file');
      const history = await listCommunicationStatusHistory(temp.store.db, row.communication_id!);
      expect(history.map((h) => h.status)).toEqual(['archived', 'in_print_file']);
      expect(history[1]!.reason).toBe(`print file ${file}, sequence ${row.sequence}`);
      expect(await findPrintPieces(temp.store.db, file, { sequence: Number(row.sequence) })).toEqual([
        expect.objectContaining({ communicationId: row.communication_id, runId: 'run_lifecycle_a' }),
      ]);
    }
  });

  it("the print house's manifest (Missive's with status and timestamp added) moves letters to printed, mailed, spoiled", async () => {
    const text = await fs.readFile(first.manifests.csv, 'utf8');
    const [header, ...rows] = text.trimEnd().split('\r\n');
    const statuses = ['printed', 'mailed', 'spoiled', 'printed'];
    const returned = [
      `${header},status,timestamp`,
      ...rows.map((r, i) => `${r},${statuses[i]},${i === 1 ? MAILED_AT : PRINTED_AT}`),
    ].join('\r\n');
    const { file, outcome } = await confirmFile('returned-1.csv', `${returned}\r\n`);
    expect(outcome).toMatchObject({ lines: 4, moved: { printed: 2, mailed: 1, spoiled: 1 }, unchanged: 0 });
    expect(outcome.rejected).toEqual([]);
    expect(outcome.reprints).toHaveLength(1);
    expect(outcome.reprints[0]).toMatchObject({ spoiled: bySequence(3).communication_id, created: true });
    expect(await status(bySequence(1).communication_id!)).toBe('printed');
    expect(await status(bySequence(2).communication_id!)).toBe('mailed');
    expect(await status(bySequence(3).communication_id!)).toBe('spoiled');
    const mailed = await listCommunicationStatusHistory(temp.store.db, bySequence(2).communication_id!);
    expect(mailed.map((h) => h.status)).toEqual(['archived', 'in_print_file', 'mailed']);
    // The print house's time (as UTC) and the print file are in the history row.
    expect(mailed[2]!.reason).toBe(
      `print house: mailed at 2026-11-02T16:40:00.000Z, print file ${first.streams[0]!.file}`,
    );
    const spoiled = (await getCommunication(temp.store.db, outcome.reprints[0]!.reprint))!;
    expect(spoiled).toMatchObject({
      channel: 'print',
      status: 'archived',
      copyKind: 'reprint',
      copyOf: bySequence(3).communication_id,
      artifactSha256: bySequence(3).document_sha256,
    });
    expect(formatConfirmSummary(outcome)).toContain('re-printed  1 queued for the next print file');
    expect(formatConfirmSummary(outcome)).toContain(
      `${bySequence(3).communication_id} spoiled → re-print ${outcome.reprints[0]!.reprint}`,
    );
    expect(file).toMatch(/returned-1\.csv$/);
  });

  it('a short file by sequence: good lines applied, bad lines named by line and field, the rest goes on', async () => {
    const stream = first.streams[0]!.file.replace(/\.pdf$/, '');
    const text = [
      'stream,sequence,status,timestamp',
      `${stream},4,mailed,${MAILED_AT}`,
      `${stream},1,lost,${PRINTED_AT}`,
      `${stream},2,printed,yesterday`,
      `${stream},99,printed,${PRINTED_AT}`,
      `${stream},3,mailed,${MAILED_AT}`,
      '',
    ].join('\n');
    const { file, outcome } = await confirmFile('returned-2.csv', text);
    expect(outcome.moved).toEqual({ printed: 0, mailed: 1, spoiled: 0 });
    expect(await status(bySequence(4).communication_id!)).toBe('mailed');
    expect(outcome.rejected.map((r) => [r.file, r.line, r.field])).toEqual([
      [file, 3, 'status'],
      [file, 4, 'timestamp'],
      [file, 5, 'sequence'],
      [file, 6, 'status'],
    ]);
    expect(outcome.rejected[3]!.reason).toContain('already spoiled');
    expect(formatConfirmSummary(outcome)).toContain(
      `${file}:5 sequence: print file ${first.streams[0]!.file} has no sequence 99`,
    );
  });

  it('the same files again change nothing: no status, no history row, no second re-print', async () => {
    const historyOf = async () =>
      Promise.all(manifest.map((r) => listCommunicationStatusHistory(temp.store.db, r.communication_id!)));
    const before = await historyOf();
    const again1 = await confirmPrintFile(confirmDeps(), path.join(temp.dir, 'returned-1.csv'));
    expect(again1).toMatchObject({
      moved: { printed: 0, mailed: 0, spoiled: 0 },
      unchanged: 4,
      rejected: [],
    });
    expect(again1.reprints).toEqual([expect.objectContaining({ created: false })]);
    const again2 = await confirmPrintFile(confirmDeps(), path.join(temp.dir, 'returned-2.csv'));
    expect(again2.moved).toEqual({ printed: 0, mailed: 0, spoiled: 0 });
    expect(again2.rejected.map((r) => r.line)).toEqual([3, 4, 5, 6]);
    expect(await historyOf()).toEqual(before);
  });

  it('a file without the columns it needs is refused whole', async () => {
    const bad = path.join(temp.dir, 'no-status.csv');
    await fs.writeFile(bad, 'stream,sequence,timestamp\r\nx,1,2026-11-02T08:00:00Z\r\n');
    await expect(confirmPrintFile(confirmDeps(), bad)).rejects.toMatchObject({
      code: 'MSV_INPUT_BAD_FILE',
      message: expect.stringContaining('no "status" column'),
    });
    await expect(confirmPrintFile(confirmDeps(), path.join(temp.dir, 'absent.csv'))).rejects.toMatchObject({
      code: 'MSV_INPUT_BAD_FILE',
    });
  });

  it("re-prints (an agent's and the spoiled letter's) go into the next run's print file, flagged, same sha256, printed once", async () => {
    const original = bySequence(1);
    const agentCopy = await copyCommunication(copyDeps(), 'agent1', {
      kind: 'reprint',
      customerId: original.customer_id!,
      communicationId: original.communication_id!,
      reason: 'the customer lost the letter',
      clientId: 'reprint-lifecycle-0001',
    });
    expect(agentCopy.communication.status).toBe('archived');
    const outB = path.join(temp.dir, 'out-b');
    const next = await buildPrintStreams(deps(), {
      runId: 'run_lifecycle_b',
      options: printStreamOptions({}),
      outDir: outB,
    });
    expect(next.totals.documents).toBe(4);
    const rows = await readCsv(next.manifests.csv);
    const reprints = rows.filter((r) => r.reprint === '1');
    expect(reprints.map((r) => r.reprint_of).sort()).toEqual(
      [original.communication_id, bySequence(3).communication_id].sort(),
    );
    for (const r of reprints) {
      const of = manifest.find((m) => m.communication_id === r.reprint_of)!;
      expect(r.document_sha256).toBe(of.document_sha256);
      expect((await getCommunication(temp.store.db, r.communication_id!))!.artifactSha256).toBe(
        of.document_sha256,
      );
      expect(await status(r.communication_id!)).toBe('in_print_file');
    }
    expect(rows.filter((r) => r.reprint === '0')).toHaveLength(2);
    // Made again: the same letters in the same bytes; the re-print's own run prints nothing twice.
    const again = await buildPrintStreams(deps(), {
      runId: 'run_lifecycle_b',
      options: printStreamOptions({}),
      outDir: outB,
    });
    expect(again.streams.map((s) => s.sha256)).toEqual(next.streams.map((s) => s.sha256));
    const own = await buildPrintStreams(deps(), {
      runId: agentCopy.run.id,
      options: printStreamOptions({}),
      outDir: path.join(temp.dir, 'out-copy'),
    });
    expect(own.totals.documents).toBe(0);
    // …and they follow the same lifecycle, named by communication id.
    const copyRow = reprints.find((r) => r.reprint_of === original.communication_id)!;
    const { outcome } = await confirmFile(
      'returned-3.csv',
      `stream,communication_id,status,timestamp\n${next.streams[0]!.file},${copyRow.communication_id},mailed,${MAILED_AT}\n${first.streams[0]!.file},${copyRow.communication_id},mailed,${MAILED_AT}\n`,
    );
    expect(outcome.moved.mailed).toBe(1);
    expect(outcome.rejected).toEqual([
      expect.objectContaining({
        line: 3,
        field: 'stream',
        reason: expect.stringContaining(`not ${first.streams[0]!.file}`),
      }),
    ]);
    expect(await status(copyRow.communication_id!)).toBe('mailed');
  });

  it("the agent's timeline and viewer show the lifecycle in en-GB and zh-CN", async () => {
    await seedUsers(temp.store.db);
    const app = buildApp({ db: temp.store.db, blobs, logger });
    await app.ready();
    try {
      const login = await app.inject({
        method: 'POST',
        url: '/login',
        payload: { name: 'agent1', password: PASSWORD },
      });
      const session = `missive_session=${login.cookies.find((c) => c.name === 'missive_session')!.value}`;
      const mailed = bySequence(2);
      const customer = `/ui/customers/${encodeURIComponent(mailed.customer_id!)}`;
      const page = async (url: string, lang: string) =>
        (await app.inject({ url, headers: { cookie: `${session}; missive_lang=${lang}` } })).body;
      expect(await page(customer, 'en-GB')).toContain('<td data-status="mailed">mailed');
      expect(await page(customer, 'zh-CN')).toContain('<td data-status="mailed">已寄出');
      const viewer = `${customer}/communications/${encodeURIComponent(mailed.communication_id!)}`;
      const zh = await page(viewer, 'zh-CN');
      expect(zh).toContain('<td data-status="in_print_file">已编入打印文件</td>');
      expect(zh).toContain('<dd data-status="mailed">已寄出</dd>');
      expect(await page(viewer, 'en-GB')).toContain('<td data-status="in_print_file">in print file</td>');
    } finally {
      await app.close();
    }
  });
});
