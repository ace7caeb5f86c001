import path from 'node:path';
import { buildApp } from '../api/heavy.ts';
import { type Sinks, startSinks } from '../channels/heavy.ts';
import { freeLoopbackPort } from '../core/free-port.ts';
import type { QueueRuntime } from './runtime.ts';

/** Missive's webhooks and both sinks on loopback: email and SMS really go out, callbacks really come back. */
export async function startLocalChannels(
  rt: QueueRuntime,
): Promise<{ sinks: Sinks; close(): Promise<void> }> {
  const port = await freeLoopbackPort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const sinks = await startSinks({ dir: path.join(rt.config.dataDir, 'sinks'), publicUrl });
  const app = buildApp({ db: rt.store.db, twilio: { authToken: sinks.twilio.authToken, publicUrl } });
  await app.listen({ host: '127.0.0.1', port });
  return {
    sinks,
    close: async () => {
      await app.close();
      await sinks.close();
    },
  };
}
