import type { RedisFault } from './redis-fault.ts';

/**
 * Whether a command still waits for Redis, as a pure state machine fed with probe results
 * (redis-watch.ts probes once a second). Unreachable: wait up to `unavailableMs`, then give up.
 * Cannot persist (MISCONF): wait `cannotPersistMs` (Redis retries its append-only file every second,
 * a passing hiccup clears), then give up: a full disk does not clear by waiting. Each state change is
 * one event, so a dead Redis is logged once when it goes and once when it comes back.
 */
export type Availability =
  | { kind: 'up' }
  | { kind: 'down'; since: number; fault: 'unreachable' | 'cannot-persist'; message: string }
  | { kind: 'given-up'; fault: 'unreachable' | 'cannot-persist'; message: string; downForMs: number };

export type Probe = { ok: true } | { ok: false; fault: RedisFault; message: string };

export interface AvailabilityLimits {
  unavailableMs: number;
  cannotPersistMs: number;
}

export type AvailabilityEvent =
  | { kind: 'down'; fault: 'unreachable' | 'cannot-persist'; message: string }
  | { kind: 'up'; downForMs: number }
  | { kind: 'given-up'; fault: 'unreachable' | 'cannot-persist'; message: string; downForMs: number };

export function nextAvailability(
  state: Availability,
  probe: Probe,
  now: number,
  limits: AvailabilityLimits,
): { state: Availability; event?: AvailabilityEvent } {
  if (state.kind === 'given-up') return { state };
  // Errors that are not about reaching or persisting (a replica's READONLY, ACLs…) are not ours to judge.
  const fault =
    probe.ok || (probe.fault !== 'unreachable' && probe.fault !== 'cannot-persist') ? undefined : probe.fault;
  if (fault === undefined) {
    if (state.kind === 'up') return { state };
    return { state: { kind: 'up' }, event: { kind: 'up', downForMs: now - state.since } };
  }
  const message = probe.ok ? '' : probe.message;
  if (state.kind === 'up' || state.fault !== fault) {
    return {
      state: { kind: 'down', since: now, fault, message },
      event: { kind: 'down', fault, message },
    };
  }
  const downForMs = now - state.since;
  const limit = fault === 'unreachable' ? limits.unavailableMs : limits.cannotPersistMs;
  if (downForMs < limit) return { state: { ...state, message } };
  const gaveUp = { kind: 'given-up' as const, fault, message, downForMs };
  return { state: gaveUp, event: gaveUp };
}
