import { type ErrorCode, MissiveError } from '../core/errors.ts';

/** One problem found in a catalog: which offer (or file), where inside it, and what. */
export interface RuleIssue {
  code: ErrorCode;
  /** The offer, computed trait, segment or communication type the problem is in. */
  offerId?: string;
  file?: string;
  /** Path inside the file or rule, e.g. `eligibility.and[1].>=[0]`. */
  path: string;
  message: string;
  /** A warning is shown but neither fails a lint nor stops a publish (default: an error). */
  severity?: 'warning';
}

/** The issues that fail a lint and refuse a publish. */
export function errorsOf(issues: readonly RuleIssue[]): RuleIssue[] {
  return issues.filter((i) => i.severity !== 'warning');
}

/** One catalog issue as a line: where (file, offer, path), what, and its code. */
export function describeIssue(issue: RuleIssue): string {
  const where = [issue.file, issue.offerId].filter(Boolean).join(' ');
  const head = issue.severity === 'warning' ? 'warning: ' : '';
  return `${head}${where}${where ? ' ' : ''}at ${issue.path || '(root)'}: ${issue.message} [${issue.code}]`;
}

/** The error a publish (or a decide on an unusable catalog) throws: the first issue, and how many. */
export function issuesError(issues: readonly RuleIssue[]): MissiveError {
  const first = issues[0] as RuleIssue;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return new MissiveError(first.code, `${describeIssue(first)}${more}`, {
    ...(first.file ? { file: first.file } : {}),
    field: first.path,
    offerId: first.offerId,
    issues: issues.length,
  });
}

/** zod issue path → `a.b[2].c`. */
export function formatPath(parts: readonly PropertyKey[]): string {
  let out = '';
  for (const part of parts) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}
