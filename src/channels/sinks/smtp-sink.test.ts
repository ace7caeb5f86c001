import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { startSmtpSink } from './smtp-sink.ts';

describe('the SMTP sink', () => {
  it('closes with a sender still connected: the sender is told 421 and hung up on', async () => {
    const sink = await startSmtpSink();
    // A sender's idle pooled connection: greeted, then silent (it never hangs up by itself).
    const socket = net.connect(sink.port, sink.host);
    let received = '';
    const greeted = new Promise<void>((resolve) =>
      socket.on('data', (b: Buffer) => {
        received += b.toString();
        if (received.includes('220 ')) resolve();
      }),
    );
    const hungUp = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    await greeted;
    await sink.close(); // smtp-server's default waited 30 s for the sender: past this test's 10 s
    await hungUp;
    expect(received).toMatch(/421 Server shutting down/);
  }, 10_000);
});
