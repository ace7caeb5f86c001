import net from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { watchRedis } from '../../src/batch/redis-watch.ts';
import { createLogger } from '../../src/core/logger.ts';

/**
 * A Redis that is slow to answer its first connection (a busy machine) is not "unreachable": the
 * watch's first probe waits for the client's first connection attempt to end. Before, a run on a
 * loaded machine logged "redis unreachable (connection lost)" and "reachable again" at its start.
 * The real Redis of the test run sits behind a proxy that holds each connection's first bytes.
 */
describe('the Redis watch on a slow first connection', () => {
  const HOLD_MS = 1_200;
  let proxy: net.Server;
  let port = 0;

  beforeAll(async () => {
    const target = new URL(inject('redisUrl'));
    proxy = net.createServer((client) => {
      const upstream = net.connect(Number(target.port), target.hostname);
      const held: Buffer[] = [];
      let holding = true;
      client.on('data', (chunk: Buffer) => (holding ? held.push(chunk) : upstream.write(chunk)));
      setTimeout(() => {
        holding = false;
        for (const chunk of held) upstream.write(chunk);
      }, HOLD_MS);
      upstream.pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    port = (proxy.address() as net.AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => proxy.close(() => resolve())));

  it('reports nothing and stays up while the first connection is slow', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const watch = watchRedis({
      url: `redis://127.0.0.1:${port}`,
      logger: createLogger('info', 'test', sink),
      unavailableMs: 60_000,
      probeEveryMs: 200,
      probeKey: 'missive-test:redis-watch-connect',
    });
    await new Promise((r) => setTimeout(r, HOLD_MS + 1_000));
    const state = watch.state;
    await watch.close();
    expect(lines.filter((l) => l.includes('redis'))).toEqual([]);
    expect(state).toBe('up');
    expect(watch.signal.aborted).toBe(false);
  });
});
