import type { Kysely } from 'kysely';
import { canonicalJson, nowIso, parseJson } from './json.ts';
import type { Database } from './schema.ts';
import { inTransaction } from './transaction.ts';

/** The newest edits kept per draft (older ones can no longer be undone). */
export const DRAFT_HISTORY_LIMIT = 50;

/** One edit of a draft: the files it changed, before (null: added by it) and after. */
export interface DraftEdit {
  draftId: string;
  seq: number;
  before: Record<string, string | null>;
  after: Record<string, string>;
  undone: boolean;
}

/**
 * Records an edit of a draft: drops the edits undone before it (no redo past a new edit), adds it
 * last, and keeps the newest DRAFT_HISTORY_LIMIT.
 */
export async function recordDraftEdit(
  db: Kysely<Database>,
  draftId: string,
  before: Record<string, string | null>,
  after: Record<string, string>,
): Promise<void> {
  await inTransaction(db, async (trx) => {
    await trx
      .deleteFrom('studio_draft_history')
      .where('draft_id', '=', draftId)
      .where('undone', '=', 1)
      .execute();
    const top = await trx
      .selectFrom('studio_draft_history')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .where('draft_id', '=', draftId)
      .executeTakeFirst();
    const seq = Number(top?.seq ?? 0) + 1;
    await trx
      .insertInto('studio_draft_history')
      .values({
        draft_id: draftId,
        seq,
        before: canonicalJson(before),
        after: canonicalJson(after),
        undone: 0,
        created_at: nowIso(),
      })
      .execute();
    await trx
      .deleteFrom('studio_draft_history')
      .where('draft_id', '=', draftId)
      .where('seq', '<=', seq - DRAFT_HISTORY_LIMIT)
      .execute();
  });
}

/** The edit an undo takes back (the newest not undone) or a redo makes again (the oldest undone). */
export async function nextDraftEdit(
  db: Kysely<Database>,
  draftId: string,
  direction: 'undo' | 'redo',
): Promise<DraftEdit | undefined> {
  const row = await db
    .selectFrom('studio_draft_history')
    .selectAll()
    .where('draft_id', '=', draftId)
    .where('undone', '=', direction === 'undo' ? 0 : 1)
    .orderBy('seq', direction === 'undo' ? 'desc' : 'asc')
    .limit(1)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    draftId: row.draft_id,
    seq: Number(row.seq),
    before: parseJson<Record<string, string | null>>(row.before),
    after: parseJson<Record<string, string>>(row.after),
    undone: Number(row.undone) === 1,
  };
}

/** Marks an edit undone (true) or done again (false). */
export async function markDraftEdit(
  db: Kysely<Database>,
  draftId: string,
  seq: number,
  undone: boolean,
): Promise<void> {
  await db
    .updateTable('studio_draft_history')
    .set({ undone: undone ? 1 : 0 })
    .where('draft_id', '=', draftId)
    .where('seq', '=', seq)
    .execute();
}

/** How many edits of a draft can be undone and redone. */
export async function draftHistoryCounts(
  db: Kysely<Database>,
  draftId: string,
): Promise<{ undo: number; redo: number }> {
  const rows = await db
    .selectFrom('studio_draft_history')
    .select(['undone', (eb) => eb.fn.countAll().as('n')])
    .where('draft_id', '=', draftId)
    .groupBy('undone')
    .execute();
  const count = (undone: number) => Number(rows.find((r) => Number(r.undone) === undone)?.n ?? 0);
  return { undo: count(0), redo: count(1) };
}
