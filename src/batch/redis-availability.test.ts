import { describe, expect, it } from 'vitest';
import { type Availability, nextAvailability, type Probe } from './redis-availability.ts';

const limits = { unavailableMs: 5_000, cannotPersistMs: 2_000 };
const refused: Probe = { ok: false, fault: 'unreachable', message: 'connect ECONNREFUSED' };
const misconf: Probe = {
  ok: false,
  fault: 'cannot-persist',
  message: 'MISCONF Errors writing to the AOF file',
};

function feed(probes: [number, Probe][]) {
  let state: Availability = { kind: 'up' };
  const events: string[] = [];
  for (const [now, probe] of probes) {
    const next = nextAvailability(state, probe, now, limits);
    state = next.state;
    if (next.event) events.push(next.event.kind);
  }
  return { state, events };
}

describe('nextAvailability', () => {
  it('reports down once, up once, however many probes fail in between', () => {
    const { state, events } = feed([
      [0, { ok: true }],
      [1_000, refused],
      [2_000, refused],
      [3_000, refused],
      [4_000, { ok: true }],
    ]);
    expect(events).toEqual(['down', 'up']);
    expect(state.kind).toBe('up');
  });

  it('gives up once Redis stayed unreachable for the limit', () => {
    const { state, events } = feed([1_000, 2_000, 4_000, 6_000, 7_000].map((t) => [t, refused]));
    expect(events).toEqual(['down', 'given-up']);
    expect(state).toMatchObject({ kind: 'given-up', fault: 'unreachable', downForMs: 5_000 });
  });

  it('gives up sooner on MISCONF, and counts it from its own start', () => {
    const { events, state } = feed([
      [0, refused],
      [4_000, misconf],
      [5_000, misconf],
      [6_000, misconf],
    ]);
    expect(events).toEqual(['down', 'down', 'given-up']);
    expect(state).toMatchObject({ kind: 'given-up', fault: 'cannot-persist' });
  });

  it('leaves other errors alone and stays given up', () => {
    expect(feed([[0, { ok: false, fault: 'other', message: 'READONLY' }]]).events).toEqual([]);
    const gaveUp: Availability = { kind: 'given-up', fault: 'unreachable', message: '', downForMs: 9 };
    expect(nextAvailability(gaveUp, { ok: true }, 0, limits).state).toBe(gaveUp);
  });
});
