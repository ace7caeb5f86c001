import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type IdleObservation, shouldRecreateWorker } from './worker-watchdog.ts';

const stuck: IdleObservation = {
  lastStartedAt: 1_000,
  lastActivityAt: 2_000,
  lastReconnectAt: 5_000,
  waiting: 3,
  busy: 0,
  now: 40_000,
  idleMs: 30_000,
};

describe('shouldRecreateWorker', () => {
  it('recreates a worker that reconnected, started nothing since and idled idleMs with jobs waiting', () => {
    expect(shouldRecreateWorker(stuck)).toBe(true);
    expect(shouldRecreateWorker({ ...stuck, now: 35_000 })).toBe(true); // exactly idleMs
  });

  it('leaves a worker that never reconnected to BullMQ', () => {
    expect(shouldRecreateWorker({ ...stuck, lastReconnectAt: undefined })).toBe(false);
  });

  it('leaves a worker that started a job after its reconnect', () => {
    expect(shouldRecreateWorker({ ...stuck, lastStartedAt: 5_000 })).toBe(false);
    expect(shouldRecreateWorker({ ...stuck, lastStartedAt: 6_000, lastActivityAt: 6_000 })).toBe(false);
  });

  it('leaves a worker with no job waiting, or one still holding jobs', () => {
    expect(shouldRecreateWorker({ ...stuck, waiting: 0 })).toBe(false);
    expect(shouldRecreateWorker({ ...stuck, busy: 1 })).toBe(false);
  });

  it('waits idleMs from the reconnect, or from the last job that finished after it', () => {
    expect(shouldRecreateWorker({ ...stuck, now: 34_999 })).toBe(false);
    // A job started before the reconnect finished at 20 s: idle counts from there.
    expect(shouldRecreateWorker({ ...stuck, lastActivityAt: 20_000, now: 49_999 })).toBe(false);
    expect(shouldRecreateWorker({ ...stuck, lastActivityAt: 20_000, now: 50_000 })).toBe(true);
  });

  it('never recreates before idleMs has passed since the reconnect, whatever else holds', () => {
    fc.assert(
      fc.property(
        fc.record({
          lastStartedAt: fc.nat(1e6),
          lastActivityAt: fc.nat(1e6),
          lastReconnectAt: fc.option(fc.nat(1e6), { nil: undefined }),
          waiting: fc.nat(100),
          busy: fc.nat(4),
          now: fc.nat(2e6),
          idleMs: fc.integer({ min: 1, max: 1e5 }),
        }),
        (o) => {
          if (!shouldRecreateWorker(o)) return;
          expect(o.lastReconnectAt).toBeDefined();
          expect(o.now - (o.lastReconnectAt ?? 0)).toBeGreaterThanOrEqual(o.idleMs);
          expect(o.waiting).toBeGreaterThan(0);
          expect(o.busy).toBe(0);
        },
      ),
    );
  });
});
