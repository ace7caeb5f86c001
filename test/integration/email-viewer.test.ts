import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import { createFsBlobStore } from '../../src/archive/fs-blob-store.ts';
import { archiveDocument } from '../../src/archive/ledger.ts';
import { makeArtifact } from '../../src/render/artifact.ts';
import { EMAIL_MIME, encodeEmail } from '../../src/render/email.ts';
import { saveRecipient } from '../../src/store/communication-recipients.ts';
import { insertCommunicationIfAbsent } from '../../src/store/communications.ts';
import { createRunIfAbsent } from '../../src/store/runs.ts';
import type { Role } from '../../src/store/users.ts';
import { bearer, CANARY, type SeededDocuments, seedDocuments, seedUsers } from '../support/api.ts';
import { openTempStore, type TempStore } from '../support/stores.ts';

/**
 * Issue 19 item 4: the agent's e-mail viewer shows the subject, sender and recipient of the message
 * as archived (decoded from the archived bytes, never re-rendered), the recipient masked as the rest
 * of the UI masks e-mail addresses.
 */
describe('e-mail viewer: subject, sender, recipient', () => {
  let temp: TempStore;
  let app: FastifyInstance;
  let tokens: Record<Role, string>;
  let seeded: SeededDocuments;
  let branded: string;
  let copy: string;

  beforeAll(async () => {
    temp = await openTempStore('email-viewer');
    const blobs = createFsBlobStore(path.join(temp.dir, 'archive'));
    tokens = await seedUsers(temp.store.db);
    seeded = await seedDocuments(temp.store.db, blobs);
    const runId = 'run_test_branded';
    await createRunIfAbsent(temp.store.db, {
      id: runId,
      communicationType: 'monthly-statement',
      templateVersionId: 'monthly-statement@test',
      asOf: '2026-10-31',
      source: 'store:all',
      status: 'completed',
    });
    const bytes = encodeEmail({
      subject: 'Statement for card 4111 1111 1111 1111 <October>',
      html: '<p>Hi</p>',
      text: 'Hi',
      fromName: 'Example Bank',
      fromAddress: 'statements@bank.example',
      replyTo: 'help@bank.example',
    });
    const archived = await archiveDocument(temp.store.db, blobs, {
      runId,
      customerId: 'C0001',
      channel: 'email',
      templateVersionId: 'monthly-statement@test',
      inputSha256: 'input',
      artifact: makeArtifact(bytes, EMAIL_MIME),
    });
    branded = archived.communicationId;
    // An agent's copy of it to another address (as agent-copies.ts records it).
    const copyRun = 'run_test_copy';
    await createRunIfAbsent(temp.store.db, {
      id: copyRun,
      communicationType: 'monthly-statement',
      templateVersionId: 'monthly-statement@test',
      asOf: '2026-10-31',
      source: 'on-demand',
      status: 'completed',
    });
    const made = await insertCommunicationIfAbsent(temp.store.db, {
      runId: copyRun,
      customerId: 'C0001',
      channel: 'email',
      templateVersionId: 'monthly-statement@test',
      inputSha256: 'input',
      status: 'archived',
      artifactSha256: makeArtifact(bytes, EMAIL_MIME).sha256,
      artifactSize: bytes.byteLength,
      copyOf: branded,
      copyKind: 'resend',
    });
    copy = made.id;
    await saveRecipient(temp.store.db, {
      communicationId: copy,
      customerId: 'C0001',
      address: 'other.address@example.net',
      at: '2026-11-01T10:00:00.000Z',
    });
    app = buildApp({ db: temp.store.db, blobs });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await temp?.close();
  });

  const viewer = async (id: string, lang = 'en-GB') =>
    (
      await app.inject({
        url: `/ui/customers/C0001/communications/${id}`,
        headers: { ...bearer(tokens.agent), 'accept-language': lang },
      })
    ).body;
  const field = (body: string, id: string) =>
    new RegExp(`<dd id="${id}">([\\s\\S]*?)</dd>`).exec(body)?.[1]?.trim();

  it("shows the archived subject and sender, and the customer's address on file masked", async () => {
    const body = await viewer(branded);
    expect(field(body, 'email-subject')).toBe('Statement for card 411111******1111 &lt;October&gt;');
    expect(field(body, 'email-from')).toBe('Example Bank &lt;statements@bank.example&gt;');
    expect(field(body, 'email-to')).toBe('c***@example.org <small>(address on file)</small>');
    expect(body).not.toContain(CANARY.email);
    expect(body).not.toContain(CANARY.pan);
  });

  it('a message archived without a sender says it went from the default sender', async () => {
    const body = await viewer(seeded.ids.C0001!.email!);
    expect(field(body, 'email-subject')).toBe('Your statement');
    expect(field(body, 'email-from')).toBe('<em>the e-mail channel&#39;s default sender</em>');
  });

  it('an agent copy to another address shows that address, masked, and where it came from', async () => {
    const body = await viewer(copy);
    expect(field(body, 'email-to')).toBe(
      'o***@example.net <small>(another address, confirmed by an agent)</small>',
    );
    expect(body).not.toContain('other.address@example.net');
  });

  it('in zh-CN the labels are Chinese; print and SMS have no e-mail header', async () => {
    const zh = await viewer(branded, 'zh-CN');
    expect(zh).toContain('<dt>主题</dt>');
    expect(zh).toContain('<dt>收件人</dt>');
    expect(zh).toContain('(档案中的地址)');
    expect(await viewer(seeded.ids.C0001!.print!)).not.toContain('id="email-envelope"');
    expect(await viewer(seeded.ids.C0001!.sms!)).not.toContain('id="email-envelope"');
  });
});
