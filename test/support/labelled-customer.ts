import path from 'node:path';
import type { Kysely } from 'kysely';
import type { BlobStore } from '../../src/archive/blob-store.ts';
import { publishCatalogDir } from '../../src/rules/publish.ts';
import { insertCommunicationIfAbsent } from '../../src/store/communications.ts';
import { createRunIfAbsent } from '../../src/store/runs.ts';
import type { Database } from '../../src/store/schema.ts';
import { seedDocuments } from './api.ts';
import { loadStatementFeeds } from './statement-feeds.ts';
import { ROOT } from './stores.ts';

export const LABELLED_AS_OF = '2026-10-31';

/**
 * A customer page with something to name in every place (issue 19 item 4): the bank catalog
 * published (trait, type and offer labels), the seeded statements of C0001 with an offer, the
 * statement's feeds loaded (holdings), and a marketing run that left C0001 out, recorded as
 * render-chunk.ts writes it (`do-not-contact: …`).
 */
export async function seedLabelledCustomer(db: Kysely<Database>, blobs: BlobStore): Promise<void> {
  await publishCatalogDir(db, path.join(ROOT, 'catalogs', 'bank'), LABELLED_AS_OF);
  const seeded = await seedDocuments(db, blobs);
  await loadStatementFeeds(db, seeded.customers, LABELLED_AS_OF);
  await createRunIfAbsent(db, {
    id: 'run_test_promotion',
    communicationType: 'cross-sell-promotion',
    templateVersionId: 'cross-sell-promotion@test',
    asOf: LABELLED_AS_OF,
    source: 'store:all',
    status: 'completed',
  });
  await insertCommunicationIfAbsent(db, {
    runId: 'run_test_promotion',
    customerId: 'C0001',
    channel: 'email',
    templateVersionId: 'cross-sell-promotion@test',
    status: 'suppressed',
    reason: 'do-not-contact: the customer asked not to be contacted',
    inputSha256: '',
  });
}
