/**
 * The feed parser thread (feed-parse.ts): parses one extract and posts its batches to the loader,
 * waiting for an acknowledgement whenever two are unconsumed, so it never runs far ahead of the inserts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { errorMessage, type ParseRequest, parseFeedFile, type ThreadMessage } from './feed-parse.ts';

const port = parentPort!;
let credits = 2;
let wake: (() => void) | undefined;
port.on('message', () => {
  credits += 1;
  wake?.();
});

const post = (message: ThreadMessage) => port.postMessage(message);

try {
  const done = await parseFeedFile(workerData as ParseRequest, async (batch) => {
    while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
    wake = undefined;
    credits -= 1;
    post({ kind: 'batch', batch });
  });
  post({ kind: 'done', done });
} catch (err) {
  post(errorMessage(err));
}
