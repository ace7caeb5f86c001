import { archiveIntoPendingRow, snapshotInput } from '../../archive/index.ts';
import { errorMessage, MissiveError } from '../../core/errors.ts';
import { invariant } from '../../core/invariant.ts';
import { renderForChannel } from '../../render/heavy.ts';
import { offerContentFor, withOffers } from '../../rules/index.ts';
import {
  type CommunicationRecord,
  getCustomer,
  getRun,
  listCommunicationsForRun,
  type RunRecord,
  transitionCommunicationStatus,
} from '../../store/index.ts';
import type { DocumentData } from '../../templates/index.ts';
import { type RenderChunkDeps, runBrand } from './render-chunk.ts';

/**
 * Paper for what could not be delivered electronically: a statement whose email bounced gets a
 * `pending` print row from dispatch (`fallback_of`); this renders and archives its PDF like any run
 * document (bytes, sealed inputs, log entry: `missive verify` replays it) and the row becomes
 * `archived`, ready for the print stream. It pages through the run's pending print rows, so a crash between
 * the bounce and the rendering is picked up by the next pass. Returns how many it made.
 */
export async function renderPendingPrint(deps: RenderChunkDeps, runId: string): Promise<number> {
  const run = await getRun(deps.db, runId);
  if (!run) return 0;
  let made = 0;
  let afterId: string | null = null;
  for (;;) {
    const page = await listCommunicationsForRun(deps.db, runId, {
      statuses: ['pending'],
      afterId,
      limit: 500,
    });
    if (page.length === 0) return made;
    for (const row of page.filter((r) => r.channel === 'print')) {
      if (await renderOne(deps, run, row)) made += 1;
    }
    afterId = page[page.length - 1]!.id;
  }
}

async function renderOne(deps: RenderChunkDeps, run: RunRecord, row: CommunicationRecord): Promise<boolean> {
  try {
    const template = await deps.templates.get(run.templateVersionId);
    const customer = await getCustomer(deps.db, row.customerId);
    if (!customer) {
      throw new MissiveError('MSV_STORE_NOT_FOUND', 'customer no longer exists in the store', {
        customerId: row.customerId,
      });
    }
    const decision = await deps.decisions?.decideFor(customer, run);
    const catalog = await deps.decisions?.catalog();
    const offers = decision && catalog ? offerContentFor(decision, catalog, customer.locale, 'print') : [];
    const assembled = (await (await deps.data.forRun(run)).assemble([customer], run.asOf)).get(customer.id);
    // assemble() answers for every customer it is given.
    invariant(assembled, 'no document data was assembled for the customer');
    if (!assembled.ok) throw assembled.error;
    const data = withOffers(assembled.data as DocumentData, offers);
    const brand = await runBrand(deps, run);
    const { artifact } = await renderForChannel(template, 'print', data, {
      asOf: run.asOf,
      locale: customer.locale,
      brand: brand.source,
    });
    const input = snapshotInput({
      templateVersionId: run.templateVersionId,
      communicationType: run.communicationType,
      channel: 'print',
      asOf: run.asOf,
      locale: customer.locale,
      data,
      brand: brand.ref,
    });
    return await archiveIntoPendingRow(deps.db, deps.blobs, row.id, {
      runId: run.id,
      customerId: customer.id,
      channel: 'print',
      templateVersionId: run.templateVersionId,
      inputSha256: input.sha256,
      artifact,
      input,
      reason: 'fallback to paper rendered',
    });
  } catch (err) {
    deps.logger.warn({ runId: run.id, customerId: row.customerId }, 'fallback print failed');
    await transitionCommunicationStatus(deps.db, row.id, {
      from: ['pending'],
      to: 'failed',
      reason: `fallback print: ${errorMessage(err)}`,
      code: 'MSV_RENDER_FAILED',
    });
    return false;
  }
}
