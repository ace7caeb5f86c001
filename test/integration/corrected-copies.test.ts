import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import { addUser, issueApiToken } from '../../src/api/lookup/users.ts';
import type { BlobStore } from '../../src/archive/blob-store.ts';
import { createFsBlobStore } from '../../src/archive/fs-blob-store.ts';
import { verifyCommunication } from '../../src/archive/replay.ts';
import { loadPrintEntries } from '../../src/channels/print-stream/load-entries.ts';
import { createLogger } from '../../src/core/logger.ts';
import type { Customer } from '../../src/core/types.ts';
import { createOnDemandService, type OnDemandService } from '../../src/on-demand/on-demand-service.ts';
import { listAudit } from '../../src/store/audit.ts';
import { listAttachments } from '../../src/store/communication-attachments.ts';
import { getCommunication } from '../../src/store/communications.ts';
import { upsertCustomers } from '../../src/store/customers.ts';
import { listEvents } from '../../src/store/events.ts';
import { publishTemplatePackage } from '../../src/templates/publish.ts';
import { bearer, PASSWORD, seedUsers } from '../support/api.ts';
import { channelCustomer } from '../support/channels.ts';
import { loadStatementFeeds } from '../support/statement-feeds.ts';
import { openTempStore, ROOT, type TempStore } from '../support/stores.ts';

/**
 * Issue 19 item 1, corrected copy: an agent re-renders a printed statement with corrected fields (only
 * those the template declares), archived as a new version that names the original; the original stays
 * as it was and both verify (missive verify's replay). An agent's change of an amount waits for a
 * second person, an admin who is not the requester; an admin changes an amount directly. The corrected
 * PDF shows the corrected value (pdftotext). Every step is audited with the user and the reason.
 */
describe('corrected copies: a new version that names the one it corrects, four eyes for amounts', () => {
  let temp: TempStore;
  let blobs: BlobStore;
  let service: OnDemandService;
  let app: FastifyInstance;
  let tokens: Awaited<ReturnType<typeof seedUsers>> & { agent2?: string; admin2?: string };
  const customers: Customer[] = [];
  const statements: string[] = [];

  beforeAll(async () => {
    temp = await openTempStore('corrected-copies');
    blobs = createFsBlobStore(path.join(temp.dir, 'archive'));
    customers.push(
      channelCustomer(1, { eDelivery: false }),
      channelCustomer(2, { eDelivery: false }),
      channelCustomer(3, { eDelivery: false }),
      channelCustomer(4, { eDelivery: true }),
    );
    await upsertCustomers(temp.store.db, customers);
    await loadStatementFeeds(temp.store.db, customers, '2026-10-31');
    await publishTemplatePackage(temp.store.db, path.join(ROOT, 'templates', 'monthly-statement'));
    tokens = await seedUsers(temp.store.db);
    await addUser(temp.store.db, { name: 'agent2', role: 'agent', password: PASSWORD });
    tokens.agent2 = await issueApiToken(temp.store.db, 'agent2', 'test');
    service = createOnDemandService({
      db: temp.store.db,
      blobs,
      logger: createLogger('silent'),
      channels: {},
    });
    app = buildApp({ db: temp.store.db, blobs, onDemand: service, logger: createLogger('silent') });
    await app.ready();
    for (const [i, customer] of customers.entries()) {
      const made = await service.communicate('test', {
        type: 'monthly-statement',
        customerId: customer.id,
        channel: i === 3 ? 'email' : 'print',
        idempotencyKey: `statement-000${i}`,
      });
      expect(made.communication.status).toBe('archived');
      statements.push(made.communication.id);
    }
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await service?.close();
    await temp?.close();
  });

  const url = (i: number) => `/api/customers/${customers[i]!.id}/communications/${statements[i]}/corrections`;
  const correct = (i: number, payload: object, token = tokens.agent) =>
    app.inject({ method: 'POST', url: url(i), payload, headers: bearer(token) });
  const decide = (id: string, action: 'approve' | 'refuse', token: string, reason = 'checked the ledger') =>
    app.inject({
      method: 'POST',
      url: `/api/corrections/${id}/${action}`,
      payload: { reason },
      headers: bearer(token),
    });
  const pdfText = async (i: number, communicationId: string) => {
    const res = await app.inject({
      method: 'GET',
      url: `/api/customers/${customers[i]!.id}/communications/${communicationId}/document`,
      headers: bearer(tokens.agent),
    });
    expect(res.statusCode).toBe(200);
    const file = path.join(temp.dir, `${communicationId}.pdf`);
    await fs.writeFile(file, res.rawPayload);
    return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  };

  it('shows the declared fields with the values the document was rendered with', async () => {
    const res = await app.inject({ method: 'GET', url: url(0), headers: bearer(tokens.agent) });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.fields.map((f: { path: string }) => f.path)).toEqual([
      'customer.name',
      'customer.address.lines',
      'customer.address.city',
      'customer.address.postalCode',
      'openingBalance',
      'closingBalance',
      'totals.fees',
    ]);
    expect(body.fields[2]).toMatchObject({ type: 'text', value: 'Town', label: { 'zh-CN': '城市' } });
    expect(body.correctedBy).toEqual([]);
    const marketer = await app.inject({ method: 'GET', url: url(0), headers: bearer(tokens.marketer) });
    expect(marketer.statusCode).toBe(403);
  });

  it('an agent corrects an address: a new version names the original, which stays; both verify', async () => {
    const original = (await getCommunication(temp.store.db, statements[0]!))!;
    const res = await correct(0, {
      id: 'correct-address-0001',
      reason: 'customer moved before the statement was printed',
      changes: { 'customer.address.lines': ['Flat 9', '1 Quay Road'], 'customer.address.city': 'Harbourton' },
      send: 'print',
    });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body.correction).toMatchObject({
      status: 'applied',
      requestedBy: 'token:agent1',
      decidedBy: 'token:agent1',
      changesAmount: false,
      fields: [
        { path: 'customer.address.lines', amount: false },
        { path: 'customer.address.city', amount: false },
      ],
    });
    expect(body.correction).not.toHaveProperty('sealedChanges');
    const version = body.communication;
    expect(version).toMatchObject({
      channel: 'print',
      status: 'archived',
      copyOf: original.id,
      copyKind: 'correction',
    });
    expect(version.artifactSha256).not.toBe(original.artifactSha256);
    // Sent as a re-print of the corrected version: the next print file carries it with the reprint flag.
    expect(body.sent).toMatchObject({ copyOf: version.id, copyKind: 'reprint', channel: 'print' });

    // The original untouched, and both prove their bytes by re-rendering from their sealed inputs.
    expect(await getCommunication(temp.store.db, original.id)).toEqual(original);
    for (const id of [original.id, version.id]) {
      const replay = await verifyCommunication({ db: temp.store.db, blobs }, id);
      expect(replay.ok, replay.difference).toBe(true);
    }
    const before = await pdfText(0, original.id);
    const after = await pdfText(0, version.id);
    expect(before).toContain('Town');
    expect(before).not.toContain('Harbourton');
    expect(after).toContain('Harbourton');
    expect(after).toContain('1 Quay Road');

    // The re-print is mailed to the address in its window: the print stream's mailing index
    // (manifest, postal sort, householding) takes the corrected document's address, not the
    // customer record's (which the correction does not change).
    const reprint = (await getCommunication(temp.store.db, body.sent.id))!;
    const { entries } = await loadPrintEntries(temp.store.db, reprint.runId, blobs);
    const entry = entries.find((e) => e.communicationId === reprint.id)!;
    expect(entry).toMatchObject({ reprintOf: version.id });
    expect(entry.address).toMatchObject({ lines: ['Flat 9', '1 Quay Road'], city: 'Harbourton' });
    expect(entry.address.postalCode).toBe(customers[0]!.address!.postalCode);

    // A retried post returns the same correction; the links show both ways.
    const again = await correct(0, {
      id: 'correct-address-0001',
      reason: 'customer moved before the statement was printed',
      changes: { 'customer.address.city': 'Harbourton' },
    });
    expect(again.statusCode).toBe(200);
    expect(again.json().communication.id).toBe(version.id);
    const form = (await app.inject({ method: 'GET', url: url(0), headers: bearer(tokens.agent) })).json();
    expect(form.correctedBy).toEqual([version.id]);
    const detail = await app.inject({
      method: 'GET',
      url: `/api/customers/${customers[0]!.id}/communications/${version.id}`,
      headers: bearer(tokens.agent),
    });
    expect(detail.json().communication).toMatchObject({ copyOf: original.id, copyKind: 'correction' });

    // Audited with user and reason (no values), and on the original's timeline.
    const audit = (await listAudit(temp.store.db, { limit: 500 })).filter((a) =>
      a.action.startsWith('communication.correction.'),
    );
    const request = audit.find((a) => a.action === 'communication.correction.request')!;
    expect(request).toMatchObject({ actor: 'token:agent1', targetId: original.id });
    expect(request.details).toMatchObject({
      reason: 'customer moved before the statement was printed',
      held: false,
    });
    expect(JSON.stringify(audit)).not.toContain('Harbourton');
    expect(audit.find((a) => a.action === 'communication.correction.apply')?.details).toMatchObject({
      version: version.id,
    });
    const events = await listEvents(temp.store.db, { communicationId: original.id });
    expect(events.map((e) => e.type)).toContain('agent-correction');
  });

  it('an agent changes an amount: held until an admin who is not the requester approves it', async () => {
    const res = await correct(1, {
      id: 'correct-amount-0001',
      reason: 'fee charged in error, refunded',
      changes: { closingBalance: '4321.09', 'customer.name': 'Customer Two' },
    });
    expect(res.statusCode, res.body).toBe(202);
    const { correction } = res.json();
    expect(correction).toMatchObject({ status: 'pending', changesAmount: true, decidedBy: null });
    expect(res.json().communication).toBeNull();
    const queue = (
      await app.inject({ method: 'GET', url: '/api/corrections', headers: bearer(tokens.admin) })
    ).json();
    expect(queue.corrections.map((c: { id: string }) => c.id)).toContain(correction.id);

    // The requester may not approve it; another agent may not; a marketer may not even reach the route.
    const own = await decide(correction.id, 'approve', tokens.agent);
    expect(own.statusCode).toBe(403);
    expect(own.json().error.message).toContain('four eyes');
    const otherAgent = await decide(correction.id, 'approve', tokens.agent2!);
    expect(otherAgent.statusCode).toBe(403);
    expect(otherAgent.json().error.message).toContain('only an admin');
    expect((await decide(correction.id, 'approve', tokens.marketer)).statusCode).toBe(403);
    expect(
      (await app.inject({ method: 'GET', url: url(1), headers: bearer(tokens.agent) })).json().correctedBy,
    ).toEqual([]);

    const approved = await decide(correction.id, 'approve', tokens.admin, 'refund confirmed in the ledger');
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json().correction).toMatchObject({
      status: 'applied',
      decidedBy: 'token:admin1',
      requestedBy: 'token:agent1',
      decisionReason: 'refund confirmed in the ledger',
    });
    const version = approved.json().communication;
    expect(version).toMatchObject({ copyOf: statements[1], copyKind: 'correction' });
    const text = await pdfText(1, version.id);
    expect(text).toContain('4,321.09');
    expect(text).toContain('Customer Two');
    expect((await verifyCommunication({ db: temp.store.db, blobs }, version.id)).ok).toBe(true);
    // Decided once.
    expect((await decide(correction.id, 'approve', tokens.admin)).statusCode).toBe(400);

    const audit = await listAudit(temp.store.db, { limit: 500 });
    const denied = audit.filter(
      (a) => a.action === 'communication.correction.approve' && a.details.outcome === 'denied',
    );
    expect(denied.map((a) => [a.actor, a.details.why])).toEqual(
      [
        ['token:agent1', expect.stringContaining('four eyes')],
        ['token:agent2', expect.stringContaining('only an admin')],
        ['token:admin1', expect.stringContaining('already applied')],
      ].reverse(),
    );
    expect(
      audit.find((a) => a.action === 'communication.correction.approve' && !a.details.outcome),
    ).toMatchObject({
      actor: 'token:admin1',
      details: { requestedBy: 'token:agent1', decision: 'refund confirmed in the ledger' },
    });
    const events = (await listEvents(temp.store.db, { communicationId: statements[1]! })).map((e) => e.type);
    expect(events).toEqual(expect.arrayContaining(['agent-correction-requested', 'agent-correction']));
  });

  it('an admin changes an amount directly; an admin may refuse a pending one', async () => {
    const direct = await correct(
      2,
      { id: 'correct-amount-admin-01', reason: 'interest missed', changes: { openingBalance: 10.5 } },
      tokens.admin,
    );
    expect(direct.statusCode, direct.body).toBe(201);
    expect(direct.json().correction).toMatchObject({
      status: 'applied',
      changesAmount: true,
      decidedBy: 'token:admin1',
    });
    expect(await pdfText(2, direct.json().communication.id)).toContain('10.50');

    const held = await correct(2, {
      id: 'correct-amount-0002',
      reason: 'customer says so',
      changes: { 'totals.fees': 0.5 },
    });
    expect(held.statusCode).toBe(202);
    const refused = await decide(held.json().correction.id, 'refuse', tokens.admin, 'no evidence of the fee');
    expect(refused.statusCode, refused.body).toBe(200);
    expect(refused.json()).toMatchObject({
      correction: { status: 'refused', decisionReason: 'no evidence of the fee' },
      communication: null,
    });
  });

  it('refuses what is not allowed: roles, undeclared fields, bad values — naming the field', async () => {
    const payload = {
      id: 'correct-refused-0001',
      reason: 'testing refusals',
      changes: { 'customer.name': 'X Y' },
    };
    expect((await correct(0, payload, tokens.marketer)).statusCode).toBe(403);
    const undeclared = await correct(0, { ...payload, changes: { 'account.number': '12345678' } });
    expect(undeclared.statusCode).toBe(400);
    expect(undeclared.json().error.details.field).toBe('changes.account.number');
    const bad = await correct(0, { ...payload, changes: { closingBalance: 'a lot' } });
    expect(bad.json().error).toMatchObject({
      code: 'MSV_API_BAD_REQUEST',
      details: { field: 'changes.closingBalance' },
    });
    const sendEmail = await correct(0, { ...payload, send: 'fax' });
    expect(sendEmail.statusCode).toBe(400);
    // Another customer's communication through this customer's route: refused and audited.
    const other = await app.inject({
      method: 'POST',
      url: `/api/customers/${customers[1]!.id}/communications/${statements[0]}/corrections`,
      payload,
      headers: bearer(tokens.agent),
    });
    expect(other.statusCode).toBe(403);
    expect((await decide('cor_unknown', 'approve', tokens.admin)).statusCode).toBe(404);
  });

  it('corrects a statement e-mail: the new version carries a PDF rendered with the corrected data', async () => {
    const original = (await getCommunication(temp.store.db, statements[3]!))!;
    expect(original.channel).toBe('email');
    const res = await correct(3, {
      id: 'correct-email-0001',
      reason: 'wrong town on the statement',
      changes: { 'customer.address.city': 'Seaview' },
      send: 'email',
    });
    expect(res.statusCode, res.body).toBe(201);
    const version = res.json().communication;
    expect(version).toMatchObject({ channel: 'email', copyOf: original.id, copyKind: 'correction' });
    // Sent as an agent's resend of the new version: the same bytes, to the address on file.
    expect(res.json().sent).toMatchObject({
      channel: 'email',
      copyOf: version.id,
      copyKind: 'resend',
      artifactSha256: version.artifactSha256,
    });
    const [before] = await listAttachments(temp.store.db, original.id);
    const [after] = await listAttachments(temp.store.db, version.id);
    expect(after!.sha256).not.toBe(before!.sha256);
    const file = path.join(temp.dir, 'attached.pdf');
    await fs.writeFile(file, await blobs.get(after!.sha256));
    expect(execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' })).toContain('Seaview');
    // The e-mail and the PDF it carries replay from the new version's sealed inputs.
    const replay = await verifyCommunication({ db: temp.store.db, blobs }, version.id);
    expect(replay.ok, replay.difference).toBe(true);
  });

  it('documents the operations in the OpenAPI description', async () => {
    const doc = (await app.inject({ url: '/docs/json' })).json();
    const paths = Object.keys(doc.paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/customers/{customerId}/communications/{communicationId}/corrections',
        '/api/corrections',
        '/api/corrections/{correctionId}/approve',
        '/api/corrections/{correctionId}/refuse',
      ]),
    );
  });
});
