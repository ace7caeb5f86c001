import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { MissiveError } from '../core/errors.ts';

/**
 * The retention schedule (retention.yaml): per communication type, how long documents are kept and
 * whether a law obliges keeping them (then erasure restricts instead of erasing). Pure once loaded.
 */

const DURATION = /^(\d+)\s*([dmy])$/;

const ruleSchema = z.object({
  keep: z.string().regex(DURATION, 'a number and a unit d, m or y, e.g. 7y'),
  legalHold: z.boolean().default(false),
  basis: z.string().default(''),
});

const policySchema = z.object({
  default: ruleSchema,
  types: z.record(z.string(), ruleSchema).default({}),
});

export interface RetentionRule {
  keep: string;
  legalHold: boolean;
  basis: string;
}

export interface RetentionPolicy {
  default: RetentionRule;
  types: Record<string, RetentionRule>;
  /** Where it was read from, for messages. */
  source: string;
}

/** The shipped policy at the project root. */
export const DEFAULT_RETENTION_FILE = path.resolve(import.meta.dirname, '..', '..', 'retention.yaml');

/**
 * Reads retention.yaml.
 * @throws MissiveError MSV_ARCHIVE_RETENTION_INVALID when it cannot be read or is invalid.
 */
export function loadRetentionPolicy(file: string = DEFAULT_RETENTION_FILE): RetentionPolicy {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (cause) {
    throw new MissiveError('MSV_ARCHIVE_RETENTION_INVALID', `cannot read ${file}`, { file }, { cause });
  }
  return parseRetentionPolicy(text, file);
}

export function parseRetentionPolicy(text: string, source = 'retention.yaml'): RetentionPolicy {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (cause) {
    throw new MissiveError(
      'MSV_ARCHIVE_RETENTION_INVALID',
      `${source} is not valid YAML`,
      { file: source },
      { cause },
    );
  }
  const parsed = policySchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new MissiveError('MSV_ARCHIVE_RETENTION_INVALID', `${source}: ${problems.join('; ')}`, {
      file: source,
    });
  }
  return { ...parsed.data, source };
}

export function ruleFor(policy: RetentionPolicy, communicationType: string): RetentionRule {
  return policy.types[communicationType] ?? policy.default;
}

/** The day (YYYY-MM-DD) a document dated `asOf` may go: asOf + keep. */
export function expiryDate(asOf: string, keep: string): string {
  const [, amount, unit] = DURATION.exec(keep)!;
  const n = Number(amount);
  const date = new Date(`${asOf}T00:00:00Z`);
  if (unit === 'd') date.setUTCDate(date.getUTCDate() + n);
  if (unit === 'm') addMonths(date, n);
  if (unit === 'y') addMonths(date, 12 * n);
  return date.toISOString().slice(0, 10);
}

/** The as-of dates strictly before this have expired on `today` (YYYY-MM-DD): today − keep. */
export function cutoffDate(today: string, keep: string): string {
  const [, amount, unit] = DURATION.exec(keep)!;
  const n = Number(amount);
  const date = new Date(`${today}T00:00:00Z`);
  if (unit === 'd') date.setUTCDate(date.getUTCDate() - n);
  if (unit === 'm') addMonths(date, -n);
  if (unit === 'y') addMonths(date, -12 * n);
  return date.toISOString().slice(0, 10);
}

/** Calendar months, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb). */
function addMonths(date: Date, months: number): void {
  const day = date.getUTCDate();
  date.setUTCDate(1);
  date.setUTCMonth(date.getUTCMonth() + months);
  const last = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
  date.setUTCDate(Math.min(day, last));
}

export function ageInDays(asOf: string, today: string): number {
  return Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${asOf}T00:00:00Z`)) / 86_400_000);
}
