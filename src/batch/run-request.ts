import { stableId } from '../core/hash.ts';

/** What a run makes: a communication type, for an as-of date, with a template version, for a source. */
export interface RunRequest {
  communicationType: string;
  templateVersionId: string;
  asOf: string; // YYYY-MM-DD
  /** Where the customers come from: `store:all`, `segment:<name>` or `file:<hash>` (see run-source.ts). */
  source: string;
}

/**
 * A run is named by what it produces — (type, as-of date, template version, source) — so asking for
 * the same run again resumes it instead of starting a second one: nothing is rendered or sent twice.
 *
 * @example runIdFor({ communicationType: 'monthly-statement', asOf: '2026-10-31', templateVersionId, source: 'store:all' })
 */
export function runIdFor(request: RunRequest): string {
  return stableId('run', request.communicationType, request.asOf, request.templateVersionId, request.source);
}
