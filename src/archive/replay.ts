import type { Kysely } from 'kysely';
import { isMissiveError, MissiveError } from '../core/errors.ts';
import { sha256Hex } from '../core/hash.ts';
import { renderForChannel } from '../render/heavy.ts';
import {
  applyTracking,
  attachPlannedDocuments,
  isTrackedChannel,
  type TrackingPlan,
} from '../render/index.ts';
import {
  type Database,
  getCommunication,
  getDecision,
  getTemplateVersion,
  listTrackedLinks,
} from '../store/index.ts';
import { type CompiledTemplate, compileTemplateAsync } from '../templates/heavy.ts';
import { templatePackageFromFiles } from '../templates/index.ts';
import type { BlobStore } from './blob-store.ts';
import { loadStoredBrand } from './brand-store.ts';
import { currentRuntime, loadInputSnapshot, type RenderRuntime } from './input-snapshot.ts';

/**
 * Replay (DESIGN invariant 1, `missive verify`): renders a communication again from its stored
 * inputs — the template version, the merge-data snapshot taken at render time (customer fields, the
 * decision's offers), the as-of date and locale — and proves the bytes equal the archived blob.
 * Nothing is read from the live customer record, so later changes to it cannot matter.
 */

export interface ReplayDeps {
  db: Kysely<Database>;
  blobs: BlobStore;
  /** Compiled template versions, e.g. the batch's TemplateCache; compiled on demand when omitted. */
  templates?: { get(versionId: string): Promise<CompiledTemplate> } | undefined;
}

export interface ReplayResult {
  communicationId: string;
  /** True only when the re-rendered bytes are identical to the archived, verified blob. */
  ok: boolean;
  /** The archived document's sha256 (as the ledger records it). */
  sha256: string;
  size: number;
  replayedSha256?: string | undefined;
  replayedSize?: number | undefined;
  /** Why it is not verified: the first differing byte, or the archive error (tampered, shredded…). */
  difference?: string | undefined;
  /** Error code when an archive error stopped the replay. */
  code?: string | undefined;
  /** E.g. Node/ICU differ from the run's (Intl output may change between ICU versions). */
  warnings: string[];
  runtime: { recorded?: RenderRuntime | undefined; current: RenderRuntime };
}

/**
 * `missive verify`: re-renders a communication from its sealed input and proves the bytes equal the archived
 * ones.
 * @throws MissiveError MSV_STORE_NOT_FOUND, MSV_ARCHIVE_NOT_FOUND, MSV_ARCHIVE_TAMPERED.
 */
export async function verifyCommunication(deps: ReplayDeps, communicationId: string): Promise<ReplayResult> {
  const communication = await getCommunication(deps.db, communicationId);
  if (!communication) {
    throw new MissiveError('MSV_STORE_NOT_FOUND', `no communication ${communicationId}`, { communicationId });
  }
  if (!communication.artifactSha256) {
    throw new MissiveError(
      'MSV_ARCHIVE_NOT_FOUND',
      `communication ${communicationId} has no document (${communication.status})`,
      { communicationId },
    );
  }
  const result: ReplayResult = {
    communicationId,
    ok: false,
    sha256: communication.artifactSha256,
    size: communication.artifactSize ?? 0,
    warnings: [],
    runtime: { current: currentRuntime() },
  };
  try {
    const archived = await deps.blobs.get(communication.artifactSha256);
    const stored = await loadInputSnapshot(deps.db, deps.blobs, communicationId);
    result.runtime.recorded = stored.runtime;
    result.warnings.push(...runtimeWarnings(stored.runtime, result.runtime.current));
    if (
      stored.sha256 !== communication.inputSha256 ||
      stored.input.templateVersionId !== communication.templateVersionId
    ) {
      throw new MissiveError(
        'MSV_ARCHIVE_TAMPERED',
        'the input snapshot is not the one the ledger row records',
      );
    }
    result.warnings.push(...(await decisionWarnings(deps.db, communication, stored.input.data)));
    const template = await loadTemplate(deps, stored.input.templateVersionId);
    const { input } = stored;
    // The brand it was made for, as stored then (not as brands/ holds it today).
    const brand = input.brand ? await loadStoredBrand(deps.blobs, input.brand) : undefined;
    const rendered = await renderForChannel(template, input.channel, input.data, {
      asOf: input.asOf,
      locale: input.locale,
      brand,
      purpose: input.purpose,
    });
    // A marketing e-mail or SMS was archived with its links rewritten to short tracked links.
    const tracked =
      input.tracking && isTrackedChannel(input.channel)
        ? applyTracking(input.channel, rendered.artifact, input.tracking)
        : rendered.artifact;
    // A statement e-mail that carries its PDF: rendered again and attached by the same reference.
    const renderOptions = { asOf: input.asOf, locale: input.locale, brand };
    const { artifact } = await attachPlannedDocuments(
      tracked,
      input.attachments ?? [],
      input.data,
      renderOptions,
      (channel, data, options) => renderForChannel(template, channel, data, options),
    );
    if (input.tracking)
      result.warnings.push(...(await linkWarnings(deps.db, communicationId, input.tracking)));
    result.replayedSha256 = sha256Hex(artifact.bytes);
    result.replayedSize = artifact.bytes.byteLength;
    result.ok = result.replayedSha256 === communication.artifactSha256;
    if (!result.ok) result.difference = describeDifference(archived, artifact.bytes);
  } catch (err) {
    if (!isMissiveError(err) || !err.code.startsWith('MSV_ARCHIVE_')) throw err;
    result.code = err.code;
    result.difference = err.message;
  }
  return result;
}

async function loadTemplate(deps: ReplayDeps, versionId: string): Promise<CompiledTemplate> {
  if (deps.templates) return deps.templates.get(versionId);
  const version = await getTemplateVersion(deps.db, versionId);
  if (!version) throw new MissiveError('MSV_TEMPLATE_NOT_FOUND', `no template version ${versionId}`);
  return compileTemplateAsync(templatePackageFromFiles(version.templateName, version.files));
}

function runtimeWarnings(recorded: RenderRuntime, current: RenderRuntime): string[] {
  const warnings: string[] = [];
  if (recorded.node !== current.node) {
    warnings.push(`rendered with Node ${recorded.node}, replayed with Node ${current.node}`);
  }
  if (recorded.icu !== current.icu) {
    warnings.push(
      `rendered with ICU ${recorded.icu}, replayed with ICU ${current.icu}: dates and numbers formatted by Intl may differ`,
    );
  }
  return warnings;
}

/** The snapshot's offers must be ones the stored decision chose (a holdout or suppression chose none). */
async function decisionWarnings(
  db: Kysely<Database>,
  communication: { runId: string; customerId: string },
  data: Record<string, unknown>,
): Promise<string[]> {
  const decision = await getDecision<{ offers?: { offerId: string }[] }>(
    db,
    communication.runId,
    communication.customerId,
  );
  const shown = Array.isArray(data.offers) ? (data.offers as { id?: string }[]).map((o) => o.id) : [];
  if (!decision) return shown.length > 0 ? ['the snapshot shows offers but no decision is stored'] : [];
  const chosen = new Set((decision.decision.offers ?? []).map((o) => o.offerId));
  const stray = shown.filter((id) => !chosen.has(id ?? ''));
  return stray.length > 0 ? [`offers ${stray.join(', ')} are not in the stored decision`] : [];
}

/** Every short link in the archived bytes must lead, through the link table, where the snapshot says. */
async function linkWarnings(
  db: Kysely<Database>,
  communicationId: string,
  plan: TrackingPlan,
): Promise<string[]> {
  const stored = new Map((await listTrackedLinks(db, communicationId)).map((l) => [l.code, l]));
  const wanted = [
    ...plan.links.map((l) => ({ code: l.code, purpose: 'click', target: l.target })),
    ...(plan.open === null ? [] : [{ code: plan.open, purpose: 'open', target: '' }]),
  ];
  const astray = wanted.filter((w) => {
    const row = stored.get(w.code);
    return !row || row.purpose !== w.purpose || row.target !== w.target;
  });
  return astray.length > 0
    ? [
        `tracked links ${astray.map((w) => w.code).join(', ')} are missing from the link table or lead elsewhere`,
      ]
    : [];
}

/** Where two byte strings first differ, with a little printable context of each. */
export function describeDifference(archived: Uint8Array, replayed: Uint8Array): string {
  const length = Math.min(archived.length, replayed.length);
  let at = 0;
  while (at < length && archived[at] === replayed[at]) at += 1;
  const context = (bytes: Uint8Array) =>
    JSON.stringify(
      Buffer.from(bytes.subarray(Math.max(0, at - 16), at + 32))
        .toString('latin1')
        .replace(/[^\x20-\x7e]/g, '.'),
    );
  return (
    `bytes differ from offset ${at} (archived ${archived.length} bytes, replayed ${replayed.length}): ` +
    `archived ${context(archived)} vs replayed ${context(replayed)}`
  );
}
