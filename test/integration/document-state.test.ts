import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentWithState } from '../../src/api/lookup/document-state.ts';
import { synthesizeIdentity } from '../../src/customers/synthetic-identity.ts';
import { listAudit } from '../../src/store/audit.ts';
import { insertCommunicationIfAbsent } from '../../src/store/communications.ts';
import { upsertCustomers } from '../../src/store/customers.ts';
import { createRunIfAbsent } from '../../src/store/runs.ts';
import { openTempStore, type TempStore } from '../support/stores.ts';

/**
 * The agent's viewer on a server without an archive (buildApp with no blob store): every document
 * shows as not readable, but only after the same per-object check as with one (RELIABILITY S7) —
 * another customer's communication is refused and audited, never described.
 */
describe('the viewer without an archive', () => {
  let temp: TempStore;
  let communicationId: string;
  const ctx = {
    principal: { user: 'agent1', role: 'agent' as const, via: 'session' as const },
    ip: '127.0.0.1',
    via: 'ui.viewer',
  };

  beforeAll(async () => {
    temp = await openTempStore('document-state');
    const db = temp.store.db;
    await upsertCustomers(db, [
      { ...synthesizeIdentity('V1'), traits: {} },
      { ...synthesizeIdentity('V2'), traits: {} },
    ]);
    await createRunIfAbsent(db, {
      id: 'run_viewer',
      communicationType: 'monthly-statement',
      templateVersionId: 'tv',
      asOf: '2026-10-31',
      source: 'test',
    });
    ({ id: communicationId } = await insertCommunicationIfAbsent(db, {
      runId: 'run_viewer',
      customerId: 'V1',
      channel: 'print',
      templateVersionId: 'tv',
      inputSha256: 'x',
      status: 'archived',
      artifactSha256: 'a'.repeat(64),
      artifactSize: 10,
    }));
  });
  afterAll(async () => temp?.close());

  it("shows the customer's own document as not readable", async () => {
    const shown = await documentWithState(temp.store.db, undefined, 'V1', communicationId, ctx);
    expect(shown).toMatchObject({
      state: 'unreadable',
      bytes: undefined,
      communication: { id: communicationId },
    });
  });

  it("refuses another customer's communication, and audits the refusal", async () => {
    await expect(
      documentWithState(temp.store.db, undefined, 'V2', communicationId, ctx),
    ).rejects.toMatchObject({
      code: 'MSV_AUTH_FORBIDDEN',
    });
    await expect(documentWithState(temp.store.db, undefined, 'V2', 'com_unknown', ctx)).rejects.toMatchObject(
      {
        code: 'MSV_STORE_NOT_FOUND',
      },
    );
    const audit = await listAudit(temp.store.db, { targetId: communicationId });
    expect(audit.map((a) => a.details)).toContainEqual(
      expect.objectContaining({ outcome: 'denied', customerId: 'V2' }),
    );
  });
});
