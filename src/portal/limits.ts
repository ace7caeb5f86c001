/**
 * How much sign-in the portal allows. Every limit is counted in the store over a sliding window, so
 * it holds across restarts and processes; per-IP limits are @fastify/rate-limit's, on the routes.
 */
export interface PortalLimits {
  /** A code is valid this long. */
  codeTtlMinutes: number;
  /** Guesses per code; the code is spent after them. */
  attemptsPerCode: number;
  /** Codes sent per customer, per address on file and per typed identifier within `windowMinutes`. */
  codesPerCustomer: number;
  codesPerDestination: number;
  codesPerIdentifier: number;
  windowMinutes: number;
  /** Wrong codes per customer (or, for nobody, per typed identifier) within `lockoutMinutes` that lock it. */
  lockoutFailures: number;
  lockoutMinutes: number;
  /** Sign-in requests and code checks per IP address per minute. */
  startsPerIpPerMinute: number;
  verifiesPerIpPerMinute: number;
  /** A customer session lasts this long (staff sessions: MISSIVE_SESSION_TTL_MINUTES). */
  sessionMinutes: number;
  /**
   * "Send me a code" answers no sooner than this (ms), whoever was typed: the few hundred
   * microseconds a found customer costs more (a row parsed, a send queued) disappear under it.
   */
  answerFloorMs: number;
}

export const DEFAULT_PORTAL_LIMITS: Readonly<PortalLimits> = Object.freeze({
  codeTtlMinutes: 10,
  attemptsPerCode: 5,
  codesPerCustomer: 3,
  codesPerDestination: 3,
  codesPerIdentifier: 5,
  windowMinutes: 15,
  lockoutFailures: 10,
  lockoutMinutes: 30,
  startsPerIpPerMinute: 10,
  verifiesPerIpPerMinute: 30,
  sessionMinutes: 15,
  answerFloorMs: 50,
});

export interface SendCounts {
  customer: number;
  destination: number;
  identifier: number;
}

/** Whether one more code may be sent, given the codes already sent in the window. Pure. */
export function maySendCode(counts: SendCounts, limits: PortalLimits): boolean {
  return (
    counts.customer < limits.codesPerCustomer &&
    counts.destination < limits.codesPerDestination &&
    counts.identifier < limits.codesPerIdentifier
  );
}

export function minutesBefore(now: Date, minutes: number): string {
  return new Date(now.getTime() - minutes * 60_000).toISOString();
}
