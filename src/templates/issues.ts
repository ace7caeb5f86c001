import type { z } from 'zod';
import { type ErrorCode, MissiveError } from '../core/errors.ts';

/** `body[3].columns[1].width`: a path as marketing ops see it in their YAML or JSON. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(root)' : out;
}

export interface Problem {
  path: string;
  message: string;
  line?: number;
}

/** Every zod issue as a Problem; `lineOf` maps a path to a line in the source file when known. */
export function problemsFromZod(
  issues: readonly z.core.$ZodIssue[],
  lineOf?: (path: readonly PropertyKey[]) => number | undefined,
): Problem[] {
  return issues.map((issue) => {
    const line = lineOf?.(issue.path);
    const problem: Problem = { path: formatPath(issue.path), message: issue.message };
    if (line !== undefined) problem.line = line;
    return problem;
  });
}

/** One MissiveError naming the file and listing every problem (not just the first). */
export function problemsError(code: ErrorCode, file: string, problems: readonly Problem[]): MissiveError {
  const first = problems[0];
  const listed = problems
    .map((p) => `${file}${p.line !== undefined ? `:${p.line}` : ''} ${p.path}: ${p.message}`)
    .join('\n');
  const details: Record<string, string | number> = { file, problems: problems.length };
  if (first) {
    details.field = first.path;
    if (first.line !== undefined) details.line = first.line;
  }
  return new MissiveError(code, `${problems.length} problem(s) in ${file}:\n${listed}`, details);
}

/** A single problem in a file, e.g. unparsable JSON. */
export function fileError(file: string, path: string, message: string, line?: number): MissiveError {
  return problemsError('MSV_TEMPLATE_INVALID', file, [
    line === undefined ? { path, message } : { path, message, line },
  ]);
}
