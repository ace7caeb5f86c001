import { findStaleSource } from '../../bin/dist-freshness.mjs';
import { ROOT } from './stores.ts';

/**
 * The environment that makes `bin/missive.js` start fast and quietly in a test: the compiled dist/
 * when it is current with src/ (as `npm test` leaves it: scripts/bootstrap.sh builds it), otherwise
 * the sources through tsx without the one-line "dist is stale" notice (MISSIVE_FROM_SOURCE=1), so a
 * test that reads stderr sees the same either way. Asked on every call: in a shared checkout a source
 * may change during the run. From dist a command starts in ~0.15 s of CPU, through tsx in ~0.6 s
 * (`--version`, measured 2026-12-07).
 */
export function cliStartEnv(): Record<string, string> {
  return findStaleSource(ROOT).stale ? { MISSIVE_FROM_SOURCE: '1' } : {};
}
