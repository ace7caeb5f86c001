/**
 * The sending process of the kill test: opens the store at argv[2], sends every communication of run
 * argv[3] that is not final yet through the channels configured in the environment
 * (MISSIVE_SMTP_URL, MISSIVE_TWILIO_API_BASE, TWILIO_*), then exits. The test SIGKILLs it mid-batch.
 */
import path from 'node:path';
import { createFsBlobStore } from '../../src/archive/fs-blob-store.ts';
import { policyByName } from '../../src/channels/delivery-policy.ts';
import { dispatchAll, listDispatchable } from '../../src/channels/dispatch-loop.ts';
import { closeChannels, createChannels } from '../../src/channels/registry.ts';
import { loadConfig } from '../../src/core/config.ts';
import { createLogger } from '../../src/core/logger.ts';
import { openStoreAt } from '../../src/store/db.ts';

const [dir, runId] = process.argv.slice(2) as [string, string];
const store = await openStoreAt({ sqlitePath: path.join(dir, 'missive.sqlite') });
const channels = createChannels(loadConfig().channels);
const deps = {
  db: store.db,
  blobs: createFsBlobStore(path.join(dir, 'archive')),
  logger: createLogger('silent'),
  channels,
  policy: async (type: string) => policyByName(type),
};
const ids = (await listDispatchable(deps, runId, ['email', 'sms'])).map((c) => c.id);
const counts = await dispatchAll(deps, ids, { concurrency: 4, maxDelayMs: 20 });
process.stdout.write(`${JSON.stringify(counts)}\n`);
await closeChannels(channels);
await store.close();
