import type { Kysely } from 'kysely';
import type { BlobStore } from '../../archive/index.ts';
import { createTemplateCache, type TemplateCache } from '../../batch/heavy.ts';
import type { Logger } from '../../core/logger.ts';
import {
  type CorrectionDeps,
  type CorrectionForm,
  type CorrectionRequest,
  type CorrectionResult,
  correctionForm,
  decidePendingCorrection,
  requestCorrection,
} from '../../on-demand/heavy.ts';
import {
  appendAudit,
  type CorrectionRecord,
  type CorrectionStatus,
  type Database,
  getCorrection,
  listCorrectedBy,
  listCorrections,
} from '../../store/index.ts';
import { actorOf } from '../auth/principal.ts';
import { maskPans } from '../mask.ts';
import { requireBlobs } from '../require-blobs.ts';
import { authorizeCommunication, type ViewContext } from './document-access.ts';

type Target = { customerId: string; communicationId: string };

/** A correction as the API and pages show it: no sealed values. */
export type CorrectionView = Omit<CorrectionRecord, 'sealedChanges' | 'keyId'>;

export function correctionView(c: CorrectionRecord): CorrectionView {
  const { sealedChanges: _s, keyId: _k, ...view } = c;
  return view;
}

/**
 * The call center's corrected copies (src/on-demand/corrections.ts) behind the API and the pages: the
 * communication is reached through its customer first (audited like every view), the form's values
 * come from the sealed inputs (reading them is audited `communication.correction.form`), card numbers
 * typed into a reason are masked, and the user's role decides whether an amount is held for approval.
 */
export interface Corrections {
  form(ctx: ViewContext, target: Target): Promise<CorrectionForm & { corrections: CorrectionView[] }>;
  request(
    ctx: ViewContext,
    request: Omit<CorrectionRequest, 'reason'> & { reason: string },
  ): Promise<CorrectionResult>;
  decide(
    ctx: ViewContext,
    id: string,
    decision: { approve: boolean; reason: string },
  ): Promise<CorrectionResult>;
  /** The approval queue (or any status), oldest first. */
  list(status: CorrectionStatus | undefined): Promise<CorrectionView[]>;
  /** Corrections of one communication (to show on its page) and the versions that correct it. */
  of(communicationId: string): Promise<{ corrections: CorrectionView[]; correctedBy: string[] }>;
  correctedBy(ids: readonly string[]): Promise<Map<string, string[]>>;
  get(id: string): Promise<CorrectionView | undefined>;
}

export interface CorrectionsDeps {
  db: Kysely<Database>;
  blobs: BlobStore | undefined;
  now: () => Date;
  logger?: Logger | undefined;
  sendCopy?: ((communicationId: string) => void) | undefined;
}

export function createCorrections(deps: CorrectionsDeps): Corrections {
  const { db } = deps;
  let templates: TemplateCache | undefined;
  const service = (): CorrectionDeps => {
    templates ??= createTemplateCache(db);
    return {
      db,
      blobs: requireBlobs(deps),
      now: deps.now,
      templates,
      dispatch: deps.sendCopy,
      logger: deps.logger,
    };
  };
  return {
    form: async (ctx, { customerId, communicationId }) => {
      await authorizeCommunication(db, customerId, communicationId, ctx, 'communication.correction.check');
      const form = await correctionForm(service(), customerId, communicationId);
      await appendAudit(db, {
        actor: actorOf(ctx.principal),
        action: 'communication.correction.form',
        targetType: 'communication',
        targetId: communicationId,
        details: { customerId, via: ctx.via, ip: ctx.ip },
        at: deps.now().toISOString(),
      });
      const corrections = (await listCorrections(db, { communicationId })).map(correctionView);
      return { ...form, corrections };
    },
    request: async (ctx, request) => {
      const { customerId, communicationId } = request;
      await authorizeCommunication(db, customerId, communicationId, ctx, 'communication.correction.check');
      return requestCorrection(
        service(),
        { actor: actorOf(ctx.principal), role: ctx.principal.role },
        { ...request, reason: maskPans(request.reason) },
      );
    },
    decide: (ctx, id, decision) =>
      decidePendingCorrection(service(), { actor: actorOf(ctx.principal), role: ctx.principal.role }, id, {
        approve: decision.approve,
        reason: maskPans(decision.reason),
      }),
    list: async (status) => (await listCorrections(db, { status })).map(correctionView),
    of: async (communicationId) => {
      const [corrections, by] = await Promise.all([
        listCorrections(db, { communicationId }),
        listCorrectedBy(db, [communicationId]),
      ]);
      return { corrections: corrections.map(correctionView), correctedBy: by.get(communicationId) ?? [] };
    },
    correctedBy: (ids) => listCorrectedBy(db, ids),
    get: async (id) => {
      const c = await getCorrection(db, id);
      return c ? correctionView(c) : undefined;
    },
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Corrected copies: decorated in the lookup area's scope only (areas/lookup.ts). */
    corrections: Corrections;
  }
}
