import type { Kysely } from 'kysely';
import { MissiveError } from '../core/errors.ts';
import { sha256Hex } from '../core/hash.ts';
import { openCsvReader } from '../customers/index.ts';
import type { Decision } from '../rules/index.ts';
import { customerExists, type Database, listSentWithDecisions, parseJson } from '../store/index.ts';
import { recordFeedbackEvent } from './events.ts';
import type { SuccessRules } from './success.ts';

/**
 * `missive feedback import FILE`: product take-up from the bank's systems, a CSV with the columns
 * customer, offer, date (YYYY-MM-DD or ISO-8601) and optionally id. Each row is a `converted`
 * event whose dedup key is the id, or the hash of (customer, offer, date): importing the same file
 * twice records nothing new. The conversion is attributed to the latest sent communication that
 * placed the offer for the customer within ATTRIBUTION_DAYS before the date (its success in the
 * model). A bad row is reported with file, line and field, and skipped.
 */

export const ATTRIBUTION_DAYS = 90;
const DAY_MS = 86_400_000;

export interface ConversionImportReport {
  file: string;
  rows: number;
  recorded: number;
  duplicates: number;
  attributed: number;
  rejected: { file: string; line: number; field: string; reason: string }[];
}

/**
 * Imports a conversions CSV (customer, offer, date) as events, each once.
 * @throws MissiveError MSV_FEEDBACK_BAD_ROW when a column is missing; bad rows are reported, not thrown.
 */
export async function importConversions(
  db: Kysely<Database>,
  file: string,
  rules: SuccessRules,
): Promise<ConversionImportReport> {
  const reader = await openCsvReader(file);
  for (const column of ['customer', 'offer', 'date']) {
    if (!reader.columns.includes(column)) {
      reader.close();
      throw new MissiveError('MSV_FEEDBACK_BAD_ROW', `the file has no "${column}" column`, {
        file,
        line: 1,
        field: column,
      });
    }
  }
  const report: ConversionImportReport = {
    file,
    rows: 0,
    recorded: 0,
    duplicates: 0,
    attributed: 0,
    rejected: [],
  };
  const known = new Set<string>();
  for await (const item of reader) {
    report.rows++;
    if (item.kind === 'unreadable') {
      report.rejected.push({ file, line: item.line, field: item.problem.field, reason: item.problem.reason });
      continue;
    }
    const cell = (name: string) => String(item.values.get(name) ?? '').trim();
    const row = { customer: cell('customer'), offer: cell('offer'), date: cell('date'), id: cell('id') };
    const problem = await rowProblem(db, row, known);
    if (problem) {
      report.rejected.push({ file, line: item.line, ...problem });
      continue;
    }
    const occurredAt = new Date(
      row.date.length === 10 ? `${row.date}T00:00:00.000Z` : row.date,
    ).toISOString();
    const communicationId = await attributedCommunication(db, row.customer, row.offer, occurredAt);
    const result = await recordFeedbackEvent(
      db,
      {
        source: 'conversion-import',
        sourceId: row.id || sha256Hex(`${row.customer}\u001f${row.offer}\u001f${row.date}`).slice(0, 32),
        type: 'converted',
        customerId: row.customer,
        offerId: row.offer,
        communicationId,
        payload: row.id ? { externalId: row.id } : {},
        occurredAt,
      },
      rules,
    );
    if (!result.recorded) report.duplicates++;
    else {
      report.recorded++;
      if (communicationId) report.attributed++;
    }
  }
  return report;
}

async function rowProblem(
  db: Kysely<Database>,
  row: { customer: string; offer: string; date: string },
  known: Set<string>,
): Promise<{ field: string; reason: string } | undefined> {
  if (row.customer === '') return { field: 'customer', reason: 'empty' };
  if (row.offer === '') return { field: 'offer', reason: 'empty' };
  if (
    !/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(row.date) ||
    Number.isNaN(Date.parse(row.date))
  ) {
    return { field: 'date', reason: 'not a date (YYYY-MM-DD or ISO-8601)' };
  }
  if (!known.has(row.customer)) {
    if (!(await customerExists(db, row.customer)))
      return { field: 'customer', reason: 'no customer with this id' };
    known.add(row.customer);
  }
  return undefined;
}

async function attributedCommunication(
  db: Kysely<Database>,
  customerId: string,
  offerId: string,
  occurredAt: string,
): Promise<string | null> {
  const until = new Date(Date.parse(occurredAt) + DAY_MS).toISOString();
  const since = new Date(Date.parse(occurredAt) - ATTRIBUTION_DAYS * DAY_MS).toISOString();
  const rows = await listSentWithDecisions(db, customerId, { since, until }, 50);
  for (const r of rows) {
    const offers = parseJson<Pick<Decision, 'offers'>>(r.decision).offers ?? [];
    if (offers.some((o) => o.offerId === offerId)) return r.id;
  }
  return null;
}
