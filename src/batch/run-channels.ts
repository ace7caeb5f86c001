import type { Kysely } from 'kysely';
import type { Channel } from '../channels/index.ts';
import { isMissiveError, MissiveError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { ChannelKind } from '../core/types.ts';
import { loadPublishedCatalog } from '../rules/index.ts';
import {
  countRunDecisionsLike,
  type Database,
  getTemplateVersion,
  type RunRecord,
  setRunOptions,
  transitionRunStatus,
} from '../store/index.ts';

/**
 * Honest runs (issue 17 item 7): a run never makes e-mail or SMS that nothing can send. Before a
 * foreground run (the process that also dispatches) renders, the electronic channels its type may
 * choose — the catalog type's channels that its template has — are held against the transports
 * configured (`MISSIVE_SMTP_URL`, `TWILIO_ACCOUNT_SID` + `TWILIO_AUTH_TOKEN`). For one that is missing:
 *
 * - a type the law wants on paper (`paperByLaw: true`, the bank's monthly statement) goes on paper:
 *   the run records the channel in its options (`paperInstead`, once, at its first plan, so a resumed
 *   run decides the same way) and the decisions pass it over — an e-delivery customer's statement is
 *   printed, the decision saying why; the run summary says how many;
 * - any other type is refused before anything is rendered (`MSV_CHANNEL_NOT_CONFIGURED`, exit 1; a
 *   run not yet started ends `failed`, having made nothing): configure the transport, or take the
 *   channel out of the type's channels in the catalog.
 *
 * A detached run (`--detach`, `POST /api/runs`) is sent by `missive worker` processes that may run
 * elsewhere with their own settings, so it is not checked here; its unsent e-mail and SMS keep the
 * run from closing, and a completed run with any left unsent does not reconcile (reconcile.ts).
 */

const TRANSPORT: Partial<Record<ChannelKind, string>> = {
  email: 'MISSIVE_SMTP_URL',
  sms: 'TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN',
};

/** The electronic channels a run passes over for paper (recorded by checkRunChannels). */
export function paperInsteadOf(run: Pick<RunRecord, 'options'>): ChannelKind[] {
  const value = run.options.paperInstead;
  return Array.isArray(value) ? (value.filter((c) => c === 'email' || c === 'sms') as ChannelKind[]) : [];
}

export interface RunChannelDeps {
  db: Kysely<Database>;
  logger: Logger;
  /** The channels this process sends on (src/channels/registry.ts). */
  channels: Partial<Record<ChannelKind, Channel>>;
}

/**
 * Checks the run's electronic channels against `deps.channels` (see the module comment); returns the
 * run, with `paperInstead` in its options when it falls back to paper. Throws MSV_CHANNEL_NOT_CONFIGURED.
 */
export async function checkRunChannels(deps: RunChannelDeps, run: RunRecord): Promise<RunRecord> {
  const type = await catalogType(deps.db, run.communicationType);
  if (!type) return run; // a service document without a catalog entry: no decision, print only
  const made = await templateChannels(deps.db, run.templateVersionId);
  const missing = type.channels.filter(
    (c) => (c === 'email' || c === 'sms') && made.includes(c) && !deps.channels[c],
  );
  if (missing.length === 0) return run;
  if (type.paperByLaw) {
    if (run.options.paperInstead !== undefined) return run;
    const options = { ...run.options, paperInstead: missing };
    await setRunOptions(deps.db, run.id, options);
    deps.logger.warn({ runId: run.id, paperInstead: missing }, 'no transport: paper instead');
    return { ...run, options };
  }
  await transitionRunStatus(deps.db, run.id, ['planning'], 'failed');
  const settings = missing.map((c) => `${c}: ${TRANSPORT[c]}`).join('; ');
  throw new MissiveError(
    'MSV_CHANNEL_NOT_CONFIGURED',
    `${run.communicationType} may send by ${missing.join(' and ')}, but no ${missing.join(' or ')} transport is configured (${settings}); nothing was rendered. Configure it, or take ${missing.join(' and ')} out of the type's channels in the catalog`,
    { runId: run.id, field: missing.join(',') },
  );
}

async function catalogType(db: Kysely<Database>, communicationType: string) {
  try {
    return (await loadPublishedCatalog(db)).types[communicationType];
  } catch (err) {
    if (isMissiveError(err) && err.code === 'MSV_RULES_NOT_PUBLISHED') return undefined;
    throw err;
  }
}

async function templateChannels(db: Kysely<Database>, templateVersionId: string): Promise<ChannelKind[]> {
  const version = await getTemplateVersion(db, templateVersionId);
  try {
    const manifest = JSON.parse(version?.files['manifest.json'] ?? '{}') as { channels?: ChannelKind[] };
    return manifest.channels ?? [];
  } catch {
    return [];
  }
}

/**
 * How many of the run's customers went on paper because of `paperInstead`, for the run summary:
 * "12 statements on paper instead of email: no email transport configured (MISSIVE_SMTP_URL)".
 */
export async function paperInsteadSummary(db: Kysely<Database>, run: RunRecord): Promise<string> {
  const channels = paperInsteadOf(run);
  if (channels.length === 0) return '';
  const onPaper = await countRunDecisionsLike(
    db,
    run.id,
    '%transport configured for this run: paper instead%',
  );
  const names = channels.join(' or ');
  const settings = channels.map((c) => TRANSPORT[c]).join(', ');
  return `  paper instead    ${onPaper} documents of e-delivery customers went on paper: no ${names} transport configured (${settings}); ${run.communicationType} is paper by law\n`;
}
